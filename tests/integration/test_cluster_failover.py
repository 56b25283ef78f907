"""The shared PostgreSQL goes away in the middle of a journey and comes back.

While it is away every node keeps running: the Connect endpoints answer 503 (Amazon Connect takes
its error branch), /healthz answers 503 naming the database, and a voice call goes to the agent
marked unauthenticated after the caller is told. Nothing is half-written: the code texted before
the loss still verifies afterwards, once, and no attempt made during the loss counted. When the
database is back the same nodes (not restarted) serve journeys again by themselves."""

import json
import time
import unittest
import urllib.parse

from cluster_harness import PUBLIC_BASE, ClusterTestCase, require_cluster
from harness import DEFAULT_FLOW, connect_event
from test_twilio_voice import TOKEN, TwiML, call_params, call_sid, twilio_signature

UNKNOWN = "+14155550123"
OTHER = "+14155550124"
AGENT = "sip:agents@pbx.example.com"
RECONNECT_TIMEOUT = 20.0   # seconds for a node to serve again once the database is back


@require_cluster()
class DatabaseLossTest(ClusterTestCase):

    BASE_TOML = "\n".join([
        "[flows]", f'default = "{DEFAULT_FLOW}"',
        "[twilio]", f'auth_token = "{TOKEN}"', f'public_base_url = "{PUBLIC_BASE}/"',
        "[twilio.queues]", f'Agents = "{AGENT}"'])

    def setUp(self):
        super().setUp()
        if self.cluster.database.kind != "postgres":
            self.fail("this test takes a PostgreSQL away: run it with CALLGATE_CLUSTER_BACKEND="
                      "postgres (the default)")

    def twilio_call(self, node, sid, caller):
        params = call_params(sid, caller, CallStatus="ringing")
        status, _, data = node.request(
            "POST", "/twilio/voice", urllib.parse.urlencode(params),
            {"Content-Type": "application/x-www-form-urlencoded",
             "X-Twilio-Signature": twilio_signature(PUBLIC_BASE + "/twilio/voice", params)})
        self.assertEqual(status, 200, f"{node.name}: {data[:500]!r}\n{node.log_tail()}")
        return TwiML(data)

    def invoke(self, node, function, **parameters):
        return node.invoke(function, connect_event(UNKNOWN, parameters))

    def healthz(self, node):
        status, _, data = node.request("GET", "/healthz")
        return status, data.decode("utf-8", "replace")

    def test_connect_503_and_unauthenticated_voice_while_the_database_is_away(self):
        n1, n2 = self.cluster.start_nodes(2)
        self.assertEqual(self.healthz(n1)[0], 200, self.healthz(n1))

        # Before the loss: a code is texted (node 1).
        self.assertEqual(n1.call("send-otp", UNKNOWN)["lambdaResult"], "Success")
        code = self.cluster.last_code(UNKNOWN)

        self.cluster.database.stop()

        # Connect: 503 from every node and every store-backed function, no SMS sent.
        for node in (n1, n2):
            for function, params in (("lookup-caller", {}), ("send-otp", {}),
                                     ("verify-otp", {"code": code})):
                status, body = self.invoke(node, function, **params)
                self.assertEqual(status, 503, f"{node.name} {function}: {status} {body}")
                self.assertNotIn("firstName", json.dumps(body))
        self.assertEqual(len(self.cluster.messages_to(UNKNOWN)), 1)

        # Health: 503, naming the database.
        status, text = self.healthz(n2)
        self.assertEqual(status, 503, text)
        self.assertIn("database", text.lower())

        # Voice: the caller is told and reaches the agent, marked unauthenticated.
        doc = self.twilio_call(n2, call_sid(7), OTHER)
        self.assertEqual(doc.verbs()[-1], "Dial", doc.text)
        self.assertTrue(doc.said(), f"the caller is not told anything: {doc.text}")
        uri, _, query = doc.one("Dial").find("Sip").text.partition("?")
        self.assertEqual(uri, AGENT)
        headers = dict(urllib.parse.parse_qsl(query))
        self.assertEqual(headers.get("X-Callgate-Auth"), "False", headers)
        self.assertNotIn("X-Callgate-firstName", headers)
        self.assertEqual(self.cluster.messages_to(OTHER), [], "an SMS went out without a database")
        # Both nodes are still up.
        self.assertTrue(n1.alive() and n2.alive())

        self.cluster.database.start()

        # The same nodes serve again by themselves; the code from before the loss verifies (the
        # attempts made while the database was away did not count).
        deadline = time.monotonic() + RECONNECT_TIMEOUT
        while True:
            status, body = self.invoke(n2, "verify-otp", code=code)
            if status == 200 or time.monotonic() > deadline:
                break
            self.assertEqual(status, 503, body)
            time.sleep(0.2)
        self.assertEqual((status, body.get("otpResult")), (200, "Verified"),
                         f"node 2 after the database came back: {status} {body}\n{n2.log_tail()}")
        deadline = time.monotonic() + RECONNECT_TIMEOUT
        while self.healthz(n1)[0] != 200 and time.monotonic() < deadline:
            time.sleep(0.2)
        self.assertEqual(self.healthz(n1)[0], 200, self.healthz(n1))
        found = n1.call("lookup-caller", UNKNOWN, attestation="A")
        self.assertEqual((found["recordFound"], found["firstName"]), ("True", "New"))
        # And a whole new journey runs, on both nodes.
        self.assertEqual(n1.call("send-otp", OTHER)["lambdaResult"], "Success")
        other = self.cluster.last_code(OTHER)
        self.assertEqual(n2.call("verify-otp", OTHER, code=other)["otpResult"], "Verified")


if __name__ == "__main__":
    unittest.main()
