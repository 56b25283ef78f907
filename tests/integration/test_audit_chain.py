"""The tamper-evident audit log on the real binary: `callgate serve` writes hash-chained records
(seq, prev) and signed checkpoints (every [audit] checkpoint_every records and at a clean stop),
a CLI command appending to the same file joins the same chain, and `callgate audit verify`
accepts the file (with the keys from the served JWKS or from the server's own key ring), then
names the first bad line once a line is edited, removed, moved or inserted."""

import json
import os
import shutil
import unittest

from harness import ServerTestCase, other_code, require_binary

ADA = "+14155550100"
GRACE = "+14155550101"


@require_binary
class AuditChainTest(ServerTestCase):

    def setUp(self):
        super().setUp()
        self.ws.add_customer(ADA, "Ada", "Lovelace")
        self.ws.add_customer(GRACE, "Grace", "Hopper")
        self.config = self.ws.write("callgate.toml", "[audit]\ncheckpoint_every = 4\n")
        server = self.start_server("--config", self.config)
        # Audit events through the HTTP API: codes sent, a wrong guess, a right one.
        for phone in (ADA, GRACE):
            self.assertEqual(server.call("send-otp", phone)["otpResult"], "Sent")
            wrong = other_code(self.ws.last_code(phone))
            self.assertEqual(server.call("verify-otp", phone, code=wrong)["otpResult"], "Invalid")
        code = self.ws.last_code(ADA)
        self.assertEqual(server.call("verify-otp", ADA, code=code)["otpResult"], "Verified")
        # A second process appends to the same file while the server runs.
        unlocked = self.ws.run("customers", "unlock", *self.ws.store_args(), "--user-id", "1234")
        self.assertEqual(unlocked.returncode, 0, unlocked.stderr)
        self.assertEqual(server.call("send-otp", GRACE)["otpResult"], "Sent")
        status, _, body = server.request("GET", "/.well-known/jwks.json")
        self.assertEqual(status, 200)
        self.jwks = self.ws.write("jwks.json", body.decode("utf-8"))
        self.assertEqual(server.stop(), 0)
        with open(self.ws.audit, encoding="utf-8") as f:
            self.lines = f.read().splitlines()
        self.records = [json.loads(line) for line in self.lines]

    def verify(self, path, *args):
        return self.ws.run("audit", "verify", path, *args)

    def tampered(self, lines):
        path = self.ws.path("tampered.jsonl")
        with open(path, "w", encoding="utf-8") as f:
            f.write("".join(line + "\n" for line in lines))
        r = self.verify(path, "--jwks", self.jwks)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        return r.stdout

    def test_clean_file_verifies_with_the_jwks_and_with_the_servers_keys(self):
        self.assertEqual([r["seq"] for r in self.records], list(range(1, len(self.records) + 1)))
        self.assertEqual(self.records[0]["prev"], "0" * 64)
        checkpoints = [r for r in self.records if r["event"] == "audit_checkpoint"]
        self.assertGreaterEqual(len(checkpoints), 2)
        # The clean stop signed the tail.
        self.assertEqual(self.records[-1]["event"], "audit_checkpoint")
        self.assertIn("account_unlocked", [r["event"] for r in self.records])

        r = self.verify(self.ws.audit, "--jwks", self.jwks)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn(f"ok: {len(self.records)} records, {len(checkpoints)} checkpoints, "
                      f"last checkpoint at seq {len(self.records)}", r.stdout)
        self.assertNotIn("not yet covered", r.stdout)

        # Without --jwks: the key ring in the server's database, found through the same flags.
        r = self.ws.run("audit", "verify", *self.ws.store_args())
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn(f"ok: {len(self.records)} records", r.stdout)

    def test_edited_line_is_named(self):
        lines = list(self.lines)
        victim = next(i for i, r in enumerate(self.records) if r["event"] == "otp_failed")
        lines[victim] = lines[victim].replace('"otp_failed"', '"otp_verified"')
        out = self.tampered(lines)
        self.assertIn(f"FAILED: line {victim + 1} (seq {victim + 1}): edited", out)

    def test_removed_line_is_named(self):
        lines = list(self.lines)
        del lines[2]
        out = self.tampered(lines)
        self.assertIn("FAILED: line 3 (seq 4): removed: 1 record (seq 3)", out)

    def test_reordered_lines_are_named(self):
        lines = list(self.lines)
        lines[1], lines[2] = lines[2], lines[1]
        out = self.tampered(lines)
        self.assertIn("FAILED: line 2 (seq 3): reordered", out)

    def test_inserted_line_is_named(self):
        lines = list(self.lines)
        forged = dict(self.records[1])
        forged["event"] = "otp_verified"
        lines.insert(2, json.dumps(forged, separators=(",", ":")))
        out = self.tampered(lines)
        self.assertIn("FAILED: line 3 (seq 2): ", out)

    def test_truncated_tail_and_a_torn_line(self):
        # A file cut right after a checkpoint still verifies, up to that checkpoint: only an
        # outside record of the last checkpoint can tell.
        cut = max(i for i, r in enumerate(self.records[:-1]) if r["event"] == "audit_checkpoint")
        path = self.ws.path("cut.jsonl")
        with open(path, "w", encoding="utf-8") as f:
            f.write("".join(line + "\n" for line in self.lines[:cut + 1]))
            f.write('{"at":"2027-01-15T08:00:00Z","ev')  # a torn last line
        r = self.verify(path, "--jwks", self.jwks)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn(f"last checkpoint at seq {cut + 1}", r.stdout)
        self.assertIn(f"line {cut + 2}: torn last line", r.stdout)

    def test_unknown_key_fails(self):
        other = self.ws.write("other.json", json.dumps({"keys": [{
            "kty": "OKP", "crv": "Ed25519", "kid": "someone-else",
            "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]}))
        shutil.copy(self.ws.audit, self.ws.path("copy.jsonl"))
        r = self.verify(self.ws.path("copy.jsonl"), "--jwks", other)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("unknown kid", r.stdout)


if __name__ == "__main__":
    unittest.main()
