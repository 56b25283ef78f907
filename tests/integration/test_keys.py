"""JWT signing keys end to end: `callgate keys rotate|list` on a temporary key file, then the
running server's JWKS, discovery document and OAuth endpoints (RFC 7662 / RFC 7009)."""

import base64
import json
import os
import stat
import time
import unittest
import urllib.parse

from harness import ServerTestCase, require_binary

ISSUER = "https://callgate.test"
CLIENT = "resource-server"
SECRET = "it-secret-0123456789"

try:
    import jwt as pyjwt  # Debian's python3-jwt, with python3-cryptography for OKP keys
except ImportError as e:  # a clear failure, not a silent skip of the PyJWT checks
    raise ImportError(f"PyJWT is missing ({e}); run scripts/install-deps.sh and use /usr/bin/python3")


def basic(client, secret):
    raw = urllib.parse.quote(client, safe="") + ":" + urllib.parse.quote(secret, safe="")
    return "Basic " + base64.b64encode(raw.encode()).decode()


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

    def keys(self, *args):
        return self.ws.run("keys", *args, "--config", self.config)

    def file_kids(self):
        with open(self.key_file, encoding="utf-8") as f:
            return [k["kid"] for k in json.load(f)["keys"]]

    def form_post(self, server, path, body, auth=None):
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if auth:
            headers["Authorization"] = auth
        return server.request("POST", path, body, headers)

    def test_rotate_list_and_publish(self):
        listed = self.keys("list")
        self.assertEqual(listed.returncode, 1)
        self.assertIn("no key file", listed.stderr)
        self.assertFalse(os.path.exists(self.key_file), "list must not create the key file")

        first = self.keys("rotate")
        self.assertEqual(first.returncode, 0, first.stderr)
        second = self.keys("rotate")
        self.assertEqual(second.returncode, 0, second.stderr)
        kids = self.file_kids()
        self.assertEqual(len(kids), 2)
        old_kid, new_kid = kids
        self.assertIn(old_kid, first.stdout)
        self.assertIn("new signing key " + new_kid, second.stdout)

        mode = stat.S_IMODE(os.stat(self.key_file).st_mode)
        self.assertEqual(mode, 0o600, oct(mode))

        listed = self.keys("list")
        self.assertEqual(listed.returncode, 0, listed.stderr)
        lines = {line.split()[0]: line for line in listed.stdout.splitlines()[1:] if line.strip()}
        self.assertIn("signing", lines[new_kid])
        self.assertIn("retiring until", lines[old_kid])
        with open(self.key_file, encoding="utf-8") as f:
            seeds = [k["seed"] for k in json.load(f)["keys"]]
        for seed in seeds:
            self.assertNotIn(seed, listed.stdout + first.stdout + second.stdout)

        # A key file others can read is refused, with the fix in the message.
        os.chmod(self.key_file, 0o644)
        refused = self.keys("list")
        self.assertEqual(refused.returncode, 1)
        self.assertIn("chmod 600", refused.stderr)
        os.chmod(self.key_file, 0o600)

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

        # A rotation by the CLI while the server runs shows up in its JWKS within about a second.
        third = self.keys("rotate")
        self.assertEqual(third.returncode, 0, third.stderr)
        newest = self.file_kids()[-1]
        deadline = time.monotonic() + 5
        published = []
        while time.monotonic() < deadline:
            _, _, body = server.request("GET", "/.well-known/jwks.json")
            published = [k["kid"] for k in json.loads(body)["keys"]]
            if published and published[0] == newest:
                break
            time.sleep(0.1)
        self.assertEqual(published, [newest, new_kid, old_kid])


if __name__ == "__main__":
    unittest.main()
