"""The SMS-pumping guard on the real binary, before any provider request: send-otp to a
premium-rate number, to a country other than the dialled number's (on the console simulator,
which knows the dialled number) or outside allowed_countries, and over the hourly budget answers otpResult=Refused with its reason; the
provider (a local FaultyProvider standing in for Twilio) never sees those requests, no challenge
is created, and the audit says otp_send_refused. The shipped flow speaks the refusal as a send
that did not happen and hands the call on.
"""

import json
import subprocess
import unittest
import urllib.parse

import harness
from harness import FaultyProvider

TWILIO_SID = "AC0123456789abcdef0123456789abcdef"
CREATED = ('{"sid": "SM0123456789abcdef0123456789abcdef", "status": "queued", "to": "+14155550100", '
           '"from": "+15005550006", "num_segments": "1"}')
NOT_SENT_SAID = ("Sorry, we could not send a one-time PIN to your phone. Please hold while we connect "
                 "you to an agent.")


class GuardCase:
    guard = ""
    otp_attempts = 5

    def setUp(self):
        super().setUp()
        self.provider = FaultyProvider()
        self.addCleanup(self.provider.close)
        self.provider.answer(201, CREATED, {"Content-Type": "application/json"})
        self.ws.sms_flag = None
        self.config = config = self.ws.write("callgate.toml", f"""
[otp]
per_number_limit = 20
max_attempts = {self.otp_attempts}
[sms]
provider = "twilio"
total_timeout_ms = 1500
{self.guard}
[sms.twilio]
account_sid = "{TWILIO_SID}"
auth_token = "test-token"
from = "+15005550006"
base_url = "{self.provider.url}"
""")
        self.server = self.start_server("--config", config)

    def sent_to(self):
        return [dict(urllib.parse.parse_qsl(r["body"].decode())).get("To")
                for r in self.provider.requests_snapshot()]

    def refused(self, phone, reason):
        result = self.server.call("send-otp", phone)
        self.assertEqual(result, {"lambdaResult": "Error", "otpResult": "Refused", "reason": reason})
        self.assertNotIn(phone, self.sent_to())
        self.assertNotIn(phone, [r[1] for r in self.ws.table("challenges")])

    def audit(self, event):
        return [e for e in map(json.loads, harness.read_text(self.ws.audit).splitlines())
                if e["event"] == event]


@harness.require_binary
class DefaultGuardTest(GuardCase, harness.ServerTestCase):
    """No guard keys: the default refused types, and the dialled number's country plus those of
    the numbers on file. The Connect calls here carry no SystemEndpoint, so over Connect only the
    types and the countries on file apply; the console simulator dials +1 800 555 0100 (US)."""

    def simulated_call(self, caller):
        r = subprocess.run(
            [harness.BIN, "call", "--json", "--from", caller, "--flow", harness.DEFAULT_FLOW,
             "--config", self.config, *self.ws.store_args()], cwd=self.ws.dir, input="",
            capture_output=True, text=True, timeout=harness.CLI_TIMEOUT)
        self.assertEqual(r.returncode, 0, r.stderr)
        return harness.parse_events(r.stdout)

    def test_premium_rate_and_toll_free_numbers_are_refused_before_any_request(self):
        self.refused("+19002345678", "number_type")     # US premium rate
        self.refused("+18002345678", "number_type")     # toll-free
        self.assertEqual(self.provider.requests_snapshot(), [])
        self.assertEqual(self.server.call("send-otp", "+14155550100")["otpResult"], "Sent")
        self.assertEqual(self.sent_to(), ["+14155550100"])
        refusals = self.audit("otp_send_refused")
        self.assertEqual([e["reason"] for e in refusals], ["number_type", "number_type"])
        self.assertNotIn("+19002345678", harness.read_text(self.ws.audit), "masked numbers only")
        _, _, metrics = self.server.request("GET", "/metrics")
        self.assertIn('callgate_otp_sends_total{outcome="refused"} 2', metrics.decode())

    def test_a_caller_from_another_country_than_the_dialled_number_is_refused(self):
        for caller in ("+447400123456", "+14165550123"):  # a UK mobile; Toronto (+1 is not one country)
            events = self.simulated_call(caller)
            results = [e["result"] for e in events if e.get("name") == "send-otp"]
            self.assertEqual(results, [{"lambdaResult": "Error", "otpResult": "Refused",
                                        "reason": "country"}])
            self.assertIn(NOT_SENT_SAID, [e.get("text") for e in events if e.get("type") == "prompt"])
            self.assertEqual(events[-1]["type"], "transfer", events)
            self.assertEqual(events[-1]["attributes"]["authenticated"], "False")
        self.assertEqual(self.provider.requests_snapshot(), [])
        self.assertEqual([e["reason"] for e in self.audit("otp_send_refused")], ["country"] * 2)
        # A US caller on the same number gets a text.
        events = self.simulated_call("+14155550102")
        self.assertEqual([e["result"]["otpResult"] for e in events if e.get("name") == "send-otp"],
                         ["Sent"])
        self.assertEqual(self.sent_to(), ["+14155550102"])

    def test_the_countries_of_the_numbers_on_file_are_allowed_too(self):
        caller = "+447400123456"   # a UK mobile, not on file
        refused = {"lambdaResult": "Error", "otpResult": "Refused", "reason": "country"}
        self.assertEqual([e["result"] for e in self.simulated_call(caller)
                          if e.get("name") == "send-otp"], [refused])
        # A customer in the UK is put on file (by the CLI, beside the running server): from the
        # next send on, UK numbers are texted; France still is not.
        self.ws.add_customer("+447400123499", "Ada", "Lovelace")
        events = self.simulated_call(caller)
        self.assertEqual([e["result"]["otpResult"] for e in events if e.get("name") == "send-otp"],
                         ["Sent"])
        self.assertEqual([e["result"] for e in self.simulated_call("+33612345678")
                          if e.get("name") == "send-otp"], [refused])
        self.assertEqual(self.sent_to(), [caller])


@harness.require_binary
class ConfiguredGuardTest(GuardCase, harness.ServerTestCase):
    guard = """allowed_countries = ["US", "GB"]
max_per_hour = 10
max_per_country_per_hour = 2"""

    def test_the_allow_list_and_the_budgets(self):
        self.assertEqual(self.server.call("send-otp", "+447400123456")["otpResult"], "Sent")
        self.refused("+33612345678", "country")
        self.assertEqual(self.server.call("send-otp", "+14155550101")["otpResult"], "Sent")
        self.assertEqual(self.server.call("send-otp", "+14155550102")["otpResult"], "Sent")
        self.refused("+14155550103", "budget")          # a third +1 text this hour
        self.assertEqual(self.server.call("send-otp", "+447400123457")["otpResult"], "Sent")
        self.assertEqual(len(self.provider.requests_snapshot()), 4)
        self.assertEqual([e["detail"] for e in self.audit("otp_send_refused")], ["FR", "+1"])


@harness.require_binary
class ConversionWatchTest(GuardCase, harness.ServerTestCase):
    guard = """conversion_min_sample = 3
conversion_min_ratio = 0.5"""
    otp_attempts = 1   # one wrong code locks a challenge: a settled, unverified send

    def test_a_prefix_whose_codes_are_never_verified_is_throttled(self):
        for phone in ("+14155550111", "+14155550112", "+14155550113"):
            self.assertEqual(self.server.call("send-otp", phone)["otpResult"], "Sent")
            # A wrong code (the real one never reaches anyone who keys it) locks it.
            self.assertNotEqual(self.server.call("verify-otp", phone, code="000000")["otpResult"],
                                "Verified")
        self.refused("+14155550114", "throttled")
        self.assertEqual(len(self.provider.requests_snapshot()), 3)
        throttled = self.audit("sms_prefix_throttled")
        self.assertEqual([(e["prefix"], e["settled"], e["verified"]) for e in throttled],
                         [("+1415", "3", "0")])
        self.assertEqual([e["detail"] for e in self.audit("otp_send_refused")], ["+1415"])
        # Another prefix still gets its code.
        self.assertEqual(self.server.call("send-otp", "+12125550111")["otpResult"], "Sent")
        _, _, metrics = self.server.request("GET", "/metrics")
        self.assertIn("callgate_sms_prefix_throttled_total 1", metrics.decode())


if __name__ == "__main__":
    unittest.main()
