"""The caller-ID + SMS PIN journey over the Amazon Connect endpoints of three nodes sharing one
database: every step may land on another node (as behind a load balancer), and what one node
writes (the challenge, its attempts, the send limit, the enrolment) the next one sees."""

import concurrent.futures
import unittest

from cluster_harness import ClusterTestCase, require_cluster
from harness import connect_event, other_code

UNKNOWN = "+14155550123"
OTHER = "+14155550124"


@require_cluster()
class ConnectAcrossNodesTest(ClusterTestCase):

    def test_journey_split_across_three_nodes(self):
        n1, n2, n3 = self.cluster.start_nodes(3)
        self.assertEqual(n1.call("lookup-caller", UNKNOWN)["recordFound"], "False")

        sent = n1.call("send-otp", UNKNOWN, language="fr-CA")
        self.assertEqual(sent["lambdaResult"], "Success")
        self.assertEqual(len(self.cluster.messages_to(UNKNOWN)), 1)
        code = self.cluster.last_code(UNKNOWN)

        wrong = n2.call("verify-otp", UNKNOWN, code=other_code(code), language="fr-CA")
        self.assertEqual(wrong["otpResult"], "Invalid", "node 2 did not see node 1's challenge")
        self.assertNotIn("firstName", wrong)

        right = n3.call("verify-otp", UNKNOWN, code=code, language="fr-CA")
        self.assertEqual(right["otpResult"], "Verified", right)
        self.assertEqual(right["enrolled"], "True")
        self.assertEqual(right["firstName"], "New")

        # The code is used up everywhere, not only on the node that verified it.
        for node in (n1, n2, n3):
            self.assertNotEqual(node.call("verify-otp", UNKNOWN, code=code)["otpResult"], "Verified",
                                node.name)

        found = n1.call("lookup-caller", UNKNOWN, attestation="A")
        self.assertEqual(found["recordFound"], "True", "node 1 does not see node 3's enrolment")
        self.assertEqual(found["authenticated"], "True")
        self.assertEqual(found["firstName"], "New")
        self.assertEqual(found["language"], "fr-CA")
        # Only ever the one SMS.
        self.assertEqual(len(self.cluster.messages_to(UNKNOWN)), 1)

    def test_wrong_codes_count_across_nodes_and_lock_everywhere(self):
        nodes = self.cluster.start_nodes(3)
        nodes[0].call("send-otp", UNKNOWN)
        code = self.cluster.last_code(UNKNOWN)
        results = [nodes[i % 3].call("verify-otp", UNKNOWN, code=other_code(code))["otpResult"]
                   for i in range(5)]
        self.assertEqual(results[:4], ["Invalid"] * 4)
        self.assertIn(results[4], ("Invalid", "Locked"))
        for node in nodes:
            self.assertEqual(node.call("verify-otp", UNKNOWN, code=code)["otpResult"], "Locked",
                             node.name)

    def test_send_limit_per_number_holds_across_nodes(self):
        nodes = self.cluster.start_nodes(3)
        for node in nodes:
            self.assertEqual(node.call("send-otp", UNKNOWN)["lambdaResult"], "Success", node.name)
        for node in nodes:
            limited = node.call("send-otp", UNKNOWN)
            self.assertEqual((limited["lambdaResult"], limited.get("reason")), ("Error", "RateLimited"),
                             f"{node.name} sent a fourth code")
        self.assertEqual(len(self.cluster.messages_to(UNKNOWN)), 3)
        # Per number: another caller is unaffected; the last code sent verifies on any node.
        self.assertEqual(nodes[1].call("send-otp", OTHER)["lambdaResult"], "Success")
        code = self.cluster.last_code(UNKNOWN)
        self.assertEqual(nodes[2].call("verify-otp", UNKNOWN, code=code)["otpResult"], "Verified")

    def test_ten_concurrent_verifications_of_one_code_verify_once(self):
        nodes = self.cluster.start_nodes(3)
        nodes[0].call("send-otp", UNKNOWN)
        code = self.cluster.last_code(UNKNOWN)

        def verify(i):
            node = nodes[i % len(nodes)]
            status, body = node.invoke("verify-otp", connect_event(UNKNOWN, {"code": code}))
            return node.name, status, body.get("otpResult")

        with concurrent.futures.ThreadPoolExecutor(max_workers=10) as pool:
            answers = list(pool.map(verify, range(10)))
        self.assertTrue(all(status == 200 for _, status, _ in answers), answers)
        verified = [a for a in answers if a[2] == "Verified"]
        self.assertEqual(len(verified), 1, f"exactly one verification must win: {answers}")
        # The one enrolment is visible on every node.
        for node in nodes:
            self.assertEqual(node.call("lookup-caller", UNKNOWN, attestation="A")["recordFound"],
                             "True", node.name)




if __name__ == "__main__":
    unittest.main()
