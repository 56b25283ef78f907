"""The SIP test peers themselves, without callgate: baresip, SIPp, sox and the spandsp detector
behave as tests/integration/sip_harness.py and test_sip_*.py assume (baresip 1.0.0 facts in
docs/TESTING.md "SIP peers"). Runs today; keeps the peer setup honest when Debian updates them."""

import time
import unittest

from sip_harness import (SipTestCase, TelephoneEventStripper, audio_activity, make_dtmf_wav,
                         require_peers, run_sipp, spandsp_dtmf_detect)


@require_peers("baresip", "sipp", "sox")
class SipPeersTest(SipTestCase):

    def test_generated_tones_pass_spandsp_after_mu_law(self):
        wav = make_dtmf_wav(self.ws.path("d.wav"), "1234567890*#", lead=0.2, tail=0.2)
        self.assertEqual(spandsp_dtmf_detect(wav), "1234567890*#")
        wav = make_dtmf_wav(self.ws.path("r.wav"), "1122", lead=0.2, tail=0.2)
        self.assertEqual(spandsp_dtmf_detect(wav), "1122")   # repeats need the 100 ms gaps

    def test_baresip_call_records_in_band_tones_and_sends_rfc4733(self):
        agent = self.start_baresip("agent", record=True)
        caller = self.start_baresip("caller", record=True)
        relay = TelephoneEventStripper(agent.sip_port)   # no telephone-event in the offer
        self.addCleanup(relay.close)
        caller.dial(f"sip:agent@127.0.0.1:{relay.port}")
        caller.wait_event("CALL_ESTABLISHED", 10)
        agent.wait_event("CALL_ESTABLISHED", 10)
        self.assertNotIn("telephone-event", agent.received("INVITE")[0].body)
        tones = make_dtmf_wav(self.ws.path("t.wav"), "4321#", lead=0.2, tail=20)
        self.assertTrue(caller.switch_audio_source(tones).get("ok"))
        time.sleep(2.0)
        caller.sndcode("7")   # RFC 4733 anyway: baresip sends it although PT 101 was stripped
        time.sleep(0.5)
        caller.hangup()
        agent.wait_event("CALL_CLOSED", 10)
        agent.stop()
        heard = agent.recordings("dec")[0]
        self.assertEqual(spandsp_dtmf_detect(heard, through_ulaw=False)[:5], "4321#")
        self.assertGreater(audio_activity(heard)[1], 0.4)

    def test_baresip_follows_refer_with_uri_headers_in_its_request_uri(self):
        agent = self.start_baresip("agent")
        caller = self.start_baresip("caller")
        r = run_sipp("probe_refer_uac", f"127.0.0.1:{caller.sip_port}", self.ws.path("sipp"),
                     keys={"agentport": agent.sip_port}, service="caller", timeout=15)
        self.assertEqual((r.returncode, r.successful), (0, 1), r.summary())
        agent.wait_event("CALL_ESTABLISHED", 10)
        transfer = [e for e in caller.ctrl.history if e.get("type") == "TRANSFER"]
        self.assertTrue(transfer, caller.ctrl.history)
        invite = agent.received("INVITE")[0]
        # The finding the SIP tests rely on: URI headers stay in the Request-URI, no header field.
        self.assertIn("?X-Callgate-Auth=True&X-Callgate-Auth-Method=SmsOtp", invite.request_uri)
        self.assertNotIn("x-callgate-auth", invite.headers)


if __name__ == "__main__":
    unittest.main()
