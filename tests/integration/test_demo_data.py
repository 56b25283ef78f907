"""The demo set-up of `make run` (scripts/demo-data.sh) on a fresh checkout: a simulator call
before the first `make run` creates an empty database, and the set-up step must still put the demo
customers in, so Ada signs in with her user id and PIN. Repeating it never duplicates a customer
nor overwrites one the operator changed."""

import os
import shutil
import sqlite3
import subprocess
import tempfile
import unittest

from harness import BIN, CLI_TIMEOUT, SOURCE_DIR, parse_events, require_binary

VOICE_LOGIN = "flows/voice-login.json"
ADA_USER_ID, ADA_PIN = "12345678", "4321"


def demo_rows():
    with open(os.path.join(SOURCE_DIR, "demo", "customers.csv"), encoding="utf-8") as f:
        return len(f.read().strip().splitlines()) - 1


@require_binary
class DemoDataTest(unittest.TestCase):

    def setUp(self):
        # A fresh checkout: the files `make run` and the simulator read, and no var/.
        self.dir = tempfile.mkdtemp(prefix="callgate-demo-")
        self.addCleanup(shutil.rmtree, self.dir, True)
        for tree in ("demo", "flows", "share", "scripts"):
            shutil.copytree(os.path.join(SOURCE_DIR, tree), os.path.join(self.dir, tree))
        self.db = os.path.join(self.dir, "var", "callgate.db")

    def run_in_checkout(self, *args, input=None):
        env = dict(os.environ)
        for secret in ("CALLGATE_OTP_SECRET", "CALLGATE_PIN_PEPPER"):
            env.pop(secret, None)
        r = subprocess.run(list(args), cwd=self.dir, input=input, capture_output=True, text=True,
                           timeout=CLI_TIMEOUT, env=env)
        self.assertEqual(r.returncode, 0, f"{args}: {r.stdout}{r.stderr}")
        return r

    def setup_step(self):
        """What `make run` runs before serving."""
        return self.run_in_checkout("bash", "scripts/demo-data.sh", BIN).stdout

    def sign_in_as_ada(self):
        """A voice-login call through the demo config keying Ada's user id and PIN; its events."""
        r = self.run_in_checkout(BIN, "call", "--config", "demo/callgate.toml", "--flow",
                                 VOICE_LOGIN, "--from", "+14155550177", "--json",
                                 input=f"{ADA_USER_ID}\n{ADA_PIN}\n")
        return parse_events(r.stdout)

    def prompts(self, events):
        return " ".join(e.get("text", "") for e in events if e.get("type") == "prompt")

    def customers(self):
        with sqlite3.connect(self.db) as db:
            return {row[0]: row[1:] for row in db.execute(
                "SELECT phone, first_name, last_name, level, user_id FROM customers")}

    def test_simulator_first_then_setup_signs_ada_in(self):
        before = self.sign_in_as_ada()
        self.assertTrue(os.path.exists(self.db), "the simulator call creates the database")
        self.assertIn("do not match", self.prompts(before))
        self.assertEqual(self.customers(), {})

        out = self.setup_step()
        self.assertIn(f"imported {demo_rows()} customers", out)
        events = self.sign_in_as_ada()
        self.assertIn("Thank you Ada, you are signed in", self.prompts(events))
        transfer = [e for e in events if e.get("type") == "transfer"]
        self.assertEqual(len(transfer), 1, events)
        self.assertEqual(transfer[0]["attributes"]["authenticated"], "True")
        self.assertEqual(transfer[0]["attributes"]["userId"], ADA_USER_ID)

    def test_setup_on_a_missing_database_creates_it_with_the_demo(self):
        self.setup_step()
        self.assertEqual(len(self.customers()), demo_rows())
        self.assertIn("Thank you Ada, you are signed in", self.prompts(self.sign_in_as_ada()))

    def test_repeated_setup_never_duplicates_nor_overwrites(self):
        self.setup_step()
        first = self.customers()
        self.assertEqual(len(first), demo_rows())
        # The operator changes Ada and removes Grace.
        with sqlite3.connect(self.db) as db:
            db.execute("UPDATE customers SET level = 'Platinum', first_name = 'Augusta' "
                       "WHERE phone = '+14155550100'")
            db.execute("DELETE FROM customers WHERE phone = '+14155550101'")
            db.execute("DELETE FROM pin_credentials WHERE user_id = '87654321'")

        out = self.setup_step()
        self.assertIn("imported 1 customers", out)
        self.assertIn(f"{demo_rows() - 1} already present", out)
        after = self.customers()
        self.assertEqual(len(after), demo_rows())
        self.assertEqual(after["+14155550100"][:3], ("Augusta", "Lovelace", "Platinum"))
        self.assertEqual(after["+14155550101"], first["+14155550101"], "Grace is back")

        self.assertIn(f"{demo_rows()} already present", self.setup_step())
        self.assertEqual(self.customers(), after)

    def test_a_row_whose_user_id_is_taken_is_left_out(self):
        # Ada's user id already belongs to a customer with another phone: her row is skipped
        # (an insert would fail on the unique user id), the others still go in.
        self.run_in_checkout(BIN, "customers", "add", "--config", "demo/callgate.toml",
                             "--phone", "+14155550188", "--first-name", "Ada", "--last-name",
                             "King", "--user-id", ADA_USER_ID, "--pin-stdin", input="9999\n")
        out = self.setup_step()
        self.assertIn(f"imported {demo_rows() - 1} customers", out)
        customers = self.customers()
        self.assertNotIn("+14155550100", customers)
        self.assertEqual(customers["+14155550188"][:2], ("Ada", "King"))


if __name__ == "__main__":
    unittest.main()
