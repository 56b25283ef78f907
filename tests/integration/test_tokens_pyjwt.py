"""Access tokens checked by an independent implementation (PyJWT, Debian's python3-jwt).

A token is obtained over HTTP only, as a phone would: verify-pin and issue-action-link on the
Connect endpoints, the link from the SMS outbox, GET it, POST its csrf field, read data-token from
the member form. PyJWT then verifies it with nothing but our /.well-known/jwks.json, and the
OAuth endpoints (RFC 7662 introspection, RFC 7009 revocation) and the member API are checked
against revocation, single use and forged tokens. Run by /usr/bin/python3 so `import jwt` works.
"""

import hashlib
import hmac
import json
import secrets
import time
import unittest
import urllib.parse

import harness
from link_harness import (ADD_MEMBER, LINK_RE, USER_ID, USER_PHONE, LinkServer, LinkWorkspace,
                          TagCollector, b64url_decode, b64url_encode, basic_auth, free_port)

try:
    import jwt  # PyJWT
except ImportError as e:  # a clear failure, not a skip: install-deps.sh installs python3-jwt
    raise ImportError(f"PyJWT is missing ({e}); run scripts/install-deps.sh and use /usr/bin/python3")

AUDIENCE = "callgate-api"
CLIENT_ID = "test-rs"
MEMBER = {"name": "Anne Isabella King", "relationship": "child", "dateOfBirth": "1987-09-22"}


@harness.require_binary
class TokensVerifiedByPyJwtTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.ws = LinkWorkspace()
        cls.addClassCleanup(cls.ws.cleanup)
        cls.secret = secrets.token_urlsafe(24)
        # customers add needs the config (key files); start() writes it again with its port.
        cls.ws.write_config(free_port(), {CLIENT_ID: cls.secret})
        cls.ws.add_login_customer()
        cls.server = LinkServer.start(cls.ws, {CLIENT_ID: cls.secret})
        cls.addClassCleanup(cls.server.stop)

    # --- getting a token as the phone would ---------------------------------------------------
    def fresh_token(self):
        """verify-pin → issue-action-link → SMS → GET link → POST csrf → data-token."""
        server = self.server
        verified = server.verify_pin()
        self.assertEqual(verified.get("authResult"), "Authenticated", f"verify-pin answered {verified}")
        before = len(self.ws.messages_to(USER_PHONE))
        issued = server.issue_link()
        self.assertEqual(issued.get("linkResult"), "Sent", f"issue-action-link answered {issued}")
        messages = self.ws.messages_to(USER_PHONE)
        self.assertEqual(len(messages), before + 1, "issue-action-link must text exactly one link")
        match = LINK_RE.search(messages[-1]["body"])
        self.assertIsNotNone(match, f"no /l/<code> link in {messages[-1]['body']!r}")
        self.assertEqual(match.group(1), self.ws.base_url)
        path = urllib.parse.urlsplit(match.group(0)).path

        status, headers, page = server.request("GET", path)
        self.assertEqual(status, 200, f"GET {path}: {page[:300]!r}")
        self.assertEqual(headers.get("referrer-policy"), "no-referrer")
        self.assertIn("no-store", headers.get("cache-control", ""))
        tags = TagCollector(page.decode("utf-8"))
        form = tags.find("form", id="confirm-form")
        self.assertIsNotNone(form, "no form#confirm-form on the link page")
        self.assertEqual(form.get("action"), path)
        csrf = tags.find("input", name="csrf")
        self.assertIsNotNone(csrf, "no csrf input on the link page")

        status, headers, page = server.form_post(path, {"csrf": csrf.get("value", "")})
        self.assertEqual(status, 200, f"POST {path}: {page[:300]!r}")
        self.assertIn("no-store", headers.get("cache-control", ""))
        member_form = TagCollector(page.decode("utf-8")).find("form", id="member-form")
        self.assertIsNotNone(member_form, "no form#member-form after confirming")
        self.assertEqual(member_form.get("data-account"), USER_ID)
        token = member_form.get("data-token", "")
        self.assertRegex(token, r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$")
        return token

    def oauth(self, endpoint, token, auth=True, secret=None):
        headers = basic_auth(CLIENT_ID, secret or self.secret) if auth else {}
        return self.server.form_post(endpoint, {"token": token, "token_type_hint": "access_token"},
                                     headers)

    def introspect(self, token):
        status, _, data = self.oauth("/oauth2/introspect", token)
        self.assertEqual(status, 200, f"introspect: {data[:300]!r}")
        return json.loads(data)

    def assert_refused(self, token, why, user_id=USER_ID, status=401, error="invalid_token"):
        got, headers, data = self.server.member_api(token, MEMBER, user_id=user_id)
        self.assertEqual(got, status, f"{why}: member API answered {got} {data[:300]!r}")
        self.assertRegex(headers.get("www-authenticate", ""), rf'^Bearer\b.*error="{error}"',
                         f"{why}: WWW-Authenticate")

    # --- the tests ----------------------------------------------------------------------------
    def test_pyjwt_verifies_our_token_with_only_our_jwks(self):
        token = self.fresh_token()
        discovery = self.server.get_json("/.well-known/openid-configuration")
        issuer = discovery.get("issuer")
        self.assertEqual(issuer, self.ws.base_url, "issuer defaults to the public base URL")
        self.assertTrue(discovery.get("jwks_uri", "").endswith("/.well-known/jwks.json"), discovery)
        jwks = self.server.get_json("/.well-known/jwks.json")
        self.assertTrue(jwks.get("keys"), f"empty JWKS: {jwks}")
        for key in jwks["keys"]:
            self.assertEqual((key.get("kty"), key.get("crv")), ("OKP", "Ed25519"), key)
            self.assertTrue(key.get("kid"), f"a JWKS key without kid: {key}")
            self.assertNotIn("d", key, "the JWKS must never publish a private key")

        header = jwt.get_unverified_header(token)
        self.assertEqual(header.get("alg"), "EdDSA")
        self.assertEqual(header.get("typ"), "at+jwt")
        key = jwt.PyJWKSet.from_dict(jwks)[header["kid"]]  # KeyError = kid not published
        claims = jwt.decode(token, key=key.key, algorithms=["EdDSA"], audience=AUDIENCE,
                            issuer=issuer,
                            options={"require": ["iss", "sub", "aud", "exp", "iat", "jti"]})

        self.assertEqual(claims["sub"], USER_ID)
        self.assertEqual(claims["scope"], ADD_MEMBER)
        aud = claims["aud"]
        self.assertIn(AUDIENCE, aud if isinstance(aud, list) else [aud])
        self.assertGreater(claims["exp"], claims["iat"])
        self.assertLessEqual(claims["exp"] - claims["iat"], 300, "tokens live at most 5 minutes")
        self.assertLess(abs(claims["iat"] - time.time()), 120, "iat is now")
        self.assertIsInstance(claims["jti"], str)
        self.assertGreaterEqual(len(claims["jti"]), 16, "jti must be unguessable")
        self.assertEqual(claims["amr"], ["pin", "sms"])

        # PyJWT really checks: the wrong audience and a changed payload fail with it too.
        with self.assertRaises(jwt.InvalidAudienceError):
            jwt.decode(token, key=key.key, algorithms=["EdDSA"], audience="someone-else", issuer=issuer)
        h, p, sig = token.split(".")
        forged = dict(claims, scope="account:everything")
        with self.assertRaises(jwt.InvalidSignatureError):
            jwt.decode(f"{h}.{b64url_encode(json.dumps(forged).encode())}.{sig}", key=key.key,
                       algorithms=["EdDSA"], audience=AUDIENCE, issuer=issuer)

    def test_revoked_token_is_inactive_and_refused(self):
        token = self.fresh_token()
        active = self.introspect(token)
        self.assertIs(active.get("active"), True, active)
        self.assertEqual(active.get("sub"), USER_ID)
        self.assertEqual(active.get("scope"), ADD_MEMBER)

        # Only authenticated clients may introspect or revoke.
        for endpoint in ("/oauth2/introspect", "/oauth2/revoke"):
            status, _, _ = self.oauth(endpoint, token, auth=False)
            self.assertEqual(status, 401, f"{endpoint} without client authentication")
            status, _, _ = self.oauth(endpoint, token, secret="not-" + self.secret)
            self.assertEqual(status, 401, f"{endpoint} with a wrong client secret")
        self.assertIs(self.introspect(token).get("active"), True, "a refused revoke changed nothing")

        status, _, data = self.oauth("/oauth2/revoke", token)
        self.assertEqual(status, 200, f"revoke: {data[:300]!r}")
        inactive = self.introspect(token)
        self.assertIs(inactive.get("active"), False, inactive)
        self.assertNotIn("sub", inactive, "an inactive token's introspection discloses nothing")
        self.assert_refused(token, "revoked token")

        # RFC 7009 §2.2: an invalid token is not an error.
        status, _, _ = self.oauth("/oauth2/revoke", "not-a-token")
        self.assertEqual(status, 200)
        self.assertIs(self.introspect("not-a-token").get("active"), False)

    def test_token_is_single_use(self):
        token = self.fresh_token()
        status, _, data = self.server.member_api(token, MEMBER)
        self.assertEqual(status, 201, f"first use: {data[:300]!r}")
        created = json.loads(data)
        for field in ("name", "relationship", "dateOfBirth"):
            self.assertEqual(created.get(field), MEMBER[field], created)
        self.assertIn("id", created)

        self.assert_refused(token, "second use of a single-use token")
        self.assertIs(self.introspect(token).get("active"), False, "a used token is inactive")

    def test_forged_and_misused_tokens_are_refused_without_burning_the_real_one(self):
        token = self.fresh_token()
        header_b64, payload_b64, signature_b64 = token.split(".")
        claims = json.loads(b64url_decode(payload_b64))

        i = len(payload_b64) // 2  # flip one payload character
        flipped = payload_b64[:i] + ("A" if payload_b64[i] != "A" else "B") + payload_b64[i + 1:]
        self.assert_refused(f"{header_b64}.{flipped}.{signature_b64}", "payload character flipped")

        other_sub = b64url_encode(json.dumps(dict(claims, sub="87654321")).encode())
        self.assert_refused(f"{header_b64}.{other_sub}.{signature_b64}", "claims changed, old signature")

        none_header = b64url_encode(json.dumps({"alg": "none", "typ": "at+jwt"}).encode())
        self.assert_refused(f"{none_header}.{payload_b64}.", "alg none")

        # Algorithm confusion: HS256 keyed with our published public key.
        jwks = self.server.get_json("/.well-known/jwks.json")
        public = b64url_decode(jwks["keys"][0]["x"])
        hs_header = b64url_encode(json.dumps({"alg": "HS256", "typ": "at+jwt",
                                              "kid": jwks["keys"][0]["kid"]}).encode())
        mac = hmac.new(public, f"{hs_header}.{payload_b64}".encode(), hashlib.sha256).digest()
        self.assert_refused(f"{hs_header}.{payload_b64}.{b64url_encode(mac)}", "HS256 with the public key")

        self.assert_refused("not.a.jwt", "garbage")
        status, headers, _ = self.server.member_api(None, MEMBER)
        self.assertEqual(status, 401, "no Authorization header")
        self.assertTrue(headers.get("www-authenticate", "").startswith("Bearer"))

        # The real token for another account: valid, but not for that subject.
        self.assert_refused(token, "another account's members", user_id="87654321", status=403,
                            error="insufficient_scope")
        # Invalid input is a clear 400 naming the field.
        status, _, data = self.server.member_api(token, dict(MEMBER, dateOfBirth="2999-01-01"))
        self.assertEqual(status, 400, f"future date of birth: {data[:300]!r}")
        self.assertIn(b"dateOfBirth", data, "the 400 must name the field")

        # None of the refusals used the real token up.
        self.assertIs(self.introspect(token).get("active"), True)
        status, _, data = self.server.member_api(token, MEMBER)
        self.assertEqual(status, 201, f"the real token after the refusals: {data[:300]!r}")

    def test_logs_hold_no_token_or_link_code(self):
        token = self.fresh_token()
        code = LINK_RE.search(self.ws.messages_to(USER_PHONE)[-1]["body"]).group(2)
        for what, text in (("serve log", self.server.log_text()),
                           ("audit log", self.ws.read_text(self.ws.audit))):
            self.assertNotIn(token, text, f"{what} contains an access token")
            self.assertNotIn(token.split(".")[2], text, f"{what} contains a token signature")
            self.assertNotIn(code, text, f"{what} contains a link code")


if __name__ == "__main__":
    unittest.main()
