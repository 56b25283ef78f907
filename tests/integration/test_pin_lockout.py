"""PIN lockout that a stranger cannot turn into a lock-out, on the real `callgate serve` over its
Connect endpoints, with short configured windows ([security] pin_lockout_steps = [[3, 2]],
pin_lock_after = 6): a user id is locked for 2 s after 3 wrong PINs, then for good after 6, and
its owner unlocks it with a code texted to the number on file (read from the SMS outbox), after
which the PIN, not the code, signs them in. An unknown user id gets the same answers."""

import json
import os
import time
import unittest

from harness import ServerTestCase, connect_event, require_binary

ADA = "+14155550100"
CALLER = "+14155550177"   # the phone the call comes from: never where a code goes
UNKNOWN_ID = "55556666"
STEP_SECONDS = 3

CONFIG = f"""
[security]
pin_lockout_steps = [[3, {STEP_SECONDS}]]
pin_lock_after = 6
"""


@require_binary
class PinLockoutTest(ServerTestCase):

    def setUp(self):
        super().setUp()
        r = self.ws.run("customers", "add", *self.ws.store_args(), "--phone", ADA,
                        "--first-name", "Ada", "--last-name", "Lovelace", "--level", "Gold",
                        "--user-id", "12345678", "--pin", "4321")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.config = self.ws.write("callgate.toml", CONFIG)
        self.server = self.start_server("--config", self.config)

    def invoke(self, function, **parameters):
        status, body = self.server.invoke(function, connect_event(CALLER, parameters))
        self.assertEqual(status, 200, body)
        return body

    def pin(self, user_id, pin):
        return self.invoke("verify-pin", userId=user_id, pin=pin)

    def audit_events(self):
        if not os.path.exists(self.ws.audit):
            return []
        with open(self.ws.audit, encoding="utf-8") as f:
            return [json.loads(line)["event"] for line in f if line.strip()]

    @staticmethod
    def shape(answer):
        """An answer without its clock readings (two calls are never in the same millisecond)."""
        return {k: v for k, v in answer.items() if k not in ("lockedUntil", "retryAfterSeconds")}

    def wait_out(self, answer):
        self.assertEqual(answer.get("lockKind"), "temporary", answer)
        time.sleep(int(answer["retryAfterSeconds"]) + 0.2)

    def test_temporary_lock_expiry_permanent_lock_and_self_service_unlock(self):
        # Three wrong PINs: the third starts a temporary lock.
        answers = [self.pin("12345678", "0000") for _ in range(3)]
        self.assertEqual([a["authResult"] for a in answers], ["Denied", "Denied", "Locked"])
        self.assertEqual([a.get("attemptsRemaining") for a in answers[:2]], ["2", "1"])
        locked = answers[2]
        self.assertEqual(locked["lockKind"], "temporary")
        self.assertIn(locked["retryAfterSeconds"], ("2", "3"))
        self.assertRegex(locked["lockedUntil"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
        # While it lasts even the right PIN is refused, and not counted.
        refused = self.pin("12345678", "4321")
        self.assertEqual((refused["authResult"], refused["lockKind"]), ("Locked", "temporary"))
        self.assertNotIn("firstName", refused)

        # It runs out by itself: no operator needed.
        self.wait_out(refused)
        self.assertEqual(self.pin("12345678", "0000")["attemptsRemaining"], "2")
        self.assertEqual(self.pin("12345678", "0000")["attemptsRemaining"], "1")
        final = self.pin("12345678", "0000")
        self.assertEqual((final["authResult"], final["lockKind"]), ("Locked", "permanent"))
        self.assertNotIn("retryAfterSeconds", final)
        time.sleep(STEP_SECONDS + 0.2)
        self.assertEqual(self.pin("12345678", "4321")["lockKind"], "permanent")

        shown = self.ws.run("customers", "show", *self.ws.store_args(), "--config", self.config,
                            "--user-id", "12345678")
        self.assertIn("pin_locked: yes, since", shown.stdout)

        # Self-service: a code to the number on file, never to the calling phone.
        self.assertEqual(self.invoke("send-unlock-code", userId="12345678"),
                         {"lambdaResult": "Success", "unlockResult": "Requested"})
        self.assertEqual(self.ws.messages_to(CALLER), [])
        code = self.ws.last_code(ADA)
        wrong = str((int(code) + 1) % 10 ** len(code)).zfill(len(code))
        self.assertEqual(self.invoke("verify-unlock-code", userId="12345678",
                                     code=wrong)["unlockResult"], "Invalid")
        unlocked = self.invoke("verify-unlock-code", userId="12345678", code=code)
        self.assertEqual(unlocked["unlockResult"], "Unlocked")
        self.assertEqual(unlocked["authenticated"], "False")  # the code proves the phone, not the PIN
        self.assertNotIn("firstName", unlocked)
        # Used up.
        self.assertEqual(self.invoke("verify-unlock-code", userId="12345678",
                                     code=code)["unlockResult"], "Invalid")
        ok = self.pin("12345678", "4321")
        self.assertEqual(ok["authResult"], "Authenticated")
        self.assertEqual(ok["firstName"], "Ada")

        events = self.audit_events()
        for event in ("pin_locked_temporarily", "pin_refused_locked", "pin_locked",
                      "pin_unlock_code_sent", "pin_unlock_code_failed",
                      "pin_unlocked_self_service", "pin_verified"):
            self.assertIn(event, events)

    def test_an_unknown_user_id_answers_the_same_and_gets_no_code(self):
        for _ in range(3):
            known, unknown = self.pin("12345678", "0000"), self.pin(UNKNOWN_ID, "0000")
            self.assertEqual(self.shape(known), self.shape(unknown))
        self.assertEqual(unknown["lockKind"], "temporary")
        self.assertEqual(self.invoke("send-unlock-code", userId=UNKNOWN_ID),
                         self.invoke("send-unlock-code", userId="12345678"))
        self.assertEqual(len(self.ws.outbox_messages()), 1)  # Ada's only
        self.assertEqual(self.invoke("verify-unlock-code", userId=UNKNOWN_ID, code="123456"),
                         self.invoke("verify-unlock-code", userId="12345678", code="000000"))

    def test_a_user_id_that_is_not_locked_gets_no_code(self):
        self.assertEqual(self.invoke("send-unlock-code", userId="12345678")["unlockResult"],
                         "Requested")
        self.assertEqual(self.ws.outbox_messages(), [])


@require_binary
class PinLockoutConfigTest(ServerTestCase):

    def test_bad_lockout_settings_are_refused_by_name(self):
        cases = {
            "pin_max_failures = 5\npin_lock_after = 10\n": "security.pin_max_failures",
            "pin_lock_after = 101\n": "security.pin_lock_after",
            "pin_lockout_steps = [[5, 900], [3, 60]]\n": "ascending",
            "pin_lockout_steps = [[5, 900]]\npin_lock_after = 5\n": "below pin_lock_after",
            "pin_lockout_steps = [5, 900]\n": "security.pin_lockout_steps",
        }
        for text, expected in cases.items():
            config = self.ws.write("bad.toml", "[security]\n" + text)
            r = self.ws.run("serve", "--http", "127.0.0.1:0", *self.ws.store_args(),
                            "--config", config, timeout=30)
            self.assertNotEqual(r.returncode, 0, text)
            self.assertIn(expected, r.stderr, text)


if __name__ == "__main__":
    unittest.main()
