"""The signed verdict for Amazon Connect, black box: a flow calls issue-verdict before its
transfer and stores $.External.verdict as the contact attribute callgateVerdict. PyJWT verifies
it with nothing but callgate's published JWKS; `callgate verdict verify` accepts it for its own
ContactId and rejects it for another one (a replay on another call), and for a tampered token.
What it says comes from callgate's own record of the contact: attributes claiming
"authenticated" count for nothing."""

import json
import unittest

import harness
from link_harness import (USER_ID, USER_PHONE, LinkServer, LinkWorkspace, b64url_decode,
                          b64url_encode, free_port)
from verdict_check import agent_keys, verify_verdict

OTHER_CONTACT = "7d1f3b0e-2c4a-4e8b-9a61-0f5e2d9c8b7a"


@harness.require_binary
class ConnectVerdictTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.ws = LinkWorkspace()
        cls.addClassCleanup(cls.ws.cleanup)
        cls.ws.write_config(free_port())
        cls.ws.add_login_customer()
        cls.server = LinkServer.start(cls.ws)
        cls.addClassCleanup(cls.server.stop)
        cls.keys = agent_keys(cls.server.port)
        cls.jwks_file = cls.ws.path("jwks.json")
        with open(cls.jwks_file, "w", encoding="utf-8") as f:
            json.dump(cls.keys[1], f)

    def issue(self, contact_id, attributes=None, phone=USER_PHONE):
        event = harness.connect_event(phone, {}, attributes=attributes, contact_id=contact_id)
        status, body = self.server.invoke("issue-verdict", event)
        self.assertEqual(status, 200, body)
        self.assertEqual(body.get("lambdaResult"), "Success", body)
        return body

    def cli_verify(self, token, *args):
        return self.ws.run("verdict", "verify", *self.ws.store_args(), token, *args)

    def test_a_pin_proved_in_the_contact_is_signed_and_bound_to_it(self):
        contact = "0b8f5c2e-1111-4a7b-8c9d-000000000001"
        event = harness.connect_event(USER_PHONE, {"userId": USER_ID, "pin": "4321"},
                                      contact_id=contact)
        status, verified = self.server.invoke("verify-pin", event)
        self.assertEqual((status, verified.get("authResult")), (200, "Authenticated"), verified)

        body = self.issue(contact)
        token = body["verdict"]
        claims = verify_verdict(self, token, self.keys, contact)
        self.assertEqual((claims["chn"], claims["sub"], claims["amr"], claims["acr"]),
                         ("connect", USER_ID, ["pin"], "urn:callgate:acr:1fa"), claims)
        self.assertEqual(body["verdictAcr"], claims["acr"])
        self.assertNotIn(USER_PHONE, token.split(".")[1] + json.dumps(claims),
                         "the caller's number is masked")
        self.assertEqual(claims["dialled"], "+18005550199")

        # The agent side's check, offline from a saved JWKS: the right contact passes ...
        ok = self.cli_verify(token, "--call-id", contact, "--jwks", self.jwks_file,
                             "--issuer", self.keys[0])
        self.assertEqual(ok.returncode, 0, ok.stderr)
        self.assertEqual(json.loads(ok.stdout)["jti"], claims["jti"])
        # ... the same token replayed on another call does not ...
        replay = self.cli_verify(token, "--call-id", OTHER_CONTACT, "--jwks", self.jwks_file,
                                 "--issuer", self.keys[0])
        self.assertEqual(replay.returncode, 1, replay.stdout)
        self.assertIn("bound to another call", replay.stderr)
        # ... nor one with a claim changed after signing (here: the subject).
        head, payload, sig = token.split(".")
        forged_claims = dict(claims, sub="99999999")
        forged = ".".join([head, b64url_encode(json.dumps(forged_claims).encode()), sig])
        bad = self.cli_verify(forged, "--call-id", contact, "--jwks", self.jwks_file,
                              "--issuer", self.keys[0])
        self.assertEqual(bad.returncode, 1, bad.stdout)
        self.assertIn("signature is invalid", bad.stderr)
        # The key ring in the database verifies it too (no --jwks).
        ring = self.cli_verify(token, "--call-id", contact, "--issuer", self.keys[0])
        self.assertEqual(ring.returncode, 0, ring.stderr)
        # Never logged.
        self.assertNotIn(sig, self.server.log_text())

    def test_attributes_claiming_authenticated_without_a_proof_sign_nothing(self):
        contact = "0b8f5c2e-2222-4a7b-8c9d-000000000002"
        body = self.issue(contact, attributes={"authenticated": "True", "userId": USER_ID,
                                               "authMethod": "Pin"})
        claims = verify_verdict(self, body["verdict"], self.keys, contact)
        self.assertEqual((claims["amr"], claims["acr"]), ([], "urn:callgate:acr:none"), claims)
        self.assertNotIn("sub", claims)

    def test_an_access_token_is_not_a_verdict(self):
        # A token of another type signed by the same key must not pass as a verdict.
        contact = "0b8f5c2e-3333-4a7b-8c9d-000000000003"
        token = self.issue(contact)["verdict"]
        head = json.loads(b64url_decode(token.split(".")[0]))
        self.assertEqual(head["typ"], "callgate-verdict+jwt")
        retyped = ".".join([b64url_encode(json.dumps(dict(head, typ="at+jwt")).encode()),
                            *token.split(".")[1:]])
        r = self.cli_verify(retyped, "--call-id", contact, "--jwks", self.jwks_file)
        self.assertEqual(r.returncode, 1, r.stdout)

    def test_a_contact_without_an_id_gets_an_error_not_a_verdict(self):
        event = harness.connect_event(USER_PHONE, {}, contact_id="")
        status, body = self.server.invoke("issue-verdict", event)
        self.assertNotEqual(status, 200, body)


if __name__ == "__main__":
    unittest.main()
