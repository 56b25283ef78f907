"""Voice login across nodes: the PIN verified and the single-use link issued on node 1, the link
opened and redeemed on node 2 (and a PIN verified on node 1 honoured by node 2's
issue-action-link), the access token verified by PyJWT against the JWKS of node 3 and
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


def add_login_customer(test, cluster):
    r = cluster.run("customers", "add", *cluster.store_args(), "--phone", USER_PHONE,
                    "--first-name", "Ada", "--last-name", "Lovelace", "--user-id", USER_ID,
                    "--pin", USER_PIN)
    test.assertEqual(r.returncode, 0, r.stderr)


def redeem_link_token(test, cluster, issuer, redeemer):
    """verify-pin and issue-action-link on `issuer`, the texted link opened and confirmed on
    `redeemer`; returns (the access token, the link's path)."""
    verified = issuer.call("verify-pin", USER_PHONE, userId=USER_ID, pin=USER_PIN)
    test.assertEqual(verified["authResult"], "Authenticated", verified)
    before = len(cluster.messages_to(USER_PHONE))
    status, issued = issuer.invoke("issue-action-link", connect_event(
        USER_PHONE, {"userId": USER_ID, "action": ADD_MEMBER},
        attributes={"authenticated": "True", "userId": USER_ID}))
    test.assertEqual((status, issued.get("linkResult")), (200, "Sent"), issued)
    messages = cluster.messages_to(USER_PHONE)
    test.assertEqual(len(messages), before + 1)
    match = LINK_RE.search(messages[-1]["body"])
    test.assertIsNotNone(match, messages[-1]["body"])
    test.assertEqual(match.group(1), PUBLIC_BASE)
    path = urllib.parse.urlsplit(match.group(0)).path

    status, _, page = redeemer.request("GET", path)
    test.assertEqual(status, 200, f"{redeemer.name} does not know {issuer.name}'s link: {page[:300]!r}")
    csrf = TagCollector(page.decode("utf-8")).find("input", name="csrf")
    test.assertIsNotNone(csrf, "no csrf input on the link page")
    status, _, page = form_post(redeemer, path, {"csrf": csrf.get("value", "")})
    test.assertEqual(status, 200, page[:300])
    member_form = TagCollector(page.decode("utf-8")).find("form", id="member-form")
    test.assertIsNotNone(member_form, f"no form#member-form after confirming on {redeemer.name}")
    token = member_form.get("data-token", "")
    test.assertRegex(token, r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$")
    return token, path


def verify_with_jwks(test, node, token):
    """PyJWT verifies `token` with nothing but `node`'s JWKS; returns the claims."""
    jwks = get_json(node, "/.well-known/jwks.json")
    header = jwt.get_unverified_header(token)
    test.assertEqual(header.get("alg"), "EdDSA")
    try:
        key = jwt.PyJWKSet.from_dict(jwks)[header["kid"]]
    except KeyError:
        test.fail(f"{node.name}'s JWKS lacks kid {header['kid']}: {jwks}")
    return jwt.decode(token, key=key.key, algorithms=["EdDSA"], audience=AUDIENCE,
                      issuer=PUBLIC_BASE,
                      options={"require": ["iss", "sub", "aud", "exp", "iat", "jti"]})


def introspect(node, token):
    status, _, data = form_post(node, "/oauth2/introspect",
                                {"token": token, "token_type_hint": "access_token"},
                                basic_auth(CLIENT_ID, CLIENT_SECRET))
    if status != 200:
        raise AssertionError(f"introspect on {node.name}: HTTP {status} {data[:300]!r}")
    return json.loads(data)


@require_cluster()
class VoiceLoginAcrossNodesTest(ClusterTestCase):

    BASE_TOML = f'[oauth.clients]\n"{CLIENT_ID}" = "{CLIENT_SECRET}"\n'

    def test_link_issued_on_one_node_redeemed_on_another_verified_on_a_third(self):
        add_login_customer(self, self.cluster)
        n1, n2, n3 = self.cluster.start_nodes(3)
        token, path = redeem_link_token(self, self.cluster, n1, n2)

        # A used link is used on every node.
        for node in (n1, n3):
            status, _, page = node.request("GET", path)
            self.assertIsNone(TagCollector(page.decode("utf-8", "replace")).find("form", id="confirm-form"),
                              f"{node.name} offers a link node 2 already redeemed")

        # Verified by PyJWT with nothing but node 3's JWKS and discovery document.
        discovery = get_json(n3, "/.well-known/openid-configuration")
        self.assertEqual(discovery.get("issuer"), PUBLIC_BASE)
        claims = verify_with_jwks(self, n3, token)
        self.assertEqual(claims["sub"], USER_ID)
        self.assertEqual(get_json(n1, "/.well-known/jwks.json"), get_json(n3, "/.well-known/jwks.json"),
                         "nodes publish different JWKS")

        # Introspected on node 3 (RFC 7662) as an active token of the account.
        introspected = introspect(n3, token)
        self.assertIs(introspected.get("active"), True, introspected)
        self.assertEqual(introspected.get("sub"), USER_ID)

    def test_a_pin_verified_on_one_node_lets_another_issue_the_link(self):
        """The record that a contact authenticated is in the shared database: node 2 honours
        node 1's verify-pin for the same contact id, and no attribute stands in for it."""
        add_login_customer(self, self.cluster)
        n1, n2 = self.cluster.start_nodes(2)
        contact = "cluster-contact-1"

        def issue(node):
            status, body = node.invoke("issue-action-link", connect_event(
                USER_PHONE, {"userId": USER_ID, "action": ADD_MEMBER}, contact_id=contact,
                attributes={"authenticated": "True", "userId": USER_ID}))
            self.assertEqual(status, 200, body)
            return body

        before = len(self.cluster.messages_to(USER_PHONE))
        self.assertEqual(issue(n2).get("reason"), "not_authenticated")
        status, verified = n1.invoke("verify-pin", connect_event(
            USER_PHONE, {"userId": USER_ID, "pin": USER_PIN}, contact_id=contact))
        self.assertEqual((status, verified.get("authResult")), (200, "Authenticated"), verified)
        self.assertEqual(issue(n2).get("linkResult"), "Sent")
        self.assertEqual(len(self.cluster.messages_to(USER_PHONE)), before + 1)


if __name__ == "__main__":
    unittest.main()
