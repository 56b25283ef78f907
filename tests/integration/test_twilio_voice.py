"""Twilio voice webhooks against the real `callgate serve`: signed requests, TwiML at each step.

Every request is signed exactly as Twilio signs it (WIRE.md §3): HMAC-SHA1 with the auth token
over the public URL followed by the POST parameters sorted by name, Base64. The server is told
its public URL (as behind a proxy), so the signatures are computed for https://callgate.example.com
while the requests go to 127.0.0.1.
"""

import base64
import hashlib
import hmac
import os
import unittest
import urllib.parse
import xml.etree.ElementTree as ET

from harness import ServerTestCase, SOURCE_DIR, DEFAULT_FLOW, other_code, require_binary
from verdict_check import agent_keys, verify_verdict

TOKEN = "0123456789abcdef0123456789abcdef"
BASE = "https://callgate.example.com"
UNKNOWN = "+14155550123"
KNOWN = "+14155550100"
DIALLED = "+18005550100"
ACCOUNT = "AC" + "0" * 32
VOICE_LOGIN_FLOW = os.path.join(SOURCE_DIR, "flows", "voice-login.json")


def twilio_signature(url, params, token=TOKEN):
    """Twilio's algorithm (twilio-python RequestValidator.compute_signature)."""
    data = url + "".join(name + value for name, value in sorted(params))
    digest = hmac.new(token.encode(), data.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def call_params(call_sid, caller, **extra):
    params = [("AccountSid", ACCOUNT), ("ApiVersion", "2010-04-01"), ("CallSid", call_sid),
              ("CallStatus", "in-progress"), ("Called", DIALLED), ("Caller", caller),
              ("Direction", "inbound"), ("From", caller), ("FromCountry", "US"), ("To", DIALLED)]
    params += sorted(extra.items())
    return params


def call_sid(n):
    return "CA" + ("%032x" % n)


class TwiML:
    """A parsed TwiML answer."""

    def __init__(self, data):
        self.text = data.decode("utf-8")
        self.root = ET.fromstring(data)
        if self.root.tag != "Response":
            raise AssertionError(f"not a TwiML <Response>: {self.text}")

    def verbs(self):
        return [child.tag for child in self.root]

    def said(self):
        """Every <Say> text, nested ones (inside <Gather>) included, in order."""
        return [e.text or "" for e in self.root.iter("Say")]

    def one(self, tag):
        found = self.root.findall(tag)
        if len(found) != 1:
            raise AssertionError(f"expected one <{tag}>: {self.text}")
        return found[0]


@require_binary
class TwilioVoiceTest(ServerTestCase):

    def setUp(self):
        super().setUp()
        # A token in the developer's environment would override the test's own.
        saved = os.environ.pop("CALLGATE_TWILIO_AUTH_TOKEN", None)
        if saved is not None:
            self.addCleanup(os.environ.__setitem__, "CALLGATE_TWILIO_AUTH_TOKEN", saved)

    def start(self, *, public=True, queues=None, extra=""):
        queues = queues or {"Agents": "sip:agents@pbx.example.com"}
        lines = ["[flows]", f'default = "{DEFAULT_FLOW}"', "[twilio]", f'auth_token = "{TOKEN}"']
        if public:
            lines.append(f'public_base_url = "{BASE}/"')
        lines.append(extra)
        lines.append("[twilio.queues]")
        lines += [f'{name} = "{target}"' for name, target in queues.items()]
        config = self.ws.write("callgate.toml", "\n".join(lines) + "\n")
        self.server = self.start_server("--config", config)
        return self.server

    def post(self, target, params, *, sign_url=None, token=TOKEN, signature=None):
        """POSTs the form to `target` (path?query) signed for BASE + target; returns (status, body)."""
        url = sign_url or (BASE + target)
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        sig = signature if signature is not None else twilio_signature(url, params, token)
        if sig:
            headers["X-Twilio-Signature"] = sig
        status, hdrs, data = self.server.request("POST", target, urllib.parse.urlencode(params), headers)
        if status == 200:
            self.assertTrue(hdrs.get("content-type", "").startswith("text/xml"), hdrs)
        return status, data

    def twiml(self, target, params, **kw):
        status, data = self.post(target, params, **kw)
        self.assertEqual(status, 200, data)
        return TwiML(data)

    def target_of(self, url):
        """The path?query of a callback URL callgate wrote; it must be on the public base."""
        self.assertTrue(url.startswith(BASE + "/twilio/voice/"), url)
        parts = urllib.parse.urlsplit(url)
        return parts.path + ("?" + parts.query if parts.query else "")

    def assert_gather(self, doc, prompt):
        """A PIN <Gather> with the prompt inside and the no-input <Redirect>; returns its action."""
        self.assertEqual(doc.verbs()[-2:], ["Gather", "Redirect"], doc.text)
        gather = doc.one("Gather")
        self.assertEqual(gather.get("input"), "dtmf")
        self.assertEqual(gather.get("method"), "POST")
        self.assertEqual(gather.get("numDigits"), "10")
        self.assertEqual(gather.get("finishOnKey"), "#")
        self.assertEqual(gather.get("timeout"), "10")
        inner = [e.text for e in gather.findall("Say")]
        self.assertEqual(len(inner), 1, doc.text)
        self.assertIn(prompt, inner[0])
        self.assertEqual(doc.one("Redirect").text, gather.get("action"))
        self.assertRegex(gather.get("action"), r"/twilio/voice/[A-Za-z0-9_-]{22}/gather\?step=\d+$")
        return gather.get("action")

    def assert_sip_dial(self, doc):
        """A <Dial> to the SIP agent; returns (dial action, X-Callgate headers as a dict)."""
        self.assertEqual(doc.verbs()[-1], "Dial", doc.text)
        dial = doc.one("Dial")
        sip = dial.findall("Sip")
        self.assertEqual(len(sip), 1, doc.text)
        uri, _, query = sip[0].text.partition("?")
        self.assertEqual(uri, "sip:agents@pbx.example.com")
        headers = dict(urllib.parse.parse_qsl(query, strict_parsing=True))
        return dial.get("action"), headers

    def test_unknown_caller_keys_the_sms_pin_and_reaches_the_agent(self):
        self.start()
        sid = call_sid(1)
        doc = self.twiml("/twilio/voice", call_params(sid, UNKNOWN, CallStatus="ringing"))
        action = self.assert_gather(doc, "We have sent a one-time PIN to your phone")
        self.assertTrue(action.endswith("?step=1"))
        code = self.ws.last_code(UNKNOWN)
        self.assertEqual(len(self.ws.messages_to(UNKNOWN)), 1)

        # A wrong PIN: told so, and asked again at the next step.
        wrong = call_params(sid, UNKNOWN, Digits=other_code(code), FinishedOnKey="#")
        doc = self.twiml(self.target_of(action), wrong)
        self.assertIn("That PIN is not correct.", doc.said())
        again = self.assert_gather(doc, "Please say the PIN from your text message again")
        self.assertTrue(again.endswith("?step=2"))

        # Twilio retries that request: the same TwiML, no second attempt counted.
        attempts = [row for row in self.ws.table("challenges")]
        replay = self.twiml(self.target_of(action), wrong)
        self.assertEqual(replay.text, doc.text)
        self.assertEqual(self.ws.table("challenges"), attempts)

        # The right PIN: enrolled, greeted, dialled through with the verdict.
        doc = self.twiml(self.target_of(again), call_params(sid, UNKNOWN, Digits=code))
        self.assertIn("Hello New, thank you for calling.", doc.said())
        dial_action, headers = self.assert_sip_dial(doc)
        self.assertEqual(headers["X-Callgate-Auth"], "True")
        self.assertEqual(headers["X-Callgate-Auth-Method"], "SmsOtp")
        self.assertEqual(headers["X-Callgate-firstName"], "New")
        self.assertEqual(headers["X-Callgate-enrolled"], "True")
        # The signed verdict: bound to this CallSid and agent, saying what callgate saw proved.
        verdict = headers["X-Callgate-Verdict"]
        claims = verify_verdict(self, verdict, agent_keys(self.server.port), sid,
                                target="sip:agents@pbx.example.com")
        self.assertEqual((claims["chn"], claims["amr"], claims["acr"]),
                         ("twilio", ["sms"], "urn:callgate:acr:1fa"), claims)
        self.assertNotIn(UNKNOWN, verdict)
        self.assertNotIn(code, doc.text)
        self.assertEqual([r[0] for r in self.ws.table("customers")], [UNKNOWN])
        self.assertEqual(len(self.ws.table("voice_sessions")), 1)

        # The agent hangs up: the Dial action ends the call and the session is gone.
        self.assertTrue(dial_action.endswith("/status"), dial_action)
        doc = self.twiml(self.target_of(dial_action),
                         call_params(sid, UNKNOWN, DialCallStatus="completed", DialCallDuration="42"))
        self.assertEqual(doc.verbs(), ["Hangup"])
        self.assertEqual(self.ws.table("voice_sessions"), [])
        # The operational log never holds the PIN or the full number.
        log = self.server.log_tail(10000)
        self.assertNotIn(code, log)
        self.assertNotIn(UNKNOWN, log)
        self.assertNotIn(verdict.rsplit(".", 1)[1], log)  # the verdict's signature: never logged

    def test_attested_known_caller_goes_straight_to_the_agent(self):
        self.ws.add_customer(KNOWN, "Ada", "Lovelace", level="Gold", language="en-GB")
        self.start()
        doc = self.twiml("/twilio/voice",
                         call_params(call_sid(2), KNOWN, StirVerstat="TN-Validation-Passed-A"))
        self.assertEqual(doc.said(), ["Hello Ada, thank you for calling."])
        self.assertEqual(doc.one("Say").get("language"), "en-GB")
        _, headers = self.assert_sip_dial(doc)
        self.assertEqual(headers["X-Callgate-Auth"], "True")
        self.assertEqual(headers["X-Callgate-Auth-Method"], "CallerId")
        self.assertEqual(headers["X-Callgate-firstName"], "Ada")
        self.assertEqual(headers["X-Callgate-lastName"], "Lovelace")
        self.assertEqual(headers["X-Callgate-custLevel"], "Gold")
        claims = verify_verdict(self, headers["X-Callgate-Verdict"], agent_keys(self.server.port),
                                call_sid(2))
        self.assertEqual((claims["amr"], claims["acr"], claims["attest"]),
                         (["callerid"], "urn:callgate:acr:callerid", "A"), claims)
        self.assertEqual(self.ws.outbox_messages(), [])

    def test_known_caller_without_attestation_a_steps_up(self):
        self.ws.add_customer(KNOWN, "Ada", "Lovelace", level="Gold")
        self.start()
        doc = self.twiml("/twilio/voice",
                         call_params(call_sid(3), KNOWN, StirVerstat="TN-Validation-Passed-C"))
        self.assert_gather(doc, "one-time PIN")
        self.assertNotIn("Ada", doc.text)
        self.assertEqual(len(self.ws.messages_to(KNOWN)), 1)

    def test_no_input_then_unauthenticated_transfer_without_customer_data(self):
        self.ws.add_customer(KNOWN, "Ada", "Lovelace", level="Gold")
        self.start()
        sid = call_sid(4)
        action = self.assert_gather(self.twiml("/twilio/voice", call_params(sid, KNOWN)), "one-time PIN")
        for step in (2, 3):
            # The no-input <Redirect>: same URL, no Digits.
            doc = self.twiml(self.target_of(action), call_params(sid, KNOWN))
            self.assertIn("We did not receive a PIN.", doc.said())
            action = self.assert_gather(doc, "again")
            self.assertTrue(action.endswith(f"?step={step}"))
        doc = self.twiml(self.target_of(action), call_params(sid, KNOWN))
        self.assertIn("Sorry, we could not verify your PIN. Please hold while we connect you to an agent.",
                      doc.said())
        _, headers = self.assert_sip_dial(doc)
        self.assertEqual(headers["X-Callgate-Auth"], "False")
        self.assertEqual(headers["X-Callgate-recordFound"], "True")
        for key in ("X-Callgate-firstName", "X-Callgate-lastName", "X-Callgate-custLevel"):
            self.assertNotIn(key, headers)

    def test_a_replayed_gather_does_not_advance_twice(self):
        self.start()
        sid = call_sid(5)
        action = self.assert_gather(self.twiml("/twilio/voice", call_params(sid, UNKNOWN)), "one-time PIN")
        # The incoming call delivered twice starts one call and sends one SMS.
        self.twiml("/twilio/voice", call_params(sid, UNKNOWN))
        self.assertEqual(len(self.ws.messages_to(UNKNOWN)), 1)
        code = self.ws.last_code(UNKNOWN)
        first = self.twiml(self.target_of(action), call_params(sid, UNKNOWN, Digits=code))
        self.assert_sip_dial(first)
        challenges = self.ws.table("challenges")
        for digits in (code, other_code(code)):
            again = self.twiml(self.target_of(action), call_params(sid, UNKNOWN, Digits=digits))
            self.assertEqual(again.text, first.text)
        self.assertEqual(self.ws.table("challenges"), challenges)
        self.assertEqual(len(self.ws.table("customers")), 1)
        with open(self.ws.audit, encoding="utf-8") as f:
            audit = f.read()
        self.assertEqual(audit.count("otp_verified"), 1, audit)

    def test_bad_signatures_get_403_and_change_nothing(self):
        self.start()
        params = call_params(call_sid(6), UNKNOWN)
        before = self.ws.snapshot()
        cases = {
            "missing": dict(signature=""),
            "wrong token": dict(token="not-the-token"),
            "internal URL": dict(sign_url=f"http://127.0.0.1:{self.server.port}/twilio/voice"),
            "garbage": dict(signature="AAAAAAAAAAAAAAAAAAAAAAAAAAA="),
        }
        for name, kw in cases.items():
            with self.subTest(name):
                status, _ = self.post("/twilio/voice", params, **kw)
                self.assertEqual(status, 403)
        # Signed for other parameters: the caller's number was changed in transit.
        sig = twilio_signature(BASE + "/twilio/voice", call_params(call_sid(6), KNOWN))
        status, _ = self.post("/twilio/voice", params, signature=sig)
        self.assertEqual(status, 403)
        self.assertEqual(self.ws.snapshot(), before)
        self.assertEqual(self.ws.table("voice_sessions"), [])

        # On a gather, a bad signature does not advance the call either.
        sid = call_sid(7)
        action = self.assert_gather(self.twiml("/twilio/voice", call_params(sid, UNKNOWN)), "one-time PIN")
        code = self.ws.last_code(UNKNOWN)
        sessions = self.ws.table("voice_sessions")
        status, _ = self.post(self.target_of(action), call_params(sid, UNKNOWN, Digits=code), token="nope")
        self.assertEqual(status, 403)
        self.assertEqual(self.ws.table("voice_sessions"), sessions)
        self.assertEqual([r[-1] for r in self.ws.table("challenges")], ["active"])
        # Signed with the default port, which Twilio may or may not show: accepted.
        doc = self.twiml(self.target_of(action), call_params(sid, UNKNOWN, Digits=code),
                         sign_url=action.replace(BASE, BASE + ":443"))
        self.assert_sip_dial(doc)

    def test_without_a_public_url_the_host_header_is_signed(self):
        os.environ["CALLGATE_TWILIO_AUTH_TOKEN"] = "token-from-the-environment"
        try:
            # The file's token is overridden by the environment.
            self.start(public=False)
        finally:
            os.environ.pop("CALLGATE_TWILIO_AUTH_TOKEN")
        local = f"http://127.0.0.1:{self.server.port}/twilio/voice"
        params = call_params(call_sid(8), UNKNOWN)
        status, _ = self.post("/twilio/voice", params, sign_url=local)
        self.assertEqual(status, 403)  # signed with the file's token
        status, data = self.post("/twilio/voice", params, sign_url=local, token="token-from-the-environment")
        self.assertEqual(status, 200, data)
        self.assertIn(f'action="http://127.0.0.1:{self.server.port}/twilio/voice/', data.decode())

    def test_disabled_without_a_token(self):
        self.server = self.start_server()
        status, _ = self.post("/twilio/voice", call_params(call_sid(9), UNKNOWN))
        self.assertEqual(status, 404)

    def test_voice_login_journey(self):
        self.assertTrue(os.path.exists(VOICE_LOGIN_FLOW),
                        f"{VOICE_LOGIN_FLOW} is missing: the voice-login journey needs it")
        self.start(extra=f'[twilio.numbers]\n"{DIALLED}" = "{VOICE_LOGIN_FLOW}"')
        sid = call_sid(10)
        doc = self.twiml("/twilio/voice", call_params(sid, KNOWN))
        self.assertIn("Gather", doc.verbs(), doc.text)
        action = doc.one("Gather").get("action")
        doc = self.twiml(self.target_of(action), call_params(sid, KNOWN, Digits="12345678"))
        self.assertIn("Gather", doc.verbs(), doc.text)
        # Parked while asking for the PIN: the user id is in the row only sealed.
        [row] = self.ws.table("voice_sessions")
        state, response = row[3], row[4]
        self.assertTrue(state.startswith("v1."), state[:40])
        self.assertTrue(response.startswith("v1."), response[:40])
        self.assertNotIn("12345678", state + response)
        # A PIN: whatever verify-pin answers, it is nowhere in the database files in the clear
        # (the user id may be: PIN failures are counted per user id).
        action = doc.one("Gather").get("action")
        status, _ = self.post(self.target_of(action), call_params(sid, KNOWN, Digits="97531"))
        self.assertEqual(status, 200)
        for suffix in ("", "-wal"):
            if os.path.exists(self.ws.db + suffix):
                with open(self.ws.db + suffix, "rb") as f:
                    found = b"97531" in f.read()
                self.assertFalse(found, "the PIN is in the clear in callgate.db" + suffix)
        for row in self.ws.table("voice_sessions"):
            self.assertNotIn("97531", row[3] + row[4])
            self.assertNotIn("12345678", row[3] + row[4])

    def test_rotating_the_otp_secret_ends_calls_in_progress(self):
        self.start()
        sid = call_sid(11)
        action = self.assert_gather(self.twiml("/twilio/voice", call_params(sid, UNKNOWN)), "one-time PIN")
        code = self.ws.last_code(UNKNOWN)
        # The parked call is sealed with a key derived from the OTP secret; a new secret cannot
        # open it, so the call ends politely instead of continuing on unverifiable state.
        self.server.stop()
        os.remove(self.ws.key)
        # Changed on purpose, as docs/OPERATIONS.md says: forget the recorded fingerprints and
        # replace the signing keys sealed with the old secret, or the node refuses to start.
        for command in (("cluster", "forget-secrets"), ("keys", "reset")):
            r = self.ws.run(*command, *self.ws.store_args())
            self.assertEqual(r.returncode, 0, r.stderr)
        self.start()
        doc = self.twiml(self.target_of(action), call_params(sid, UNKNOWN, Digits=code))
        self.assertIn("Sorry, something went wrong with this call. Please call back. Goodbye.", doc.said())
        self.assertEqual(doc.verbs()[-1], "Hangup")
        self.assertEqual(self.ws.table("voice_sessions"), [])
        self.assertEqual(self.ws.table("customers"), [])
        self.assertNotIn(code, self.server.log_tail(10000))


if __name__ == "__main__":
    unittest.main()
