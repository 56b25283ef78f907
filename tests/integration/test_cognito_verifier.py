"""Voice login against Amazon Cognito's InitiateAuth (USER_PASSWORD_AUTH), as a contract test:
the real service is out of reach, so a recorder on 127.0.0.1 (CognitoRecorder) stands in for the
cognito-idp endpoint ([credentials.cognito] endpoint and jwks_uri point at it). It records the
exact request callgate sends and answers as the Cognito API reference documents:

- the request: POST /, Content-Type application/x-amz-json-1.1, X-Amz-Target
  AWSCognitoIdentityProviderService.InitiateAuth, the JSON body with AuthFlow, ClientId and
  AuthParameters USERNAME, PASSWORD and SECRET_HASH, the hash computed here independently
  (Base64(HMAC-SHA256(client secret, username + client id)), Python's hmac);
- AuthenticationResult with an RS256 IdToken (signed by PyJWT, verified by callgate against the
  recorder's JWKS) signs the caller in, with the phone number on file from the token;
- NotAuthorizedException, UserNotFoundException and PasswordResetRequiredException are Denied
  with exactly the same answer to the caller (the difference stays in the audit log);
- TooManyRequestsException fails safe: the caller is told the PIN could not be checked.
"""

import base64
import hashlib
import hmac
import http.server
import json
import os
import subprocess
import threading
import time
import unittest

from harness import (BIN, CLI_TIMEOUT, SOURCE_DIR, STOP_TIMEOUT, Workspace, parse_events,
                     require_binary)

try:
    import jwt
    from cryptography.hazmat.primitives.asymmetric import rsa
    from jwt.algorithms import RSAAlgorithm
    IMPORT_ERROR = None
except ImportError as e:  # a missing package fails the tests, never skips them
    IMPORT_ERROR = e

VOICE_LOGIN = os.path.join(SOURCE_DIR, "flows", "voice-login.json")
REGION = "eu-west-1"
POOL = "eu-west-1_CgT3st42x"
ISSUER = f"https://cognito-idp.{REGION}.amazonaws.com/{POOL}"
CLIENT_ID = "4bmsrr65ah3oas5d4sd54st11k"
CLIENT_SECRET = "1example23456789secret0abcdefghijklmnopq"
OLD_NUMBER = "+14155550111"     # callgate's customer record of the account: an older number
CALLER = "+14155550177"
PHONE_ON_FILE = "+14155550100"
USER_ID = "12345678"
PASSWORD = "86420975"


def secret_hash(username):
    """Cognito's SECRET_HASH, computed independently of callgate."""
    digest = hmac.new(CLIENT_SECRET.encode(), (username + CLIENT_ID).encode(),
                      hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


class CognitoRecorder:
    """Stands in for https://cognito-idp.{region}.amazonaws.com/ on 127.0.0.1 (port 0): records
    every request and answers InitiateAuth from a script (status, JSON body); serves the user
    pool's JWKS at /{pool}/.well-known/jwks.json."""

    def __init__(self):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.requests = []
        self.script = []
        self._lock = threading.Lock()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                outer._record(self, b"")
                if self.path == f"/{POOL}/.well-known/jwks.json":
                    self._answer(200, outer.jwks(), "application/json")
                else:
                    self._answer(404, {"message": "not found"}, "application/json")

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                outer._record(self, body)
                with outer._lock:
                    status, answer = (outer.script.pop(0) if outer.script else
                                      (400, {"__type": "NotAuthorizedException",
                                             "message": "Incorrect username or password."}))
                headers = {}
                if status != 200:
                    headers["x-amzn-ErrorType"] = answer["__type"] + ":"
                self._answer(status, answer, "application/x-amz-json-1.1", headers)

            def _answer(self, status, doc, content_type, headers=None):
                payload = json.dumps(doc).encode()
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("x-amzn-RequestId", "4c0f7d1e-0000-4000-8000-000000000000")
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
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

    def initiate_auth_requests(self):
        with self._lock:
            return [r for r in self.requests if r["method"] == "POST"]

    def jwks(self):
        public = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        public.update({"kid": "cognito-kid-1", "alg": "RS256", "use": "sig"})
        return {"keys": [public]}

    def authentication_result(self):
        now = int(time.time())
        claims = {"sub": "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee", "iss": ISSUER, "aud": CLIENT_ID,
                  "token_use": "id", "auth_time": now, "iat": now, "exp": now + 3600,
                  "cognito:username": USER_ID, "given_name": "Ada", "family_name": "Lovelace",
                  "phone_number": PHONE_ON_FILE, "phone_number_verified": True,
                  "event_id": "0b1c2d3e-0000-4000-8000-000000000000"}
        id_token = jwt.encode(claims, self.key, algorithm="RS256",
                              headers={"kid": "cognito-kid-1"})
        return {"AuthenticationResult": {"AccessToken": "eyJraWQiOiJhY2Nlc3Mi.x.y",
                                         "ExpiresIn": 3600, "IdToken": id_token,
                                         "RefreshToken": "eyJjdHkiOiJKV1Qi.r.t",
                                         "TokenType": "Bearer"},
                "ChallengeParameters": {}}


@require_binary
class CognitoVerifierContractTest(unittest.TestCase):

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
        self.cognito = CognitoRecorder()
        self.addCleanup(self.cognito.close)
        self.config = self.ws.write("callgate.toml", f"""
[credentials]
verifier = "cognito"

[credentials.cognito]
region = "{REGION}"
user_pool_id = "{POOL}"
client_id = "{CLIENT_ID}"
endpoint = "{self.cognito.url}/"
jwks_uri = "{self.cognito.url}/{POOL}/.well-known/jwks.json"
""")

    def call(self, *inputs):
        env = dict(os.environ, CALLGATE_COGNITO_CLIENT_SECRET=CLIENT_SECRET)
        env.pop("CALLGATE_OTP_SECRET", None)
        r = subprocess.run([BIN, "call", "--json", "--config", self.config, "--flow", VOICE_LOGIN,
                            "--from", CALLER, *self.ws.store_args()],
                           cwd=self.ws.dir, input="".join(i + "\n" for i in inputs),
                           capture_output=True, text=True, timeout=CLI_TIMEOUT, env=env)
        self.assertEqual(r.returncode, 0, r.stderr)
        events = parse_events(r.stdout)
        for text in (r.stderr, open(self.ws.audit, encoding="utf-8").read()
                     if os.path.exists(self.ws.audit) else ""):
            self.assertNotIn(PASSWORD, text)
            self.assertNotIn(CLIENT_SECRET, text)
            self.assertNotIn(secret_hash(USER_ID), text)
        return events, r.stderr

    @staticmethod
    def prompts(events):
        return [e.get("text", "") for e in events if e.get("type") == "prompt"]

    def transfer(self, events):
        transfers = [e for e in events if e.get("type") == "transfer"]
        self.assertEqual(len(transfers), 1, events)
        return transfers[0]["attributes"]

    def test_exact_initiate_auth_request_and_sign_in(self):
        self.cognito.script.append((200, self.cognito.authentication_result()))
        events, _ = self.call(USER_ID, PASSWORD)

        (request,) = self.cognito.initiate_auth_requests()
        self.assertEqual(request["path"], "/")
        self.assertEqual(request["headers"]["content-type"], "application/x-amz-json-1.1")
        self.assertEqual(request["headers"]["x-amz-target"],
                         "AWSCognitoIdentityProviderService.InitiateAuth")
        self.assertNotIn("authorization", request["headers"])  # no SigV4: unauthenticated API
        self.assertEqual(json.loads(request["body"]), {
            "AuthFlow": "USER_PASSWORD_AUTH",
            "ClientId": CLIENT_ID,
            "AuthParameters": {"USERNAME": USER_ID, "PASSWORD": PASSWORD,
                               "SECRET_HASH": secret_hash(USER_ID)}})

        self.assertIn("Thank you Ada, you are signed in", " ".join(self.prompts(events)))
        attributes = self.transfer(events)
        self.assertEqual(attributes["authenticated"], "True")
        self.assertEqual(len(self.ws.messages_to(PHONE_ON_FILE)), 1, self.ws.outbox_messages())
        self.assertEqual(self.ws.messages_to(CALLER), [])
        self.assertEqual(self.ws.messages_to(OLD_NUMBER), [])

    def test_documented_refusals_are_denied_with_the_same_answer(self):
        heard = {}
        for exception, message in (("NotAuthorizedException", "Incorrect username or password."),
                                   ("UserNotFoundException", "User does not exist."),
                                   ("PasswordResetRequiredException",
                                    "Password reset required for the user")):
            self.cognito.script.append((400, {"__type": exception, "message": message}))
            events, _ = self.call(USER_ID, PASSWORD)
            prompts = self.prompts(events)
            self.assertIn("That user ID and PIN do not match.", prompts, exception)
            results = [e["result"] for e in events if e.get("name") == "verify-pin"]
            self.assertEqual([r["authResult"] for r in results], ["Denied"], exception)
            self.assertFalse([e for e in events if e.get("type") == "transfer"
                              and e["attributes"].get("authenticated") == "True"])
            # Up to the retry prompt, what the caller hears does not tell the three apart.
            heard[exception] = prompts[:prompts.index("That user ID and PIN do not match.") + 1]
        self.assertEqual(len({json.dumps(p) for p in heard.values()}), 1, heard)
        self.assertEqual(self.ws.outbox_messages(), [])
        # The audit log (never the caller) keeps what Cognito said.
        with open(self.ws.audit, encoding="utf-8") as f:
            failed = [e for e in map(json.loads, f) if e["event"] == "pin_failed"]
        self.assertEqual([(e.get("verifier"), e.get("reason")) for e in failed],
                         [("cognito", "not_authorized"), ("cognito", "unknown_user"),
                          ("cognito", "password_reset_required")])

    def test_throttling_fails_safe(self):
        self.cognito.script.append((400, {"__type": "TooManyRequestsException",
                                          "message": "Rate exceeded"}))
        events, stderr = self.call(USER_ID, PASSWORD)
        prompts = " ".join(self.prompts(events))
        self.assertIn("cannot check PINs right now", prompts)
        self.assertNotIn("do not match", prompts)
        self.assertEqual(self.transfer(events)["authenticated"], "False")
        self.assertIn("TooManyRequestsException", stderr)


if __name__ == "__main__":
    unittest.main()
