"""SIP through a real Kamailio dispatcher to two callgate nodes. The dispatcher's config is the
shipped deploy/kamailio/kamailio.cfg with only its listen address, list file and probe interval
substituted (cluster_harness.kamailio_config).

SIPp's callers follow the Record-Route of the answer, so their ACK and BYE go through Kamailio
too: a call counts as successful only if the whole dialog worked through the dispatcher. When
callgate hangs up, its BYE must come back through Kamailio as well."""

import json
import os
import re
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
<scenario name="callgate cluster uac: answered through the dispatcher, then {who} hangs up">
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
{ending}  <Reference variables="rr"/>
</scenario>
"""

# The caller hangs up after -d ms: its BYE follows the route set.
CALLER_HANGS_UP = """  <pause/>
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
"""

# callgate hangs up (the flow disconnects): its BYE must come back through the dispatcher too.
CALLGATE_HANGS_UP = """  <recv request="BYE" timeout="20000"/>
  <send>
    <![CDATA[
      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:]
      [last_Call-ID:]
      [last_CSeq:]
      Content-Length: 0
    ]]>
  </send>
  <pause milliseconds="300"/>
"""


def routed_uac(ending, who):
    return ROUTED_UAC.replace("{ending}", ending).replace("{who}", who)


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


@require_cluster("kamailio", "sipp")
class SipThroughDispatcherTest(ClusterTestCase):

    def calls(self, scenario, count, rate=10):
        return run_sipp(scenario, self.kamailio.target, self.cluster.path("sipp"), calls=count,
                        rate=rate, service=DIALLED, timeout=30, extra=["-d", "300"])

    def start_sip_nodes(self, flow=None):
        """Two nodes with SIP; nobody answers at the agent URI (these calls never get there),
        speech input off (the calls only ring, answer and hang up)."""
        sip_table = "\n".join([
            "[sip]", 'default_agent = "sip:agent@127.0.0.1:9"',
            *([f"default_flow = {toml_string(flow)}"] if flow else []),
            f"prompts_dir = {toml_string(self.cluster.path('prompts'))}",
            "provisional = \"none\"", "[speech]", "enabled = false"])
        return self.cluster.start_nodes(2, sip=True, extra_toml=sip_table)

    def started_calls(self, node):
        return len(node.log_events("sip_call_start"))

    def test_calls_spread_over_both_nodes_and_move_to_the_survivor(self):
        n1, n2 = self.start_sip_nodes()
        self.kamailio = Kamailio(self.cluster, [n1, n2], ping_interval=PING_INTERVAL)
        scenario = self.cluster.write("uac_routed.xml", routed_uac(CALLER_HANGS_UP, "the caller"))

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
        scenario = self.cluster.write("uac_routed.xml", routed_uac(CALLER_HANGS_UP, "the caller"))
        wait_until(lambda: os.path.exists(self.kamailio.log_path), 1)
        n2.kill()
        r = self.calls(scenario, 4, rate=4)
        self.assertEqual((r.returncode, r.successful, r.failed), (0, 4, 0),
                         r.summary() + "\nkamailio:\n" + self.kamailio.log_tail())
        self.assertIn("marked down", self.kamailio.log_text())
        wait_until(lambda: self.started_calls(n1) >= 4, 5, what="node 1 taking all four calls")

    def test_callgate_hanging_up_sends_its_bye_through_the_dispatcher(self):
        n1, n2 = self.start_sip_nodes(flow=hangup_flow(self.cluster.path("hangup.json")))
        self.kamailio = Kamailio(self.cluster, [n1, n2], ping_interval=PING_INTERVAL)
        scenario = self.cluster.write("uac_wait_bye_routed.xml",
                                      routed_uac(CALLGATE_HANGS_UP, "callgate"))
        r = run_sipp(scenario, self.kamailio.target, self.cluster.path("sipp"), calls=2, rate=10,
                     service=DIALLED, timeout=30, trace_msg=True)
        self.assertEqual((r.returncode, r.successful, r.failed), (0, 2, 0),
                         r.summary() + "\nkamailio:\n" + self.kamailio.log_tail())
        # Each BYE the callers received came through Kamailio (its Via on top), not straight from
        # the node: the nodes follow the route set Kamailio's Record-Route built.
        received = [block.split("\n\n", 1)[1] for block in re.split(r"(?m)^-{20,}.*\n", r.messages)
                    if block.startswith("UDP message received") and "\n\n" in block]
        byes = [m for m in received if m.startswith("BYE ")]
        self.assertEqual(len(byes), 2, r.messages[-3000:])
        node_ports = {f"127.0.0.1:{n.sip_port}" for n in (n1, n2)}
        for bye in byes:
            vias = re.findall(r"(?m)^Via: SIP/2\.0/UDP ([0-9.]+:\d+)", bye)
            self.assertEqual(len(vias), 2, bye)
            self.assertEqual(vias[0], self.kamailio.target, bye)
            self.assertIn(vias[1], node_ports, bye)


if __name__ == "__main__":
    unittest.main()
