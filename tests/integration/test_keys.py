"""JWT signing keys end to end: `callgate keys rotate|list|reset` on the ring in the database, the
running server's JWKS, discovery document and OAuth endpoints (RFC 7662 / RFC 7009), the one-time
import of a legacy key file, two nodes sharing one database, and the start-up check that refuses a
node whose OTP secret differs from the others'."""

import base64
import hashlib
import json
import os
import sqlite3
import subprocess
import time
import unittest
import urllib.parse

from harness import BIN, START_TIMEOUT, ServerTestCase, require_binary

ISSUER = "https://callgate.test"
CLIENT = "resource-server"
SECRET = "it-secret-0123456789"

try:
    import jwt as pyjwt  # Debian's python3-jwt, with python3-cryptography for OKP keys
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
except ImportError as e:  # a clear failure, not a silent skip of the PyJWT checks
    raise ImportError(f"PyJWT is missing ({e}); run scripts/install-deps.sh and use /usr/bin/python3")


def b64url(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def basic(client, secret):
    raw = urllib.parse.quote(client, safe="") + ":" + urllib.parse.quote(secret, safe="")
    return "Basic " + base64.b64encode(raw.encode()).decode()


def legacy_key(seed, created_at):
    """One key of a legacy key file, with its RFC 7638 kid computed independently."""
    public = Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    thumbprint_input = json.dumps({"crv": "Ed25519", "kty": "OKP", "x": b64url(public)},
                                  separators=(",", ":"), sort_keys=True)
    kid = b64url(hashlib.sha256(thumbprint_input.encode()).digest())
    return {"kid": kid, "created_at": created_at, "seed": b64url(seed)}


@require_binary
class KeysTest(ServerTestCase):

    def setUp(self):
        super().setUp()
        self.key_file = self.ws.path("keys/jwt-keys.json")
        self.config = self.ws.write("callgate.toml", f"""
[tokens]
issuer = "{ISSUER}"
key_file = "{self.key_file}"

[oauth.clients]
"{CLIENT}" = "{SECRET}"
""")

    def keys(self, *args, otp_key=None):
        store = self.ws.store_args()
        if otp_key:
            store[store.index("--otp-secret-file") + 1] = otp_key
        return self.ws.run(*args, *store, "--config", self.config)

    def stored_kids(self):
        """The kids in the database, oldest first, as every node loads them."""
        con = sqlite3.connect(f"file:{self.ws.db}?mode=ro", uri=True, timeout=5)
        try:
            rows = con.execute(
                "SELECT kid, sealed_seed FROM signing_keys ORDER BY created_at_ms, kid").fetchall()
        finally:
            con.close()
        return [kid for kid, _ in rows], [sealed for _, sealed in rows]

    def form_post(self, server, path, body, auth=None):
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if auth:
            headers["Authorization"] = auth
        return server.request("POST", path, body, headers)

    def jwks_kids(self, server):
        status, _, body = server.request("GET", "/.well-known/jwks.json")
        self.assertEqual(status, 200)
        return [k["kid"] for k in json.loads(body)["keys"]]

    def wait_for_kids(self, server, expected, seconds=5):
        deadline = time.monotonic() + seconds
        published = []
        while time.monotonic() < deadline:
            published = self.jwks_kids(server)
            if published == expected:
                break
            time.sleep(0.1)
        self.assertEqual(published, expected)

    def serve_fails(self, otp_key):
        """`callgate serve` that must refuse to start; returns its stderr."""
        args = self.ws.store_args()
        args[args.index("--otp-secret-file") + 1] = otp_key
        env = dict(os.environ)
        env.pop("CALLGATE_OTP_SECRET", None)
        r = subprocess.run([BIN, "serve", "--http", "127.0.0.1:0", *args, "--config", self.config],
                           cwd=self.ws.dir, capture_output=True, text=True,
                           timeout=START_TIMEOUT, env=env)
        self.assertNotEqual(r.returncode, 0, r.stdout)
        return r.stderr

    def test_rotate_list_and_publish(self):
        listed = self.keys("keys", "list")
        self.assertEqual(listed.returncode, 1)
        self.assertIn("no JWT signing keys in the database", listed.stderr)
        self.assertEqual(self.stored_kids()[0], [], "list must not create a ring")

        first = self.keys("keys", "rotate")
        self.assertEqual(first.returncode, 0, first.stderr)
        self.assertIn("created the key ring in the database", first.stdout)
        second = self.keys("keys", "rotate")
        self.assertEqual(second.returncode, 0, second.stderr)
        kids, sealed = self.stored_kids()
        self.assertEqual(len(kids), 2)
        old_kid, new_kid = kids
        self.assertIn(old_kid, first.stdout)
        self.assertIn("new signing key " + new_kid, second.stdout)
        self.assertFalse(os.path.exists(self.key_file), "the key file is no longer written")

        listed = self.keys("keys", "list")
        self.assertEqual(listed.returncode, 0, listed.stderr)
        lines = {line.split()[0]: line for line in listed.stdout.splitlines()[1:] if line.strip()}
        self.assertIn("signing", lines[new_kid])
        self.assertIn("retiring until", lines[old_kid])
        # The database holds only sealed seeds, and no command prints them.
        for s in sealed:
            self.assertTrue(s.startswith("v1."), s)
            self.assertNotIn(s, listed.stdout + first.stdout + second.stdout)

        server = self.start_server("--config", self.config)
        status, headers, body = server.request("GET", "/.well-known/jwks.json")
        self.assertEqual(status, 200)
        self.assertEqual(headers.get("cache-control"), "public, max-age=300")
        jwks = json.loads(body)
        self.assertEqual([k["kid"] for k in jwks["keys"]], [new_kid, old_kid])
        for k in jwks["keys"]:
            self.assertEqual((k["kty"], k["crv"], k["use"], k["alg"]), ("OKP", "Ed25519", "sig", "EdDSA"))
            self.assertNotIn("d", k)
            if pyjwt is not None:
                key = pyjwt.PyJWK(k)  # an independent JWK parser accepts it as an Ed25519 key
                self.assertEqual(key.key_type, "OKP")

        status, _, body = server.request("GET", "/.well-known/openid-configuration")
        self.assertEqual(status, 200)
        doc = json.loads(body)
        self.assertEqual(doc["issuer"], ISSUER)
        self.assertEqual(doc["jwks_uri"], ISSUER + "/.well-known/jwks.json")
        self.assertEqual(doc["introspection_endpoint"], ISSUER + "/oauth2/introspect")
        self.assertEqual(doc["revocation_endpoint"], ISSUER + "/oauth2/revoke")
        status, _, _ = server.request("GET", urllib.parse.urlsplit(doc["jwks_uri"]).path)
        self.assertEqual(status, 200)

        # Introspection and revocation need client authentication.
        status, headers, body = self.form_post(server, "/oauth2/introspect", "token=abc")
        self.assertEqual(status, 401)
        self.assertIn("Basic", headers.get("www-authenticate", ""))
        self.assertEqual(json.loads(body)["error"], "invalid_client")
        status, _, _ = self.form_post(server, "/oauth2/introspect", "token=abc", basic(CLIENT, "wrong-secret-12345"))
        self.assertEqual(status, 401)
        status, _, body = self.form_post(server, "/oauth2/introspect", "token=abc.def.ghi", basic(CLIENT, SECRET))
        self.assertEqual(status, 200)
        self.assertEqual(json.loads(body), {"active": False})
        status, _, _ = self.form_post(server, "/oauth2/revoke", "token=abc.def.ghi", basic(CLIENT, SECRET))
        self.assertEqual(status, 200)
        status, _, _ = self.form_post(server, "/oauth2/revoke", "token=abc")
        self.assertEqual(status, 401)

        # A rotation by the CLI while the server runs shows up in its JWKS within seconds.
        third = self.keys("keys", "rotate")
        self.assertEqual(third.returncode, 0, third.stderr)
        newest = self.stored_kids()[0][-1]
        self.wait_for_kids(server, [newest, new_kid, old_kid])

    def test_legacy_key_file_is_imported_once(self):
        now = int(time.time())
        keys = [legacy_key(bytes([1]) * 32, now - 60), legacy_key(bytes([2]) * 32, now - 30)]
        os.makedirs(os.path.dirname(self.key_file), exist_ok=True)
        fd = os.open(self.key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump({"format": "callgate-jwt-keys/1", "keys": keys}, f)
        with open(self.key_file, "rb") as f:
            before = f.read()

        server = self.start_server("--config", self.config)
        self.assertEqual(self.jwks_kids(server), [keys[1]["kid"], keys[0]["kid"]])
        self.assertEqual(self.stored_kids()[0], [keys[0]["kid"], keys[1]["kid"]])
        with open(self.key_file, "rb") as f:
            self.assertEqual(f.read(), before, "the key file is left untouched")
        server.stop()
        with open(server.log_path, encoding="utf-8") as f:
            self.assertIn("event=jwt_keys_imported", f.read())

        # Once the database holds the ring, the file is ignored: a rotation does not re-import.
        rotated = self.keys("keys", "rotate")
        self.assertEqual(rotated.returncode, 0, rotated.stderr)
        kids = self.stored_kids()[0]
        self.assertEqual(kids[:2], [keys[0]["kid"], keys[1]["kid"]])
        self.assertEqual(len(kids), 3)

    def test_two_nodes_share_the_ring_and_see_a_rotation(self):
        a = self.start_server("--config", self.config)
        b = self.start_server("--config", self.config)
        self.assertNotEqual(a.port, b.port)
        first = self.jwks_kids(a)
        self.assertEqual(len(first), 1)
        self.assertEqual(self.jwks_kids(b), first)

        rotated = self.keys("keys", "rotate")
        self.assertEqual(rotated.returncode, 0, rotated.stderr)
        newest = self.stored_kids()[0][-1]
        self.wait_for_kids(a, [newest, first[0]])
        self.wait_for_kids(b, [newest, first[0]])

    def test_a_node_with_another_otp_secret_refuses_to_start(self):
        self.start_server("--config", self.config).stop()
        other_key = self.ws.path("other-otp.key")
        stderr = self.serve_fails(other_key)
        self.assertIn("otp_secret differs", stderr)
        self.assertIn("callgate cluster forget-secrets", stderr)
        # The CLI refuses it too, rather than sealing keys no node can open.
        refused = self.keys("keys", "rotate", otp_key=other_key)
        self.assertEqual(refused.returncode, 1)
        self.assertIn("otp_secret differs", refused.stderr)

        # Changing the secret on purpose: forget the fingerprints, then replace the ring that
        # was sealed with the old secret.
        forgot = self.keys("cluster", "forget-secrets")
        self.assertEqual(forgot.returncode, 0, forgot.stderr)
        self.assertIn("forgot 2 secret fingerprint(s)", forgot.stdout)
        stderr = self.serve_fails(other_key)
        self.assertIn("OTP secret", stderr)
        self.assertIn("callgate keys reset", stderr)
        reset = self.keys("keys", "reset", otp_key=other_key)
        self.assertEqual(reset.returncode, 0, reset.stderr)
        new_kid = self.stored_kids()[0]
        self.assertEqual(len(new_kid), 1)
        self.ws.key = other_key  # the harness passes the workspace's key file to serve
        server = self.start_server("--config", self.config)
        self.assertEqual(self.jwks_kids(server), new_kid)


if __name__ == "__main__":
    unittest.main()
