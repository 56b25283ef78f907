"""The HTTP side of a cluster through the shipped deploy/nginx/callgate-upstream.conf (only its
upstream servers, listen address and certificate substituted): journeys through the load
balancer, and a dead node costs no request that it never received."""

import unittest

from cluster_harness import ClusterTestCase, Nginx, require_cluster

UNKNOWN = "+14155550123"


@require_cluster("nginx", "openssl")
class HttpThroughNginxTest(ClusterTestCase):

    def test_journeys_through_nginx_survive_a_dead_node(self):
        nodes = self.cluster.start_nodes(3)
        nginx = Nginx(self.cluster, nodes)

        # A whole journey through the load balancer, wherever each request lands.
        self.assertEqual(nginx.call("send-otp", UNKNOWN)["lambdaResult"], "Success")
        code = self.cluster.last_code(UNKNOWN)
        self.assertEqual(nginx.call("verify-otp", UNKNOWN, code=code)["otpResult"], "Verified")
        self.assertEqual(nginx.call("lookup-caller", UNKNOWN, attestation="A")["recordFound"], "True")

        # One node dies. Connect POSTs and GETs all succeed: a connection the dead node refuses
        # never delivered the request, so nginx may send it to the next node, POST or not.
        nodes[1].kill()
        for i in range(12):
            answer = nginx.call("lookup-caller", UNKNOWN, attestation="A")
            self.assertEqual(answer["firstName"], "New", i)
            status, _, body = nginx.request("GET", "/.well-known/jwks.json")
            self.assertEqual(status, 200, body[:200])
        status, _, body = nginx.request("GET", "/healthz")
        self.assertEqual(status, 200, body)
        # nginx did try the dead node (and took it out after max_fails), so the retries above
        # were exercised, not avoided.
        self.assertIn(f"127.0.0.1:{nodes[1].http_port}", nginx.log_text())
        self.assertIn("Connection refused", nginx.log_text())


if __name__ == "__main__":
    unittest.main()
