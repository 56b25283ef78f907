"""Voice login across nodes: the PIN verified and the single-use link issued on node 1, the link
opened and redeemed on node 2, the access token verified by PyJWT against the JWKS of node 3 and
introspected there. Every node publishes the same key ring and names the same issuer (the
public base URL every node is configured with)."""

import json
import secrets
import unittest
import urllib.parse

from cluster_harness import PUBLIC_BASE, ClusterTestCase, require_cluster
from harness import connect_event
from link_harness import (ADD_MEMBER, LINK_RE, USER_ID, USER_PHONE, USER_PIN, TagCollector,
                          basic_auth)

try:
    import jwt  # PyJWT
except ImportError as e:  # a clear failure, not a skip: install-deps.sh installs python3-jwt
    raise ImportError(f"PyJWT is missing ({e}); run scripts/install-deps.sh and use /usr/bin/python3")

AUDIENCE = "callgate-api"
CLIENT_ID = "test-rs"
CLIENT_SECRET = secrets.token_urlsafe(24)


def form_post(node, path, fields, headers=None):
    hdrs = {"Content-Type": "application/x-www-form-urlencoded"}
    hdrs.update(headers or {})
    return node.request("POST", path, urllib.parse.urlencode(fields), hdrs)


def get_json(node, path):
    status, _, data = node.request("GET", path)
    if status != 200:
        raise AssertionError(f"GET {path} on {node.name}: HTTP {status} {data[:300]!r}")
    return json.loads(data)


@require_cluster()
class VoiceLoginAcrossNodesTest(ClusterTestCase):

    BASE_TOML = f'[oauth.clients]\n"{CLIENT_ID}" = "{CLIENT_SECRET}"\n'

    def test_link_issued_on_one_node_redeemed_on_another_verified_on_a_third(self):
        r = self.cluster.run("customers", "add", *self.cluster.store_args(), "--phone", USER_PHONE,
                             "--first-name", "Ada", "--last-name", "Lovelace", "--user-id", USER_ID,
                             "--pin", USER_PIN)
        self.assertEqual(r.returncode, 0, r.stderr)
        n1, n2, n3 = self.cluster.start_nodes(3)

        verified = n1.call("verify-pin", USER_PHONE, userId=USER_ID, pin=USER_PIN)
        self.assertEqual(verified["authResult"], "Authenticated", verified)
        status, issued = n1.invoke("issue-action-link", connect_event(
            USER_PHONE, {"userId": USER_ID, "action": ADD_MEMBER},
            attributes={"authenticated": "True", "userId": USER_ID}))
        self.assertEqual((status, issued.get("linkResult")), (200, "Sent"), issued)
        messages = self.cluster.messages_to(USER_PHONE)
        self.assertEqual(len(messages), 1)
        match = LINK_RE.search(messages[0]["body"])
        self.assertIsNotNone(match, messages[0]["body"])
        self.assertEqual(match.group(1), PUBLIC_BASE)
        path = urllib.parse.urlsplit(match.group(0)).path

        # Opened and confirmed on node 2.
        status, _, page = n2.request("GET", path)
        self.assertEqual(status, 200, f"node 2 does not know node 1's link: {page[:300]!r}")
        csrf = TagCollector(page.decode("utf-8")).find("input", name="csrf")
        self.assertIsNotNone(csrf, "no csrf input on the link page")
        status, _, page = form_post(n2, path, {"csrf": csrf.get("value", "")})
        self.assertEqual(status, 200, page[:300])
        member_form = TagCollector(page.decode("utf-8")).find("form", id="member-form")
        self.assertIsNotNone(member_form, "no form#member-form after confirming on node 2")
        token = member_form.get("data-token", "")
        self.assertRegex(token, r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$")

        # A used link is used on every node.
        for node in (n1, n3):
            status, _, page = node.request("GET", path)
            self.assertIsNone(TagCollector(page.decode("utf-8", "replace")).find("form", id="confirm-form"),
                              f"{node.name} offers a link node 2 already redeemed")

        # Verified by PyJWT with nothing but node 3's JWKS and discovery document.
        discovery = get_json(n3, "/.well-known/openid-configuration")
        self.assertEqual(discovery.get("issuer"), PUBLIC_BASE)
        jwks = get_json(n3, "/.well-known/jwks.json")
        header = jwt.get_unverified_header(token)
        self.assertEqual(header.get("alg"), "EdDSA")
        try:
            key = jwt.PyJWKSet.from_dict(jwks)[header["kid"]]
        except KeyError:
            self.fail(f"node 3's JWKS lacks kid {header['kid']}: {jwks}")
        claims = jwt.decode(token, key=key.key, algorithms=["EdDSA"], audience=AUDIENCE,
                            issuer=PUBLIC_BASE,
                            options={"require": ["iss", "sub", "aud", "exp", "iat", "jti"]})
        self.assertEqual(claims["sub"], USER_ID)
        self.assertEqual(get_json(n1, "/.well-known/jwks.json"), jwks, "nodes publish different JWKS")

        # Introspected on node 3 (RFC 7662) as an active token of the account.
        status, _, data = form_post(n3, "/oauth2/introspect",
                                    {"token": token, "token_type_hint": "access_token"},
                                    basic_auth(CLIENT_ID, CLIENT_SECRET))
        self.assertEqual(status, 200, data[:300])
        introspected = json.loads(data)
        self.assertIs(introspected.get("active"), True, introspected)
        self.assertEqual(introspected.get("sub"), USER_ID)


if __name__ == "__main__":
    unittest.main()
