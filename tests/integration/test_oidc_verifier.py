"""Voice login against an OpenID Connect provider's password grant ([credentials] verifier =
"oidc"), on the real binary: the console simulator (`callgate call`) runs flows/voice-login.json
and verify-pin asks a test IdP that this test runs on 127.0.0.1. The IdP is written here from the
specifications (RFC 6749 §4.3 password grant with client_secret_basic, OIDC Discovery, a JWKS)
and signs its ID tokens with PyJWT, an implementation independent of callgate's: RS256 and
Ed25519 (EdDSA) keys, both published.

- a right password signs the caller in, whichever key signed; the link goes to the number the
  IdP states (phone_number, verified), never to the calling phone;
- a wrong password is "do not match" (Denied), and an unknown user id gets the very same answer;
- callgate's lockout stands in front of the IdP: once locked, the IdP is not asked at all;
- `serve` fetches discovery and the JWKS once for many sign-ins, and once more when the IdP
  rotates to a key it has not seen;
- an ID token with a bad signature, or for another audience, or an IdP that is down, fails safe:
  the caller is told the PIN could not be checked and goes to an agent unauthenticated;
- the password and client secret never reach callgate's output, logs or audit log.
"""

import base64
import http.server
import json
import os
import subprocess
import threading
import time
import unittest
import urllib.parse

from harness import (BIN, CLI_TIMEOUT, SOURCE_DIR, STOP_TIMEOUT, Server, Workspace,
                     connect_event, parse_events, read_text, require_binary)

try:
    import jwt
    from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
    from jwt.algorithms import OKPAlgorithm, RSAAlgorithm
    IMPORT_ERROR = None
except ImportError as e:  # a missing package fails the tests, never skips them
    IMPORT_ERROR = e

VOICE_LOGIN = os.path.join(SOURCE_DIR, "flows", "voice-login.json")
OLD_NUMBER = "+14155550111"     # callgate's customer record of the account: an older number
CALLER = "+14155550177"          # the calling phone: never where the link goes
PHONE_ON_FILE = "+14155550100"   # what the IdP says the user's number is
USER_ID = "12345678"
PASSWORD = "97531864"
CLIENT_ID = "callgate-ivr"
CLIENT_SECRET = "idp-client-s3cret/+="
REALM = "/realms/bank"
REFETCH_SECONDS = 2   # jwks_min_refetch_seconds: at most one JWKS refetch per this long


class TestIdp:
    """A minimal OpenID provider on 127.0.0.1 (port 0): discovery, JWKS and a token endpoint
    that allows the password grant for one confidential client. `mode` picks how the next ID
    tokens are made: "RS256", "EdDSA", "bad-signature" (RS256 under the published kid, signed by
    another key), "wrong-audience"."""

    def __init__(self):
        self.rsa = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.ed = ed25519.Ed25519PrivateKey.generate()
        self.impostor = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.rotated = None  # after rotate(): a new RSA key, published and signing as "rsa-2027"
        self.mode = "RS256"
        self.users = {USER_ID: {"password": PASSWORD, "sub": "8a6f2c1e-5b7d-4c3a-9e21-0f4d6b8a2c11",
                                "given_name": "Ada", "family_name": "Lovelace",
                                "phone_number": PHONE_ON_FILE, "phone_number_verified": True,
                                "locale": "en-GB"}}
        self.requests = []
        self._lock = threading.Lock()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                outer._record(self, b"")
                if self.path == REALM + "/.well-known/openid-configuration":
                    self._json(200, outer.discovery())
                elif self.path == REALM + "/protocol/openid-connect/certs":
                    self._json(200, outer.jwks())
                else:
                    self._json(404, {"error": "not_found"})

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                outer._record(self, body)
                if self.path != REALM + "/protocol/openid-connect/token":
                    self._json(404, {"error": "not_found"})
                    return
                status, answer = outer.token(self.headers.get("Authorization", ""), body)
                self._json(status, answer)

            def _json(self, status, doc):
                payload = json.dumps(doc).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Cache-Control", "no-store")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.issuer = f"http://127.0.0.1:{self._server.server_address[1]}{REALM}"
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    def close(self):
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=STOP_TIMEOUT)

    def _record(self, handler, body):
        with self._lock:
            self.requests.append({"method": handler.command, "path": handler.path,
                                  "headers": {k.lower(): v for k, v in handler.headers.items()},
                                  "body": body})

    def token_requests(self):
        with self._lock:
            return [r for r in self.requests if r["method"] == "POST"]

    def discovery(self):
        return {"issuer": self.issuer,
                "token_endpoint": self.issuer + "/protocol/openid-connect/token",
                "jwks_uri": self.issuer + "/protocol/openid-connect/certs",
                "grant_types_supported": ["authorization_code", "password"],
                "id_token_signing_alg_values_supported": ["RS256", "EdDSA"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic"]}

    def jwks(self):
        rsa_jwk = json.loads(RSAAlgorithm.to_jwk(self.rsa.public_key()))
        rsa_jwk.update({"kid": "rsa-2026", "alg": "RS256", "use": "sig"})
        ed_jwk = json.loads(OKPAlgorithm.to_jwk(self.ed.public_key()))
        ed_jwk.update({"kid": "ed-2026", "alg": "EdDSA", "use": "sig"})
        keys = [rsa_jwk, ed_jwk]
        if self.rotated is not None:
            new = json.loads(RSAAlgorithm.to_jwk(self.rotated.public_key()))
            new.update({"kid": "rsa-2027", "alg": "RS256", "use": "sig"})
            keys.append(new)
        return {"keys": keys}

    def rotate(self):
        self.rotated = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    @staticmethod
    def _client(authorization):
        """RFC 6749 §2.3.1: Basic with the form-urlencoded id and secret."""
        if not authorization.startswith("Basic "):
            return None, None
        decoded = base64.b64decode(authorization[6:]).decode()
        cid, _, secret = decoded.partition(":")
        return urllib.parse.unquote_plus(cid), urllib.parse.unquote_plus(secret)

    def token(self, authorization, body):
        cid, secret = self._client(authorization)
        if (cid, secret) != (CLIENT_ID, CLIENT_SECRET):
            return 401, {"error": "invalid_client"}
        form = urllib.parse.parse_qs(body.decode(), strict_parsing=True)
        if form.get("grant_type") != ["password"]:
            return 400, {"error": "unsupported_grant_type"}
        user = self.users.get(form.get("username", [""])[0])
        if user is None or form.get("password") != [user["password"]]:
            return 400, {"error": "invalid_grant", "error_description": "Invalid user credentials"}
        if "openid" not in form.get("scope", [""])[0].split():
            return 200, {"access_token": "opaque", "token_type": "Bearer", "expires_in": 300}
        now = int(time.time())
        claims = {"iss": self.issuer, "aud": CLIENT_ID, "azp": CLIENT_ID, "sub": user["sub"],
                  "iat": now, "exp": now + 300, "auth_time": now,
                  **{k: v for k, v in user.items() if k not in ("password", "sub")}}
        if self.mode == "wrong-audience":
            claims["aud"] = "account-console"
            claims["azp"] = "account-console"
        if self.mode == "EdDSA":
            id_token = jwt.encode(claims, self.ed, algorithm="EdDSA", headers={"kid": "ed-2026"})
        elif self.mode == "bad-signature":
            id_token = jwt.encode(claims, self.impostor, algorithm="RS256",
                                  headers={"kid": "rsa-2026"})
        elif self.rotated is not None:
            id_token = jwt.encode(claims, self.rotated, algorithm="RS256",
                                  headers={"kid": "rsa-2027"})
        else:
            id_token = jwt.encode(claims, self.rsa, algorithm="RS256", headers={"kid": "rsa-2026"})
        return 200, {"access_token": "opaque-access", "token_type": "Bearer", "expires_in": 300,
                     "id_token": id_token, "scope": "openid profile phone"}


@require_binary
class OidcVerifierTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        if IMPORT_ERROR is not None:
            raise AssertionError(f"{IMPORT_ERROR}: install python3-jwt and python3-cryptography "
                                 "(scripts/install-deps.sh)")

    def setUp(self):
        self.ws = Workspace()
        self.addCleanup(self.ws.cleanup)
        # The account the link acts on lives in callgate's customer store (grants and members
        # belong to one); its PIN does not: the directory checks the secret.
        r = self.ws.run("customers", "add", *self.ws.store_args(), "--phone", OLD_NUMBER,
                        "--first-name", "Ada", "--last-name", "Lovelace", "--user-id", USER_ID)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.idp = TestIdp()
        self.addCleanup(self.idp.close)
        self.config = self.ws.write("callgate.toml", f"""
[security]
pin_lockout_steps = [[3, 600]]
pin_lock_after = 6

[credentials]
verifier = "oidc"
timeout_ms = 3000

[credentials.oidc]
issuer = "{self.idp.issuer}"
client_id = "{CLIENT_ID}"
client_auth = "client_secret_basic"
id_token_algorithms = ["RS256", "EdDSA"]
jwks_min_refetch_seconds = {REFETCH_SECONDS}
""")

    def call(self, *inputs):
        """One simulator call of voice-login keying `inputs`; (events, stderr). The client
        secret comes from the environment, as an operator would keep it out of the file."""
        env = dict(os.environ, CALLGATE_OIDC_CLIENT_SECRET=CLIENT_SECRET)
        env.pop("CALLGATE_OTP_SECRET", None)
        r = subprocess.run([BIN, "call", "--json", "--config", self.config, "--flow", VOICE_LOGIN,
                            "--from", CALLER, *self.ws.store_args()],
                           cwd=self.ws.dir, input="".join(i + "\n" for i in inputs),
                           capture_output=True, text=True, timeout=CLI_TIMEOUT, env=env)
        self.assertEqual(r.returncode, 0, r.stderr)
        return parse_events(r.stdout), r.stderr

    @staticmethod
    def prompts(events):
        return " ".join(e.get("text", "") for e in events if e.get("type") == "prompt")

    def transfer(self, events):
        transfers = [e for e in events if e.get("type") == "transfer"]
        self.assertEqual(len(transfers), 1, events)
        return transfers[0]["attributes"]

    def assert_no_secret_leaked(self, stderr):
        audit = open(self.ws.audit, encoding="utf-8").read() if os.path.exists(self.ws.audit) else ""
        for where, text in (("stderr", stderr), ("audit log", audit)):
            self.assertNotIn(PASSWORD, text, where)
            self.assertNotIn(CLIENT_SECRET, text, where)
            self.assertNotIn("eyJ", text, f"{where} holds a JWT")

    def sign_in(self, mode):
        self.idp.mode = mode
        events, stderr = self.call(USER_ID, PASSWORD)
        self.assertIn("Thank you Ada, you are signed in", self.prompts(events), events)
        attributes = self.transfer(events)
        self.assertEqual(attributes["authenticated"], "True")
        self.assertEqual(attributes["userId"], USER_ID)
        # The link goes to the number the IdP states: not to the calling phone, nor to the older
        # number of callgate's own record.
        self.assertEqual(len(self.ws.messages_to(PHONE_ON_FILE)), 1, self.ws.outbox_messages())
        self.assertEqual(self.ws.messages_to(CALLER), [])
        self.assertEqual(self.ws.messages_to(OLD_NUMBER), [])
        self.assert_no_secret_leaked(stderr)
        return events

    def test_rs256_id_token_signs_in_with_the_password_grant(self):
        self.sign_in("RS256")
        # The exact token request: POST, form body, Basic client authentication.
        (request,) = self.idp.token_requests()
        self.assertEqual(request["headers"]["content-type"], "application/x-www-form-urlencoded")
        form = urllib.parse.parse_qs(request["body"].decode(), strict_parsing=True)
        self.assertEqual(form["grant_type"], ["password"])
        self.assertEqual(form["username"], [USER_ID])
        self.assertEqual(form["password"], [PASSWORD])
        self.assertIn("openid", form["scope"][0].split())
        self.assertNotIn("client_secret", form)
        self.assertEqual(TestIdp._client(request["headers"]["authorization"]),
                         (CLIENT_ID, CLIENT_SECRET))
        paths = [r["path"] for r in self.idp.requests]
        self.assertEqual(paths[0], REALM + "/.well-known/openid-configuration")
        self.assertIn(REALM + "/protocol/openid-connect/certs", paths)

    def test_eddsa_id_token_signs_in(self):
        self.sign_in("EdDSA")

    def test_wrong_password_is_denied(self):
        events, stderr = self.call(USER_ID, "11112222")
        results = [e["result"] for e in events if e.get("name") == "verify-pin"]
        self.assertEqual([r["authResult"] for r in results], ["Denied"])
        self.assertEqual(results[0]["authenticated"], "False")
        self.assertIn("do not match", self.prompts(events))
        self.assertNotIn("signed in", self.prompts(events))
        self.assertNotIn("cannot check", self.prompts(events))
        # The caller is asked again; the input ends, so the simulator hangs up.
        self.assertFalse([e for e in events if e.get("type") == "transfer"])
        self.assertEqual(self.ws.outbox_messages(), [])
        self.assertNotIn("11112222", stderr)

    def test_serve_keeps_discovery_and_keys_and_follows_a_key_rotation(self):
        """`serve` over the Connect endpoint: one discovery and one JWKS fetch for many sign-ins;
        when the IdP starts signing with a new key, one more JWKS fetch (no sooner than
        jwks_min_refetch_seconds after the last), and sign-ins go on."""
        server = Server(self.ws, "--config", self.config,
                        env={"CALLGATE_OIDC_CLIENT_SECRET": CLIENT_SECRET})
        self.addCleanup(server.stop)

        def sign_in():
            status, body = server.invoke("verify-pin", connect_event(
                CALLER, {"userId": USER_ID, "pin": PASSWORD}))
            self.assertEqual(status, 200, body)
            return body

        def gets():
            return [r["path"].rsplit("/", 1)[-1] for r in self.idp.requests if r["method"] == "GET"]

        for _ in range(5):
            self.assertEqual(sign_in()["authResult"], "Authenticated")
        self.assertEqual(gets(), ["openid-configuration", "certs"])
        # The keys were fetched moments ago: a token under a kid they lack does not make callgate
        # fetch them again before jwks_min_refetch_seconds (fail safe meanwhile) ...
        self.idp.rotate()
        self.assertEqual(sign_in()["authResult"], "Unavailable")
        self.assertEqual(gets(), ["openid-configuration", "certs"])
        # ... and once that has passed, the next one does, and signs in.
        time.sleep(REFETCH_SECONDS + 0.2)
        for _ in range(3):
            answer = sign_in()
            self.assertEqual(answer["authResult"], "Authenticated", answer)
            self.assertEqual(answer["firstName"], "Ada")
        self.assertEqual(gets(), ["openid-configuration", "certs", "certs"])
        self.assertEqual(len(self.idp.token_requests()), 9)
        server.stop()
        log = read_text(server.log_path)
        self.assertNotIn(PASSWORD, log)
        self.assertNotIn(CLIENT_SECRET, log)

    def verify_pin_results(self, events):
        return [e["result"] for e in events if e.get("name") == "verify-pin"]

    def test_an_unknown_user_id_answers_like_a_wrong_password(self):
        wrong, _ = self.call(USER_ID, "11112222")
        unknown, _ = self.call("55556666", "11112222")
        self.assertEqual(self.verify_pin_results(wrong), self.verify_pin_results(unknown))
        self.assertEqual(self.prompts(wrong), self.prompts(unknown))
        # Both were asked of the IdP: callgate cannot tell them apart, and does not try.
        self.assertEqual([urllib.parse.parse_qs(r["body"].decode())["username"]
                          for r in self.idp.token_requests()], [[USER_ID], ["55556666"]])

    def test_callgates_lockout_stands_in_front_of_the_idp(self):
        answers = [self.verify_pin_results(self.call(USER_ID, "11112222")[0])[0]["authResult"]
                   for _ in range(3)]
        self.assertEqual(answers, ["Denied", "Denied", "Locked"])
        # Locked: even the right password is refused without asking the IdP, so a caller can
        # neither lock the IdP's account nor probe it faster than callgate's policy allows.
        events, _ = self.call(USER_ID, PASSWORD)
        self.assertEqual(self.verify_pin_results(events)[0]["authResult"], "Locked")
        self.assertEqual(len(self.idp.token_requests()), 3)
        self.assertNotIn("signed in", self.prompts(events))

    def fails_safe(self, mode):
        self.idp.mode = mode
        events, stderr = self.call(USER_ID, PASSWORD)
        prompts = self.prompts(events)
        self.assertIn("cannot check PINs right now", prompts)
        self.assertNotIn("signed in", prompts)
        self.assertEqual(self.transfer(events)["authenticated"], "False")
        self.assertEqual(self.ws.outbox_messages(), [])
        self.assert_no_secret_leaked(stderr)
        return stderr

    def test_bad_signature_fails_safe(self):
        stderr = self.fails_safe("bad-signature")
        self.assertIn("signature", stderr)

    def test_wrong_audience_fails_safe(self):
        stderr = self.fails_safe("wrong-audience")
        self.assertIn("aud", stderr)

    def test_idp_down_fails_safe(self):
        self.idp.close()  # nothing listens on its port any more
        started = time.monotonic()
        events, stderr = self.call(USER_ID, PASSWORD)
        self.assertLess(time.monotonic() - started, CLI_TIMEOUT)
        self.assertIn("cannot check PINs right now", self.prompts(events))
        self.assertEqual(self.transfer(events)["authenticated"], "False")
        self.assertEqual(self.ws.outbox_messages(), [])
        self.assert_no_secret_leaked(stderr)


if __name__ == "__main__":
    unittest.main()
