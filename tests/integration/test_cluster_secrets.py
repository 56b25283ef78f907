"""Keys and secrets on the shared database: a node configured with another OTP secret or PIN pepper
refuses to start, naming the secret; `callgate keys rotate` on any host reaches every running
node (same JWKS everywhere, tokens from the new key verify on all); changing a secret follows the
documented procedure (stop all, change everywhere, `cluster forget-secrets`, `keys reset`)."""

import re
import secrets
import subprocess
import time
import unittest

import harness
import jwt  # PyJWT: test_cluster_voice_login explains when it is missing
from cluster_harness import ClusterTestCase, require_cluster
from test_cluster_voice_login import (CLIENT_ID, CLIENT_SECRET, USER_ID, add_login_customer,
                                      get_json, introspect, redeem_link_token, verify_with_jwks)

ROTATION_TIMEOUT = 10.0   # seconds for every node to publish a rotated key


@require_cluster()
class SharedSecretsTest(ClusterTestCase):

    BASE_TOML = f'[oauth.clients]\n"{CLIENT_ID}" = "{CLIENT_SECRET}"\n'

    def serve_refused(self, env):
        """`serve` with the cluster's config but `env` overriding its secrets: must exit non-zero
        on its own; returns its standard error."""
        try:
            r = self.cluster.run("serve", "--config", self.cluster.base_config, "--http",
                                 "127.0.0.1:0", env=env, timeout=harness.START_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.fail(f"a node whose secrets differ from the recorded ones ({', '.join(env) or 'all'})"
                      " started and kept running")
        self.assertNotEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertNotIn("listening http", r.stdout)
        for value in env.values():
            self.assertNotIn(value, r.stdout + r.stderr, "the secret is printed")
        return r.stderr

    def test_a_node_with_another_secret_refuses_to_start_naming_it(self):
        n1 = self.cluster.start_node()
        err = self.serve_refused({"CALLGATE_OTP_SECRET": secrets.token_hex(32)})
        self.assertIn("otp_secret", err)
        self.assertIn("CALLGATE_OTP_SECRET", err)
        self.assertIn("forget-secrets", err)
        err = self.serve_refused({"CALLGATE_PIN_PEPPER": secrets.token_hex(32)})
        self.assertIn("pin_pepper", err)
        self.assertIn("CALLGATE_PIN_PEPPER", err)
        # The running node is unaffected, and a node with the right secrets joins.
        self.assertEqual(n1.call("lookup-caller", "+14155550123")["recordFound"], "False")
        n2 = self.cluster.start_node()
        self.assertEqual(n2.call("lookup-caller", "+14155550123")["recordFound"], "False")

    def test_rotation_on_any_host_reaches_every_node(self):
        add_login_customer(self, self.cluster)
        nodes = self.cluster.start_nodes(3)
        before = {k["kid"] for k in get_json(nodes[0], "/.well-known/jwks.json")["keys"]}

        r = self.cluster.run("keys", "rotate", *self.cluster.store_args())
        self.assertEqual(r.returncode, 0, r.stderr)
        m = re.search(r"new signing key ([A-Za-z0-9_-]{43})", r.stdout)
        self.assertIsNotNone(m, r.stdout)
        kid = m.group(1)
        self.assertNotIn(kid, before)

        deadline = time.monotonic() + ROTATION_TIMEOUT
        for node in nodes:
            while kid not in {k["kid"] for k in get_json(node, "/.well-known/jwks.json")["keys"]}:
                self.assertLess(time.monotonic(), deadline,
                                f"{node.name} does not publish the rotated key {kid}")
                time.sleep(0.2)
        jwks = [get_json(node, "/.well-known/jwks.json") for node in nodes]
        self.assertEqual(jwks[0], jwks[1])
        self.assertEqual(jwks[0], jwks[2])
        # The old keys stay published (their tokens have not expired).
        self.assertTrue(before <= {k["kid"] for k in jwks[0]["keys"]})

        # A token minted now (on node 1, redeemed on node 2) is signed with the new key and
        # verifies with node 3's JWKS and introspection.
        token, _ = redeem_link_token(self, self.cluster, nodes[0], nodes[1])
        self.assertEqual(verify_with_jwks(self, nodes[2], token)["sub"], USER_ID)
        self.assertEqual(jwt.get_unverified_header(token)["kid"], kid)
        self.assertIs(introspect(nodes[2], token).get("active"), True)

    def test_changing_the_otp_secret_on_every_node(self):
        nodes = self.cluster.start_nodes(2)
        old_kids = {k["kid"] for k in get_json(nodes[0], "/.well-known/jwks.json")["keys"]}
        for node in nodes:
            self.assertEqual(node.stop(), 0, node.log_tail())

        # The new secret everywhere: refused until the recorded fingerprints are forgotten.
        self.cluster.otp_secret = secrets.token_hex(32)
        self.serve_refused({})
        r = self.cluster.run("cluster", "forget-secrets", *self.cluster.store_args())
        self.assertEqual(r.returncode, 0, r.stderr)
        # The ring was sealed with the old secret: replaced by one new key.
        r = self.cluster.run("keys", "reset", *self.cluster.store_args())
        self.assertEqual(r.returncode, 0, r.stderr)

        n3, n4 = self.cluster.start_nodes(2)
        kids = {k["kid"] for k in get_json(n3, "/.well-known/jwks.json")["keys"]}
        self.assertTrue(kids and not kids & old_kids, (kids, old_kids))
        self.assertEqual(get_json(n4, "/.well-known/jwks.json"), get_json(n3, "/.well-known/jwks.json"))
        # Journeys work under the new secret.
        self.assertEqual(n3.call("send-otp", "+14155550123")["lambdaResult"], "Success")
        code = self.cluster.last_code("+14155550123")
        self.assertEqual(n4.call("verify-otp", "+14155550123", code=code)["otpResult"], "Verified")


if __name__ == "__main__":
    unittest.main()
