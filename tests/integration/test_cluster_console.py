"""The staff console across nodes sharing one database: a session made on one node is good on
every node and ends everywhere at sign-out, and the sign-in lock counts tries made on any node,
even sent at once."""

import json
import threading
import unittest

from cluster_harness import ClusterTestCase, require_cluster
from console_harness import Console, add_staff, totp


@require_cluster()
class ConsoleAcrossNodesTest(ClusterTestCase):

    def test_a_session_is_good_on_every_node_and_ends_everywhere(self):
        secret = add_staff(self.cluster, "ann", "supervisor")
        a, b = self.cluster.start_nodes(2)
        on_a = Console(a)
        on_a.sign_in_ok("ann", secret)
        on_b = Console(b)
        on_b.cookie = on_a.cookie
        status, _, body = on_b.get("/console/account")
        self.assertEqual(status, 200, b.log_tail())
        self.assertIn("Signed in as <strong>ann</strong>", body)
        # The cluster's public URL is https: the cookie is Secure with the __Host- prefix.
        self.assertTrue(on_a.cookie.startswith("__Host-callgate_console="), on_a.cookie)
        self.assertEqual(on_b.post("/console/logout")[0], 303)
        self.assertEqual(on_a.get("/console/account")[0], 303)

    def test_the_lock_counts_tries_on_every_node_even_at_once(self):
        secret = add_staff(self.cluster, "ann", "agent")
        nodes = self.cluster.start_nodes(2)
        statuses = []
        lock = threading.Lock()

        def wrong_try(node, i):
            status, _, _ = Console(node).sign_in("ann", secret, password=f"wrong password {i}",
                                                 code=totp(secret))
            with lock:
                statuses.append(status)

        threads = [threading.Thread(target=wrong_try, args=(nodes[i % 2], i)) for i in range(12)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        self.assertEqual(statuses, [401] * 12)
        # Counted before checking, in one statement: exactly five passwords were checked, the
        # other seven were refused as locked without a check.
        reasons = []
        with open(self.cluster.audit, encoding="utf-8") as f:
            for line in f:
                event = json.loads(line)
                if event.get("event") == "staff_sign_in_refused":
                    reasons.append(event.get("reason"))
        self.assertEqual(sorted(reasons), ["locked"] * 7 + ["password"] * 5)
        # Locked for both nodes, the right password and code included.
        for node in nodes:
            status, _, _ = Console(node).sign_in("ann", secret)
            self.assertEqual(status, 401, node.log_tail())
        listed = self.cluster.run("staff", "list", *self.cluster.store_args())
        self.assertIn("locked until", listed.stdout, listed.stderr)


if __name__ == "__main__":
    unittest.main()
