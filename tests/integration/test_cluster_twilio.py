"""A Twilio call whose webhooks land on different nodes, as behind a load balancer: the parked call
lives in the shared database (sealed with a key every node derives from the shared OTP secret),
so any node continues it, including after the node that handled the last step was SIGKILLed."""

import unittest
import urllib.parse

from cluster_harness import PUBLIC_BASE, ClusterTestCase, require_cluster
from harness import DEFAULT_FLOW, other_code
from test_twilio_voice import TOKEN, TwiML, call_params, call_sid, twilio_signature

UNKNOWN = "+14155550123"
AGENT = "sip:agents@pbx.example.com"


@require_cluster()
class TwilioCallAcrossNodesTest(ClusterTestCase):

    BASE_TOML = "\n".join([
        "[flows]", f'default = "{DEFAULT_FLOW}"',
        "[twilio]", f'auth_token = "{TOKEN}"', f'public_base_url = "{PUBLIC_BASE}/"',
        "[twilio.queues]", f'Agents = "{AGENT}"'])

    def twiml(self, node, target, params):
        """POSTs the signed form to `node`; asserts 200 and returns the parsed TwiML."""
        signature = twilio_signature(PUBLIC_BASE + target, params)
        status, _, data = node.request("POST", target, urllib.parse.urlencode(params),
                                       {"Content-Type": "application/x-www-form-urlencoded",
                                        "X-Twilio-Signature": signature})
        self.assertEqual(status, 200, f"{node.name}: {data[:500]!r}\n{node.log_tail()}")
        return TwiML(data)

    def target_of(self, url):
        self.assertTrue(url.startswith(PUBLIC_BASE + "/twilio/voice/"), url)
        parts = urllib.parse.urlsplit(url)
        return parts.path + ("?" + parts.query if parts.query else "")

    def gather_action(self, doc):
        self.assertIn("Gather", doc.verbs(), doc.text)
        return self.target_of(doc.one("Gather").get("action"))

    def test_webhooks_alternate_between_nodes_and_survive_a_killed_node(self):
        n1, n2, n3 = self.cluster.start_nodes(3)
        sid = call_sid(42)

        # The call arrives on node 1: one SMS, a PIN <Gather>.
        doc = self.twiml(n1, "/twilio/voice", call_params(sid, UNKNOWN, CallStatus="ringing"))
        self.assertTrue(any("one-time PIN" in s for s in doc.said()), doc.text)
        step1 = self.gather_action(doc)
        code = self.cluster.last_code(UNKNOWN)

        # Twilio delivers the incoming call again, to another node: no second call, no second SMS.
        self.twiml(n3, "/twilio/voice", call_params(sid, UNKNOWN, CallStatus="ringing"))
        self.assertEqual(len(self.cluster.messages_to(UNKNOWN)), 1)

        # A wrong PIN on node 2, told so and asked again.
        wrong = call_params(sid, UNKNOWN, Digits=other_code(code), FinishedOnKey="#")
        doc = self.twiml(n2, step1, wrong)
        self.assertIn("That PIN is not correct.", doc.said())
        step2 = self.gather_action(doc)
        self.assertTrue(step2.endswith("?step=2"), step2)
        # Twilio retries that request on node 1: the same TwiML, no second attempt counted.
        self.assertEqual(self.twiml(n1, step1, wrong).text, doc.text)

        # Node 2 dies mid-call; the caller keys the right PIN and the webhook reaches node 3.
        n2.kill()
        doc = self.twiml(n3, step2, call_params(sid, UNKNOWN, Digits=code))
        self.assertIn("Hello New, thank you for calling.", doc.said())
        self.assertEqual(doc.verbs()[-1], "Dial", doc.text)
        dial = doc.one("Dial")
        uri, _, query = dial.find("Sip").text.partition("?")
        self.assertEqual(uri, AGENT)
        headers = dict(urllib.parse.parse_qsl(query))
        self.assertEqual(headers.get("X-Callgate-Auth"), "True", headers)
        self.assertEqual(headers.get("X-Callgate-Auth-Method"), "SmsOtp", headers)
        self.assertEqual(len(self.cluster.messages_to(UNKNOWN)), 1, "a second SMS was sent")

        # The agent hangs up; the Dial action reaches node 1, which ends the call.
        doc = self.twiml(n1, self.target_of(dial.get("action")),
                         call_params(sid, UNKNOWN, DialCallStatus="completed", DialCallDuration="42"))
        self.assertEqual(doc.verbs(), ["Hangup"])
        # The enrolment the call made is visible to the survivors.
        for node in (n1, n3):
            self.assertEqual(node.call("lookup-caller", UNKNOWN, attestation="A")["firstName"], "New")


if __name__ == "__main__":
    unittest.main()
