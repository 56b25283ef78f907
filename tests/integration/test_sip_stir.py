"""Issue 4 caller trust from SIP, black box: a known caller's INVITE carries a STIR/SHAKEN
Identity header signed with a self-made P-256 key whose certificate is configured in
[sip.stir]. A valid header gives attestation A: the caller is greeted and transferred
authenticated without a text. An altered header (the PASSporT's orig changed after signing) is
rejected: the same caller steps up to the SMS PIN. A verstat from a trusted proxy counts; the
same verstat from an untrusted source does not.

The raw UDP client plays the carrier; the Identity headers come from `callgate sip identity`.
"""

import base64
import datetime
import json
import os
import time

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

import harness
from sip_harness import PCMU_OFFER, RawSip, SipTestCase, to_tag
from verdict_check import agent_keys, verify_verdict

ADA = "+14155550100"          # demo customer
DIALLED = "+18005550100"      # runs flows/caller-id-otp.json
REFER_WAIT = 15.0             # seconds: ACK to the REFER (the greeting plays first)


def make_key_and_certificate(directory):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "callgate test carrier")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .sign(key, hashes.SHA256()))
    key_path = os.path.join(directory, "carrier-key.pem")
    cert_path = os.path.join(directory, "carrier-cert.pem")
    with open(key_path, "wb") as f:
        f.write(key.private_bytes(serialization.Encoding.PEM,
                                  serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()))
    with open(cert_path, "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def b64url_encode(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def with_orig(identity, orig):
    """The same Identity header with the PASSporT's orig.tn replaced after signing."""
    token, _, params = identity.partition(";")
    header, payload, signature = token.split(".")
    claims = json.loads(b64url_decode(payload))
    claims["orig"]["tn"] = orig
    forged = b64url_encode(json.dumps(claims, separators=(",", ":")).encode())
    return f"{header}.{forged}.{signature};{params}"


class SipStirShakenTest(SipTestCase):

    def start(self, stir):
        self.ws.import_demo_customers()
        self.ws.write_sip_config(default_agent="sip:agent@127.0.0.1:9", stir=stir,
                                 t1_ms=100, t2_ms=400)
        self.callgate = self.start_callgate()
        self.client = RawSip(self.callgate.sip_port)
        self.addCleanup(self.client.close)

    def identity(self, key_path, orig=ADA):
        r = self.ws.run("sip", "identity", "--key", key_path, "--attest", "A",
                        "--orig", orig, "--dest", DIALLED)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout.strip()

    def call(self, call_id, extra):
        """INVITE from Ada's number (P-Asserted-Identity) with `extra` headers, then ACK."""
        c = self.client
        c.request("INVITE", DIALLED, call_id, 1, "z9hG4bK-" + call_id, "f-" + call_id,
                  body=PCMU_OFFER.format(port=40000),
                  extra=[f"P-Asserted-Identity: <sip:{ADA}@127.0.0.1>", *extra])
        c.collect(5.0, until=lambda m: m.status == 200 and m.header("Call-ID") == call_id)
        oks = [m for m in c.responses("INVITE", 200) if m.header("Call-ID") == call_id]
        self.assertTrue(oks, f"call not answered: {c.inbox}")
        self.tag = to_tag(oks[0])
        c.request("ACK", DIALLED, call_id, 1, "z9hG4bK-ack-" + call_id, "f-" + call_id, self.tag)

    def refer(self, call_id, seconds):
        self.client.collect(seconds, until=lambda m: m.method == "REFER")
        refers = [m for _, m in self.client.inbox
                  if m.method == "REFER" and m.header("Call-ID") == call_id]
        return refers[0] if refers else None

    def hang_up(self, call_id):
        self.client.request("BYE", DIALLED, call_id, 2, "z9hG4bK-bye-" + call_id,
                            "f-" + call_id, self.tag)
        self.client.collect(2.0, until=lambda m: m.status == 200 and "BYE" in m.header("CSeq", ""))

    def test_valid_identity_authenticates_and_an_altered_one_steps_up(self):
        key_path, cert_path = make_key_and_certificate(self.ws.dir)
        self.start({"certificates": [cert_path]})
        valid = self.identity(key_path)

        self.call("stir-valid", [f"Identity: {valid}"])
        refer = self.refer("stir-valid", REFER_WAIT)
        self.assertIsNotNone(refer, f"no REFER for the attested caller: {self.client.inbox}")
        self.assertEqual(refer.header("X-Callgate-Auth"), "True", refer.headers)
        self.assertEqual(refer.header("X-Callgate-Auth-Method"), "CallerId", refer.headers)
        self.assertEqual(refer.header("X-Callgate-callerIdTrusted"), "True", refer.headers)
        # The signed verdict: bound to this call and this agent; PyJWT checks it from the JWKS.
        claims = verify_verdict(self, refer.header("X-Callgate-Verdict"),
                                agent_keys(self.callgate.http_port), "stir-valid",
                                target="sip:agent@127.0.0.1:9")
        self.assertEqual((claims["chn"], claims["amr"], claims["acr"], claims["attest"]),
                         ("sip", ["callerid"], "urn:callgate:acr:callerid", "A"), claims)
        self.assertFalse(self.ws.messages_to(ADA), "an attested caller was sent a PIN")
        self.hang_up("stir-valid")

        self.call("stir-altered", [f"Identity: {with_orig(valid, '14155550123')}"])
        harness.wait_until(lambda: self.ws.messages_to(ADA), 10.0,
                           what="the step-up PIN texted to the number on file")
        self.assertIsNone(self.refer("stir-altered", 1.0), "the altered Identity was believed")
        self.hang_up("stir-altered")

    def test_verstat_counts_only_from_a_trusted_proxy(self):
        verstat = f"P-Asserted-Identity: <sip:{ADA}@127.0.0.1;verstat=TN-Validation-Passed-A>"
        # The raw client sends from 127.0.0.1: trusted in the first run, not in the second.
        self.start({"trusted_proxies": ["127.0.0.1"]})
        c = self.client
        c.request("INVITE", DIALLED, "verstat-1", 1, "z9hG4bK-v1", "f-v1",
                  body=PCMU_OFFER.format(port=40000), extra=[verstat])
        c.collect(5.0, until=lambda m: m.status == 200)
        self.tag = to_tag(c.responses("INVITE", 200)[0])
        c.request("ACK", DIALLED, "verstat-1", 1, "z9hG4bK-v1-ack", "f-v1", self.tag)
        refer = self.refer("verstat-1", REFER_WAIT)
        self.assertIsNotNone(refer, c.inbox)
        self.assertEqual(refer.header("X-Callgate-Auth"), "True", refer.headers)
        self.hang_up("verstat-1")
        self.callgate.stop()

        self.ws.write_sip_config(default_agent="sip:agent@127.0.0.1:9",
                                 stir={"trusted_proxies": ["192.0.2.1"]}, t1_ms=100, t2_ms=400)
        self.callgate = self.start_callgate()
        c = RawSip(self.callgate.sip_port)
        self.addCleanup(c.close)
        c.request("INVITE", DIALLED, "verstat-2", 1, "z9hG4bK-v2", "f-v2",
                  body=PCMU_OFFER.format(port=40000), extra=[verstat])
        c.collect(5.0, until=lambda m: m.status == 200)
        tag = to_tag(c.responses("INVITE", 200)[0])
        c.request("ACK", DIALLED, "verstat-2", 1, "z9hG4bK-v2-ack", "f-v2", tag)
        harness.wait_until(lambda: self.ws.messages_to(ADA), 10.0,
                           what="a PIN: verstat from an untrusted source must not authenticate")
