"""SIP through a real Kamailio dispatcher to two callgate nodes. The dispatcher's config is the
shipped deploy/kamailio/kamailio.cfg with only its listen address, list file and probe interval
substituted (cluster_harness.kamailio_config).

SIPp's callers follow the Record-Route of the answer, so their ACK and BYE go through Kamailio
too: a call counts as successful only if the whole dialog worked through the dispatcher."""

import os
import time
import unittest

from cluster_harness import ClusterTestCase, Kamailio, require_cluster
from harness import wait_until
from sip_harness import run_sipp, toml_string

DIALLED = "+18005550100"
PING_INTERVAL = 1

# uac_bye.xml with the route set: rrs="true" keeps the answer's Record-Route, [routes] sends the
# ACK and BYE along it (to Kamailio, which loose-routes them to the node that answered).
ROUTED_UAC = """<?xml version="1.0" encoding="ISO-8859-1" ?>
<!DOCTYPE scenario SYSTEM "sipp.dtd">
<scenario name="callgate cluster uac: answered through the dispatcher, caller hangs up">
  <send retrans="500">
    <![CDATA[
      INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
      From: <sip:+14155550123@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>
      Call-ID: [call_id]
      CSeq: 1 INVITE
      Contact: <sip:+14155550123@[local_ip]:[local_port]>
      Max-Forwards: 70
      Content-Type: application/sdp
      Content-Length: [len]

      v=0
      o=- [call_number] 1 IN IP[local_ip_type] [local_ip]
      s=-
      c=IN IP[media_ip_type] [media_ip]
      t=0 0
      m=audio [media_port] RTP/AVP 0 101
      a=rtpmap:0 PCMU/8000
      a=rtpmap:101 telephone-event/8000
      a=fmtp:101 0-16
      a=ptime:20
    ]]>
  </send>
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="183" optional="true"/>
  <recv response="200" rtd="true" rrs="true">
    <action><ereg regexp="Record-Route: &lt;sip:127\\.0\\.0\\.1" search_in="msg" check_it="true" assign_to="rr"/></action>
  </recv>
  <send>
    <![CDATA[
      ACK [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
      [routes]
      From: <sip:+14155550123@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: 1 ACK
      Max-Forwards: 70
      Content-Length: 0
    ]]>
  </send>
  <pause/>
  <send retrans="500">
    <![CDATA[
      BYE [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
      [routes]
      From: <sip:+14155550123@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: 2 BYE
      Max-Forwards: 70
      Content-Length: 0
    ]]>
  </send>
  <recv response="200" crlf="true"/>
  <Reference variables="rr"/>
</scenario>
"""


@require_cluster("kamailio", "sipp")
class SipThroughDispatcherTest(ClusterTestCase):

    def calls(self, scenario, count, rate=10):
        return run_sipp(scenario, self.kamailio.target, self.cluster.path("sipp"), calls=count,
                        rate=rate, service=DIALLED, timeout=30, extra=["-d", "300"])

    def start_sip_nodes(self):
        """Two nodes with SIP; nobody answers at the agent URI (these calls never get there),
        speech input off (the calls only ring, answer and hang up)."""
        sip_table = "\n".join([
            "[sip]", 'default_agent = "sip:agent@127.0.0.1:9"',
            f"prompts_dir = {toml_string(self.cluster.path('prompts'))}",
            "provisional = \"none\"", "[speech]", "enabled = false"])
        return self.cluster.start_nodes(2, sip=True, extra_toml=sip_table)

    def started_calls(self, node):
        return len(node.log_events("sip_call_start"))

    def test_calls_spread_over_both_nodes_and_move_to_the_survivor(self):
        n1, n2 = self.start_sip_nodes()
        self.kamailio = Kamailio(self.cluster, [n1, n2], ping_interval=PING_INTERVAL)
        scenario = self.cluster.write("uac_routed.xml", ROUTED_UAC)

        r = self.calls(scenario, 6)
        self.assertEqual((r.returncode, r.successful, r.failed), (0, 6, 0),
                         r.summary() + "\nkamailio:\n" + self.kamailio.log_tail())
        # Round robin: both nodes took calls (their logs are flushed about once a second).
        wait_until(lambda: self.started_calls(n1) + self.started_calls(n2) >= 6, 5,
                   what="six sip_call_start lines in the nodes' logs")
        self.assertGreater(self.started_calls(n1), 0, n1.log_tail())
        self.assertGreater(self.started_calls(n2), 0, n2.log_tail())
        self.assertEqual(self.started_calls(n1) + self.started_calls(n2), 6)

        # Node 2 stops; after the probe interval (plus the probe's own timeout) the dispatcher
        # marks it down, and new calls all reach node 1 without a single failure.
        n2.stop()
        wait_until(lambda: "callgate node down" in self.kamailio.log_text(),
                   PING_INTERVAL + 2 + 5, what="the dispatcher marking node 2 down")
        before = self.started_calls(n1)
        started = time.monotonic()
        r = self.calls(scenario, 6)
        self.assertEqual((r.returncode, r.successful, r.failed), (0, 6, 0),
                         r.summary() + "\nkamailio:\n" + self.kamailio.log_tail())
        # No call waited for the dead node's timeout: it is out of the rotation.
        self.assertLess(time.monotonic() - started, 6, r.summary())
        wait_until(lambda: self.started_calls(n1) - before >= 6, 5,
                   what="node 1 starting the six new calls")

    def test_a_dead_node_not_yet_probed_fails_over_without_failures(self):
        n1, n2 = self.start_sip_nodes()
        # A long probe interval: the calls, not the probes, find the dead node.
        self.kamailio = Kamailio(self.cluster, [n1, n2], ping_interval=60)
        scenario = self.cluster.write("uac_routed.xml", ROUTED_UAC)
        wait_until(lambda: os.path.exists(self.kamailio.log_path), 1)
        n2.kill()
        r = self.calls(scenario, 4, rate=4)
        self.assertEqual((r.returncode, r.successful, r.failed), (0, 4, 0),
                         r.summary() + "\nkamailio:\n" + self.kamailio.log_tail())
        self.assertIn("marked down", self.kamailio.log_text())
        wait_until(lambda: self.started_calls(n1) >= 4, 5, what="node 1 taking all four calls")


if __name__ == "__main__":
    unittest.main()
