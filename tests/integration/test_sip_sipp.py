"""Issue 4 SIP signalling against `callgate serve --sip`: SIPp scenarios (tests/integration/sip/)
and a raw UDP client where timing must be exact.

RFC 3261 timers are shortened in the config (T1 = 100 ms, T2 = 400 ms) so retransmission and
ACK-timeout behaviour shows within a second.
"""

import json
import os
import statistics
import time
import unittest

from sip_harness import (RawSip, RtpSink, SipTestCase, require_peers, run_sipp, to_tag)

DIALLED = "+18005550100"
T1_MS = 100


def hangup_flow(path):
    """A flow that says one sentence and hangs up: callgate sends the BYE."""
    flow = {
        "Version": "2019-10-30", "StartAction": "bye",
        "Metadata": {"name": "test-hangup", "description": "says goodbye, disconnects"},
        "Actions": [
            {"Identifier": "bye", "Type": "MessageParticipant",
             "Parameters": {"Text": "Goodbye."},
             "Transitions": {"NextAction": "hang-up", "Errors": [], "Conditions": []}},
            {"Identifier": "hang-up", "Type": "DisconnectParticipant", "Parameters": {},
             "Transitions": {}},
        ],
    }
    with open(path, "w", encoding="utf-8") as f:
        json.dump(flow, f)
    return path


def listening_flow(path):
    """A flow that asks for digits and keeps listening (30 s per try, looping): callgate sends
    nothing but RTP while a load caller holds the call, keys a digit and hangs up."""
    ask = {"Identifier": "ask", "Type": "GetParticipantInput",
           "Parameters": {"Text": "Please key your number, then the pound key.",
                          "StoreInput": "True", "InputTimeLimitSeconds": "30",
                          "InputValidation": {"CustomValidation": {"MaximumLength": "10"}},
                          "DTMFConfiguration": {"InputTerminationSequence": "#",
                                                "DisableCancelKey": "False"}},
           "Transitions": {"NextAction": "ask", "Conditions": [],
                           "Errors": [{"ErrorType": "InputTimeLimitExceeded", "NextAction": "ask"},
                                      {"ErrorType": "NoMatchingError", "NextAction": "ask"}]}}
    flow = {"Version": "2019-10-30", "StartAction": "ask",
            "Metadata": {"name": "test-listen", "description": "asks for digits, forever"},
            "Actions": [ask]}
    with open(path, "w", encoding="utf-8") as f:
        json.dump(flow, f)
    return path


@require_peers("sipp")
class SippSignallingTest(SipTestCase):

    def start(self, **sip_keys):
        sip_keys.setdefault("t1_ms", T1_MS)
        sip_keys.setdefault("t2_ms", 4 * T1_MS)
        # Nobody answers at the agent URI: these calls never get that far.
        self.ws.write_sip_config(default_agent="sip:agent@127.0.0.1:9", **sip_keys)
        self.callgate = self.start_callgate()
        self.target = f"127.0.0.1:{self.callgate.sip_port}"

    def sipp(self, scenario, **kwargs):
        kwargs.setdefault("service", DIALLED)
        kwargs.setdefault("timeout", 20)
        return run_sipp(scenario, self.target, self.ws.path("sipp"), **kwargs)

    def raw(self):
        client = RawSip(self.callgate.sip_port)
        self.addCleanup(client.close)
        return client

    def assert_alive(self):
        self.assertIsNone(self.callgate.proc.poll(), "callgate exited:\n" + self.callgate.log_tail())

    def test_retransmitted_invite_is_absorbed_and_200_retransmitted_until_ack(self):
        self.start()
        c = self.raw()
        c.invite(DIALLED, "retrans-1@test", "z9hG4bK-retrans-1", "t1")
        time.sleep(0.05)
        c.invite(DIALLED, "retrans-1@test", "z9hG4bK-retrans-1", "t1")   # the same INVITE again
        c.collect(1.0)   # ACK withheld: 200 at 0, T1, 3*T1, 7*T1 ...
        oks = c.responses("INVITE", 200)
        self.assertGreaterEqual(len(oks), 2, f"200 not retransmitted: {c.inbox}")
        self.assertEqual(len({to_tag(m) for m in oks}), 1, "the retransmitted INVITE made a 2nd dialog")
        self.assertTrue(c.responses("INVITE", 100), "no 100 Trying")
        self.assertFalse([m for m in c.responses("INVITE") if m.status >= 300], c.inbox)
        tag = to_tag(oks[0])
        c.request("ACK", DIALLED, "retrans-1@test", 1, "z9hG4bK-retrans-1-ack", "t1", tag)
        time.sleep(0.1)
        before = len(c.responses("INVITE", 200))
        c.collect(4 * T1_MS / 1000 + 0.3)
        self.assertEqual(len(c.responses("INVITE", 200)), before, "200 retransmitted after ACK")
        c.request("BYE", DIALLED, "retrans-1@test", 2, "z9hG4bK-retrans-1-bye", "t1", tag)
        c.collect(2.0, until=lambda m: m.status == 200 and "BYE" in m.header("CSeq", ""))
        self.assertTrue(c.responses("BYE", 200), "BYE not answered 200")
        self.assert_alive()

    def test_cancel_before_answer_gets_487(self):
        # A one-second ring (answer_delay_ms) leaves the CANCEL time to arrive before the 200.
        self.start(answer_delay_ms=1000)
        c = self.raw()
        c.invite(DIALLED, "cancel-1@test", "z9hG4bK-cancel-1", "t2")
        c.collect(0.3)
        c.request("CANCEL", DIALLED, "cancel-1@test", 1, "z9hG4bK-cancel-1", "t2")
        c.collect(2.0, until=lambda m: m.status is not None and m.status >= 200
                  and m.header("CSeq", "").endswith("INVITE"))
        self.assertTrue(c.responses("CANCEL", 200), f"CANCEL not answered 200: {c.inbox}")
        finals = [m for m in c.responses("INVITE") if m.status >= 200]
        self.assertTrue(finals, f"no final response to the INVITE: {c.inbox}")
        self.assertEqual(finals[0].status, 487, c.inbox)
        self.assertTrue(c.responses("INVITE", 180), f"no 180 Ringing before the CANCEL: {c.inbox}")
        c.request("ACK", DIALLED, "cancel-1@test", 1, "z9hG4bK-cancel-1", "t2", to_tag(finals[0]))
        c.collect(1.5)
        self.assertEqual(len(c.responses("INVITE", 487)), 1, "487 retransmitted after the ACK")
        self.assertFalse(c.responses("INVITE", 200), "answered after the CANCEL")
        # CANCEL for a transaction that does not exist.
        c.request("CANCEL", DIALLED, "nobody@test", 1, "z9hG4bK-none", "t3")
        c.collect(1.0, until=lambda m: m.header("Call-ID") == "nobody@test")
        self.assertEqual([m.status for _, m in c.inbox if m.header("Call-ID") == "nobody@test"], [481])
        self.assert_alive()

    def test_bye_from_the_caller(self):
        self.start()
        r = self.sipp("uac_bye", calls=3, rate=10, extra=["-d", "800"])
        self.assertEqual((r.returncode, r.successful, r.failed), (0, 3, 0), r.summary())
        self.assert_alive()

    def test_bye_from_callgate_when_the_flow_hangs_up(self):
        self.start(default_flow=hangup_flow(self.ws.path("hangup.json")))
        r = self.sipp("uac_wait_bye", calls=2, rate=10, timeout=30)
        self.assertEqual((r.returncode, r.successful, r.failed), (0, 2, 0), r.summary())

    def test_garbage_then_options_still_answered(self):
        self.start()
        c = self.raw()
        for junk in (b"\x00\xff" * 300, b"INVITE\r\n\r\n", b"SIP/2.0 200 OK\r\n\r\n",
                     b"OPTIONS sip:x SIP/2.0\r\nVia: nonsense\r\nContent-Length: 99999\r\n\r\n",
                     b"\r\n\r\n", os.urandom(1400)):
            c.send_raw(junk)
        # A request missing mandatory headers (no Call-ID/CSeq) but routable: 400 or dropped.
        c.send_raw("OPTIONS sip:x@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:"
                   f"{c.port};branch=z9hG4bK-bad;rport\r\nContent-Length: 0\r\n\r\n")
        got = c.collect(0.5)
        self.assertTrue(all(m.status == 400 for m in got), got)
        r = self.sipp("options", calls=3, rate=10)
        self.assertEqual((r.returncode, r.successful, r.failed), (0, 3, 0), r.summary())
        self.assert_alive()

    def test_only_g729_offered_gets_488(self):
        self.start()
        r = self.sipp("uac_g729_488", calls=1, trace_msg=True)
        self.assertEqual((r.returncode, r.successful, r.failed), (0, 1, 0), r.summary())
        self.assertEqual(r.count(r"^SIP/2\.0 200 "), 0, "a G.729-only offer was answered")

    def test_max_calls_gets_503(self):
        self.start(max_calls=2)
        # Three overlapping calls (1 s apart is too slow: 20 ms apart), each held 2 s.
        r = self.sipp("uac_bye", calls=3, rate=50, extra=["-d", "2000"], trace_msg=True)
        self.assertEqual((r.returncode, r.successful, r.failed), (0, 3, 0), r.summary())
        self.assertEqual(r.count(r"^SIP/2\.0 503 "), 1, r.messages[-3000:])
        self.assertEqual(r.count(r"^BYE "), 2, "two calls answered")
        self.assertRegex(r.messages, r"(?m)^Retry-After:\s*\d+")
        # Capacity comes back once the calls ended.
        r = self.sipp("uac_bye", calls=2, rate=50, extra=["-d", "300"])
        self.assertEqual((r.returncode, r.successful, r.failed), (0, 2, 0), r.summary())

    def test_load_200_calls_at_20_per_second(self):
        # The calls are confirmed (ACKed), so their flow runs: one that only listens, so the
        # caller's scenario meets no REFER or BYE from callgate while it holds the call.
        self.start(default_flow=listening_flow(self.ws.path("listen.json")))
        sink = RtpSink()
        self.addCleanup(sink.close)
        started = time.monotonic()
        r = self.sipp("uac_dtmf_load", calls=200, rate=20, limit=100, timeout=28,
                      keys={"rtpport": sink.port}, extra=["-d", "1000"])
        elapsed = time.monotonic() - started
        self.assertEqual((r.returncode, r.successful, r.failed), (0, 200, 0), r.summary())
        self.assertLess(elapsed, 30)
        # Every call heard callgate's RTP (~1 s at 50 packets/s before the DTMF made it latch).
        counts = sorted(sink.per_ssrc.values())
        self.assertGreaterEqual(len(counts), 200, f"RTP from only {len(counts)} streams")
        self.assertGreaterEqual(statistics.median(counts), 30, counts[:20])
        self.assertEqual(sink.bad, 0)
        self.assert_alive()


if __name__ == "__main__":
    unittest.main()
