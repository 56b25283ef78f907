"""SIP hardening against `callgate serve --sip`, with a raw UDP client: calls are told apart by
dialog (Call-ID and tags), merged requests get 482, no RTP leaves before the caller confirmed the
call, and a 503 for want of an RTP port says when to come back.

RFC 3261 timers are shortened in the config (T1 = 100 ms, T2 = 400 ms) so the ACK timeout comes
after 6.4 s.
"""

import random
import time
import unittest

from sip_harness import RawSip, RtpSink, SipTestCase, require_peers, to_tag

DIALLED = "+18005550100"
T1_MS = 100


def branch_of(message):
    via = message.header("Via", "")
    return via.split("branch=")[1].split(";")[0] if "branch=" in via else ""


@require_peers()
class SipDialogHardeningTest(SipTestCase):

    def start(self, **sip_keys):
        sip_keys.setdefault("t1_ms", T1_MS)
        sip_keys.setdefault("t2_ms", 4 * T1_MS)
        self.ws.write_sip_config(default_agent="sip:agent@127.0.0.1:9", **sip_keys)
        self.callgate = self.start_callgate()

    def raw(self):
        client = RawSip(self.callgate.sip_port)
        self.addCleanup(client.close)
        return client

    def sink(self):
        sink = RtpSink()
        self.addCleanup(sink.close)
        return sink

    def final_for(self, client, branch, seconds=3.0):
        """The first final response to the request sent with Via `branch`."""
        def final(m):
            return m.status is not None and m.status >= 200 and branch_of(m) == branch
        client.collect(seconds, until=final)
        finals = [m for _, m in client.inbox if final(m)]
        self.assertTrue(finals, f"no final response for {branch}: {client.inbox}")
        return finals[0]

    def assert_alive(self):
        self.assertIsNone(self.callgate.proc.poll(), "callgate exited:\n" + self.callgate.log_tail())

    def test_calls_sharing_a_call_id_are_distinct_and_each_bye_ends_its_own(self):
        self.start()
        sink = self.sink()
        c = self.raw()
        call_id = "shared-1@test"
        tags = {}
        for n, from_tag in enumerate(("fa", "fb", "fc")):
            c.invite(DIALLED, call_id, f"z9hG4bK-shared-{n}", from_tag, rtp_port=sink.port)
            ok = self.final_for(c, f"z9hG4bK-shared-{n}")
            self.assertEqual(ok.status, 200, c.inbox)
            tags[from_tag] = to_tag(ok)
            c.request("ACK", DIALLED, call_id, 1, f"z9hG4bK-shared-ack-{n}", from_tag,
                      tags[from_tag])
        self.assertEqual(len(set(tags.values())), 3, tags)
        time.sleep(1.0)
        self.assertEqual(len(sink.per_ssrc), 3, f"RTP streams: {sink.per_ssrc}")
        for n, (from_tag, tag) in enumerate(tags.items()):
            c.request("BYE", DIALLED, call_id, 2, f"z9hG4bK-shared-bye-{n}", from_tag, tag)
            self.assertEqual(self.final_for(c, f"z9hG4bK-shared-bye-{n}").status, 200)
        time.sleep(0.5)
        before = dict(sink.per_ssrc)
        time.sleep(1.0)
        self.assertEqual(sink.per_ssrc, before, "a call kept streaming RTP after its BYE")
        # Each call ended and gave its port back: a fourth call is answered.
        c.invite(DIALLED, "after@test", "z9hG4bK-after", "fd", rtp_port=sink.port)
        self.assertEqual(self.final_for(c, "z9hG4bK-after").status, 200)
        self.assert_alive()

    def test_calls_sharing_a_call_id_do_not_leak_rtp_ports(self):
        port = random.randrange(41000, 59000, 4)
        self.start(rtp_ports=f"{port}-{port + 3}")   # room for two calls at a time
        c = self.raw()
        tags = {}
        for n, from_tag in enumerate(("ga", "gb")):   # two at once, one Call-ID
            c.invite(DIALLED, "leak@test", f"z9hG4bK-leak-{n}", from_tag)
            ok = self.final_for(c, f"z9hG4bK-leak-{n}")
            self.assertEqual(ok.status, 200, f"call {n}: {c.inbox}")
            tags[from_tag] = to_tag(ok)
            c.request("ACK", DIALLED, "leak@test", 1, f"z9hG4bK-leak-ack-{n}", from_tag,
                      tags[from_tag])
        for n, (from_tag, tag) in enumerate(tags.items()):
            c.request("BYE", DIALLED, "leak@test", 2, f"z9hG4bK-leak-bye-{n}", from_tag, tag)
            self.assertEqual(self.final_for(c, f"z9hG4bK-leak-bye-{n}").status, 200)
        time.sleep(0.5)   # ports are freed on the media thread
        # Both ports are free again: two new calls at once are both answered.
        for n, from_tag in enumerate(("gc", "gd")):
            c.invite(DIALLED, f"again-{n}@test", f"z9hG4bK-again-{n}", from_tag)
            self.assertEqual(self.final_for(c, f"z9hG4bK-again-{n}").status, 200, c.inbox)
        self.assert_alive()

    def test_merged_invite_gets_482(self):
        self.start(answer_delay_ms=1000)
        c = self.raw()
        c.invite(DIALLED, "merged@test", "z9hG4bK-merged-a", "ma")
        c.collect(0.3)
        # The same request forked or re-sent by an SBC with a new branch (RFC 3261 8.2.2.2).
        c.invite(DIALLED, "merged@test", "z9hG4bK-merged-b", "ma")
        self.assertEqual(self.final_for(c, "z9hG4bK-merged-b").status, 482, c.inbox)
        self.assertEqual(self.final_for(c, "z9hG4bK-merged-a").status, 200, c.inbox)
        self.assert_alive()

    def test_reinvite_from_another_from_tag_gets_481(self):
        self.start()
        c = self.raw()
        c.invite(DIALLED, "reinv@test", "z9hG4bK-reinv-a", "ra")
        ok = self.final_for(c, "z9hG4bK-reinv-a")
        self.assertEqual(ok.status, 200)
        tag = to_tag(ok)
        c.request("ACK", DIALLED, "reinv@test", 1, "z9hG4bK-reinv-ack", "ra", tag)
        c.request("INVITE", DIALLED, "reinv@test", 2, "z9hG4bK-reinv-x", "intruder", tag,
                  body="v=0\r\no=- 1 2 IN IP4 127.0.0.9\r\ns=-\r\nc=IN IP4 127.0.0.9\r\nt=0 0\r\n"
                       "m=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n")
        self.assertEqual(self.final_for(c, "z9hG4bK-reinv-x").status, 481, c.inbox)
        c.request("BYE", DIALLED, "reinv@test", 3, "z9hG4bK-reinv-bye-x", "intruder", tag)
        self.assertEqual(self.final_for(c, "z9hG4bK-reinv-bye-x").status, 481, c.inbox)
        c.request("BYE", DIALLED, "reinv@test", 3, "z9hG4bK-reinv-bye", "ra", tag)
        self.assertEqual(self.final_for(c, "z9hG4bK-reinv-bye").status, 200, c.inbox)

    def test_unacked_invite_sends_no_rtp(self):
        self.start()
        sink = self.sink()
        c = self.raw()
        c.invite(DIALLED, "noack@test", "z9hG4bK-noack", "na", rtp_port=sink.port)
        # 200s retransmitted until the ACK timeout (64*T1), then a BYE.
        c.collect(64 * T1_MS / 1000 + 3, until=lambda m: m.method == "BYE")
        self.assertTrue([m for _, m in c.inbox if m.method == "BYE"], c.inbox)
        time.sleep(0.3)
        self.assertEqual(sum(sink.per_ssrc.values()), 0,
                         "RTP sent to the SDP address of an INVITE never ACKed")
        self.assert_alive()

    def test_no_free_rtp_port_gets_503_with_retry_after(self):
        port = random.randrange(41000, 59000, 2)
        self.start(rtp_ports=f"{port}-{port + 1}")
        c = self.raw()
        c.invite(DIALLED, "first@test", "z9hG4bK-first", "pa")
        self.assertEqual(self.final_for(c, "z9hG4bK-first").status, 200)
        c.invite(DIALLED, "second@test", "z9hG4bK-second", "pb")
        busy = self.final_for(c, "z9hG4bK-second")
        self.assertEqual(busy.status, 503, c.inbox)
        self.assertRegex(busy.header("Retry-After", ""), r"^\d+", busy.headers)


if __name__ == "__main__":
    unittest.main()
