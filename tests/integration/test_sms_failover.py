"""SMS provider failover on the real binary: [sms] providers = ["twilio", "sns"], each provider a
local FaultyProvider, so every request either provider received is counted.

- Twilio answers 503 (after its retries): SNS sends; the code reaches the phone once (every
  Twilio attempt was refused, SNS got exactly one request) and it verifies; the sms_messages rows
  name the provider of each attempt (twilio failed, sns accepted).
- The breaker: after breaker_failures failed sends Twilio is skipped without a request (SNS
  alone sends, the gauge says open); after the cool-down one trial goes to Twilio, which has
  recovered, and it sends again (SNS sees nothing more, the gauge says closed).
- Twilio refuses the number (400, code 21211): final, SNS is never asked.
- Twilio takes the request and never answers (a timeout after sending): it may have accepted
  the text, so SNS is not asked either (no second code for one request).
"""

import re
import sqlite3
import time
import unittest
import urllib.parse

import harness
from harness import FaultyProvider, wait_until

TWILIO_SID = "AC0123456789abcdef0123456789abcdef"
CREATED = ('{"sid": "SM0123456789abcdef0123456789abcdef", "status": "queued", "to": "%s", '
           '"from": "+15005550006", "num_segments": "1"}')
INVALID_TO = '{"code": 21211, "message": "The \'To\' number is not a valid phone number.", "status": 400}'
SNS_OK = ("<PublishResponse xmlns=\"https://sns.amazonaws.com/doc/2010-03-31/\"><PublishResult>"
          "<MessageId>2e0b9bdf-3c88-5bd4-9b4d-6c1f7d7e3a11</MessageId></PublishResult>"
          "</PublishResponse>")
COOLDOWN = 2  # breaker_cooldown_seconds below


@harness.require_binary
class SmsFailoverTest(harness.ServerTestCase):

    def setUp(self):
        super().setUp()
        self.twilio = FaultyProvider()
        self.addCleanup(self.twilio.close)
        self.sns = FaultyProvider()
        self.addCleanup(self.sns.close)
        self.sns.answer(200, SNS_OK, {"Content-Type": "text/xml"})
        self.ws.sms_flag = None
        config = self.ws.write("callgate.toml", f"""
[otp]
per_number_limit = 20
[sms]
providers = ["twilio", "sns"]
connect_timeout_ms = 500
attempt_timeout_ms = 1000
max_attempts = 2
total_timeout_ms = 1500
breaker_failures = 2
breaker_cooldown_seconds = {COOLDOWN}
[sms.twilio]
account_sid = "{TWILIO_SID}"
auth_token = "test-token"
from = "+15005550006"
base_url = "{self.twilio.url}"
[sms.sns]
region = "us-east-1"
endpoint = "{self.sns.url}/"
access_key_id = "AKIDEXAMPLE"
secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
""")
        self.server = self.start_server("--config", config)

    # The codes each provider was asked to send to `phone`, in order.
    def twilio_codes(self, phone):
        return [f["Body"].rsplit(" ", 1)[-1] for f in self.forms(self.twilio) if f.get("To") == phone]

    def sns_codes(self, phone):
        return [f["Message"].rsplit(" ", 1)[-1] for f in self.forms(self.sns)
                if f.get("PhoneNumber") == phone]

    @staticmethod
    def forms(provider):
        return [dict(urllib.parse.parse_qsl(r["body"].decode())) for r in provider.requests_snapshot()]

    def sms_rows(self, phone_suffix):
        rows = sqlite3.connect(f"file:{self.ws.db}?mode=ro", uri=True).execute(
            "SELECT provider, status, error_code, to_masked FROM sms_messages ORDER BY created_at_ms")
        return [r[:3] for r in rows if r[3].endswith(phone_suffix)]

    def gauge(self, provider):
        _, _, text = self.server.request("GET", "/metrics")
        m = re.search(r'^callgate_sms_provider_state\{provider="%s"\} (\d+)$' % provider,
                      text.decode(), re.M)
        return int(m.group(1)) if m else None

    def failovers(self):
        _, _, text = self.server.request("GET", "/metrics")
        m = re.search(r'^callgate_sms_failovers_total\{from="twilio",to="sns"\} (\d+)$',
                      text.decode(), re.M)
        return int(m.group(1)) if m else 0

    def test_503_fails_over_and_each_code_is_sent_once(self):
        phone = "+14155550131"
        self.twilio.answer(503, b"", {"Content-Type": "text/html"})
        result = self.server.call("send-otp", phone)
        self.assertEqual(result, {"lambdaResult": "Success", "otpResult": "Sent"})
        twilio, sns = self.twilio_codes(phone), self.sns_codes(phone)
        self.assertEqual(len(twilio), 2, "Twilio's own retries (max_attempts = 2), all refused")
        self.assertEqual(len(set(twilio)), 1)
        self.assertEqual(sns, twilio[:1], "SNS sent the same code, exactly once")
        self.assertEqual(self.server.call("verify-otp", phone, code=sns[0])["otpResult"], "Verified")
        self.assertEqual(self.sms_rows(phone[-2:]), [("twilio", "failed", "http_503"),
                                                     ("sns", "accepted", "")])
        self.assertEqual(self.failovers(), 1)
        self.assertIn("event=sms_failover from=twilio to=sns reason=failed",
                      self.server.log_tail(500))
        self.assertNotIn(phone, self.server.log_tail(500), "logs carry masked numbers only")

    def test_the_breaker_opens_and_recovers(self):
        self.twilio.answer(503, b"", {"Content-Type": "text/html"})
        for i in range(2):
            self.assertEqual(self.server.call("send-otp", f"+1415555014{i}")["otpResult"], "Sent")
        self.assertEqual(len(self.twilio.requests_snapshot()), 4)
        self.assertEqual(self.gauge("twilio"), 2, "open")
        self.assertIn("event=sms_provider_state provider=twilio state=open", self.server.log_tail(500))

        # Open: Twilio is skipped without a request; SNS sends.
        self.assertEqual(self.server.call("send-otp", "+14155550142")["otpResult"], "Sent")
        self.assertEqual(len(self.twilio.requests_snapshot()), 4)
        self.assertEqual(len(self.sns_codes("+14155550142")), 1)
        self.assertEqual(self.failovers(), 3)

        # Twilio recovers; after the cool-down one trial goes to it, and it sends again.
        self.twilio.answer(201, CREATED % "+14155550143", {"Content-Type": "application/json"})
        time.sleep(COOLDOWN + 0.2)
        sns_before = len(self.sns.requests_snapshot())
        self.assertEqual(self.server.call("send-otp", "+14155550143")["otpResult"], "Sent")
        self.assertEqual(len(self.twilio_codes("+14155550143")), 1)
        self.assertEqual(self.gauge("twilio"), 0, "closed")
        self.assertEqual(self.server.call("send-otp", "+14155550144")["otpResult"], "Sent")
        self.assertEqual(len(self.twilio_codes("+14155550144")), 1)
        self.assertEqual(len(self.sns.requests_snapshot()), sns_before, "SNS saw nothing more")

    def test_a_refused_number_is_not_tried_on_the_next_provider(self):
        phone = "+14155550151"
        self.twilio.answer(400, INVALID_TO, {"Content-Type": "application/json"})
        result = self.server.call("send-otp", phone)
        self.assertEqual(result["otpResult"], "SendFailed")
        self.assertEqual(len(self.twilio_codes(phone)), 1, "a 4xx is not retried")
        self.assertEqual(self.sns.requests_snapshot(), [])
        self.assertEqual(self.sms_rows(phone[-2:]), [("twilio", "failed", "21211")])
        # And it is no failure of Twilio's: the circuit stays closed through more of them.
        for i in range(3):
            self.server.call("send-otp", f"+1415555016{i}")
        self.assertEqual(self.gauge("twilio"), 0)
        self.assertEqual(self.sns.requests_snapshot(), [])

    def test_a_timeout_after_sending_is_not_sent_twice(self):
        phone = "+14155550171"
        self.twilio.hang()
        result = self.server.call("send-otp", phone)
        self.assertEqual(result["otpResult"], "SendFailed")
        self.assertGreaterEqual(len(self.twilio_codes(phone)), 1)
        self.assertEqual(self.sns.requests_snapshot(), [], "Twilio may have taken it")
        self.assertIn("event=sms_failover_withheld provider=twilio", self.server.log_tail(500))
        wait_until(lambda: self.twilio.open_connections() == 0, 3, what="connections closed")

    def test_a_refused_connection_fails_over(self):
        phone = "+14155550181"
        self.twilio.refuse()
        self.assertEqual(self.server.call("send-otp", phone)["otpResult"], "Sent")
        self.assertEqual(len(self.sns_codes(phone)), 1)
        self.assertEqual(self.sms_rows(phone[-2:]), [("twilio", "failed", "transport"),
                                                     ("sns", "accepted", "")])


if __name__ == "__main__":
    unittest.main()
