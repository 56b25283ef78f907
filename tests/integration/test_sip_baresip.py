"""Issue 4 with real SIP peers: baresip callers and a baresip agent against `callgate serve --sip`.

(a) caller ID + SMS PIN sent as RFC 4733 events, (b) the same PIN as in-band tones (no
telephone-event negotiated), (c) voice login (user id + PIN) with the link texted to the number
on file. Each call ends in a REFER to the agent carrying the verdict in X-Callgate-* headers.

baresip 1.0.0 facts these tests rely on (docs/TESTING.md "SIP peers"): it follows a REFER but
does NOT turn Refer-To URI headers into header fields of its INVITE; it puts the whole URI,
`?X-Callgate-Auth=True&...` included, into the Request-URI and To. So the verdict is checked on
the REFER the caller receives (header fields and Refer-To URI headers), and its arrival at the
agent in the Request-URI of the agent's INVITE. It always offers telephone-event, so (b) puts a
relay that strips it from the offer between caller and callgate.
"""

import os
import re
import time
import unittest

import harness
from sip_harness import (SipTestCase, TelephoneEventStripper, is_not_silence, make_dtmf_wav,
                         audio_activity, norm, require_peers)

UNKNOWN = "+14155550123"      # not a customer: the flow texts a one-time PIN
ADA = "+14155550100"          # demo/customers.csv: user id 12345678, PIN 4321
CALLER_OF_ADA = "+14155550177"
DIALLED = "+18005550100"      # runs [sip] default_flow (flows/caller-id-otp.json)
LOGIN_NUMBER = "+18005550199"  # [sip.numbers] -> flows/voice-login.json
VOICE_LOGIN = os.path.join(harness.SOURCE_DIR, "flows", "voice-login.json")
LINK = re.compile(r"https?://[^\s/]+/l/[A-Za-z0-9_-]{22}")

CALL_SETUP = 15      # seconds: INVITE to CALL_ESTABLISHED
SMS_WAIT = 20        # seconds: answer to PIN in the outbox (the prompt plays first)
TRANSFER_WAIT = 25   # seconds: last digit to the agent answering


@require_peers("baresip", "sox")
class BaresipCallTest(SipTestCase):

    def start(self, **sip_keys):
        """Agent first (its URI goes into the config), then callgate."""
        self.agent = self.start_baresip("agent", answer="auto")
        self.ws.write_sip_config(default_agent=self.agent.uri, **sip_keys)
        self.callgate = self.start_callgate()

    def caller(self, number, **kwargs):
        return self.start_baresip("caller", name=number, record=True, **kwargs)

    def sms_code(self, phone):
        harness.wait_until(lambda: self.ws.messages_to(phone), SMS_WAIT,
                           what=f"an SMS to {phone} in the outbox")
        return self.ws.last_code(phone)

    def first_recording(self, caller):
        """What the caller heard from callgate (sndfile flushes on quit). The caller has two
        calls, callgate's and the transferred one to the agent (which sends only silence), and
        their files' order is not reliable under load: take the one with the most sound."""
        caller.stop()
        recordings = caller.recordings("dec")
        self.assertTrue(recordings, f"no recording in {caller.rec_dir}")
        return max(recordings, key=lambda wav: audio_activity(wav)[1])

    def assert_heard_prompt(self, wav):
        duration, active, level = audio_activity(wav)
        self.assertTrue(is_not_silence(wav, min_active_seconds=1.0),
                        f"the caller heard no prompt: {duration:.1f} s recorded, "
                        f"{active:.1f} s above -40 dBFS, overall {level:.1f} dBFS")

    def test_a_unknown_caller_keys_the_sms_pin_and_is_transferred_authenticated(self):
        self.start()
        caller = self.caller(UNKNOWN)
        caller.dial(self.callgate.uri(DIALLED))
        caller.wait_event("CALL_ESTABLISHED", CALL_SETUP)
        code = self.sms_code(UNKNOWN)
        time.sleep(1.0)   # into the PIN prompt (barge-in is allowed)
        self.assertTrue(caller.sndcode(code + "#").get("ok"))
        refer = self.expect_transfer(caller, "True", "SmsOtp", TRANSFER_WAIT, CALL_SETUP)
        self.assertEqual((refer.verdict["amr"], refer.verdict["acr"]),
                         (["sms"], "urn:callgate:acr:1fa"), refer.verdict)
        caller.hangup()
        self.assert_heard_prompt(self.first_recording(caller))
        self.assertEqual(len(self.ws.messages_to(UNKNOWN)), 1)
        # The PIN is never logged (DESIGN §4).
        self.assertNotIn(code, self.callgate.log_tail(400))

    def test_b_in_band_tones_when_no_telephone_event_is_negotiated(self):
        self.start()
        relay = TelephoneEventStripper(self.callgate.sip_port)
        self.addCleanup(relay.close)
        caller = self.caller(UNKNOWN)
        caller.dial(f"sip:{DIALLED}@127.0.0.1:{relay.port}")
        caller.wait_event("CALL_ESTABLISHED", CALL_SETUP)
        self.assertGreaterEqual(relay.stripped, 1, "the offer carried no telephone-event?")
        answers = [m for m in caller.received() if m.status == 200 and "m=audio" in m.body]
        self.assertTrue(answers, "no SDP answer seen")
        self.assertNotIn("telephone-event", answers[0].body, "RFC 4733 negotiated anyway")

        code = self.sms_code(UNKNOWN)
        tones = make_dtmf_wav(self.ws.path("pin-tones.wav"), code + "#", lead=0.3, tail=40)
        time.sleep(1.0)
        self.assertTrue(caller.switch_audio_source(tones).get("ok"))
        self.expect_transfer(caller, "True", "SmsOtp", TRANSFER_WAIT, CALL_SETUP)
        caller.hangup()
        self.assert_heard_prompt(self.first_recording(caller))

    def test_c_voice_login_texts_a_link_and_transfers_authenticated(self):
        self.ws.import_demo_customers()
        self.start(numbers={LOGIN_NUMBER: VOICE_LOGIN})
        caller = self.caller(CALLER_OF_ADA)
        caller.dial(self.callgate.uri(LOGIN_NUMBER))
        caller.wait_event("CALL_ESTABLISHED", CALL_SETUP)
        # No signal tells when a prompt starts; the greeting + user id prompt take ~7 s of flite
        # speech, and digits are accepted while the input prompt plays (barge-in).
        time.sleep(7.0)
        self.assertTrue(caller.sndcode("12345678#").get("ok"))
        time.sleep(4.0)
        self.assertTrue(caller.sndcode("4321#").get("ok"))
        harness.wait_until(lambda: any(LINK.search(m.get("body", ""))
                                       for m in self.ws.messages_to(ADA)),
                           TRANSFER_WAIT, what="the link SMS to the number on file")
        self.assertEqual(self.ws.messages_to(CALLER_OF_ADA), [], "a link must go to the number on file")
        refer = self.expect_transfer(caller, "True", "Pin", TRANSFER_WAIT, CALL_SETUP)
        fields = {norm(k): v[0] for k, v in refer.headers.items()}
        self.assertEqual(fields.get("xcallgatefirstname"), "Ada", refer.headers)
        # A PIN from a number that is not Ada's: one factor, about her user id.
        self.assertEqual((refer.verdict["sub"], refer.verdict["amr"], refer.verdict["acr"]),
                         ("12345678", ["pin"], "urn:callgate:acr:1fa"), refer.verdict)
        caller.hangup()
        self.assert_heard_prompt(self.first_recording(caller))


if __name__ == "__main__":
    unittest.main()
