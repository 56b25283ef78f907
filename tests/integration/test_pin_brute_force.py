"""Brute force over HTTP: 10,000 PIN guesses (the whole 4-digit space) against one user id on
four keep-alive connections in parallel. Expect 0 successes, at most 5 guesses ever checked
(the rest answered Locked), pin_locked in the audit, and unknown ids answering the same way."""

import json
import os
import threading
import time
import unittest

from harness import ServerTestCase, connect_event, require_binary

ADA = "+14155550100"
USER_ID = "12345678"
PIN = "4321"
CONNECTIONS = 4
DEADLINE_SECONDS = 240


@require_binary
class PinBruteForceTest(ServerTestCase):

    def test_ten_thousand_guesses_never_get_in(self):
        r = self.ws.run("customers", "add", *self.ws.store_args(), "--phone", ADA, "--first-name", "Ada",
                        "--last-name", "Lovelace", "--user-id", USER_ID, "--pin", PIN)
        self.assertEqual(r.returncode, 0, r.stderr)
        # Four workers, so guesses really run concurrently against the counter.
        config = self.ws.write("callgate.toml", "[server]\nworker_threads = 4\n")
        server = self.start_server("--config", config, "--log-level", "warn")
        guesses = [f"{n:04d}" for n in range(10000)]
        results = {}
        errors = []
        deadline = time.monotonic() + DEADLINE_SECONDS

        def attack(index):
            conn = server.connection(timeout=30)
            try:
                for pin in guesses[index::CONNECTIONS]:
                    if time.monotonic() > deadline:
                        errors.append("deadline passed")
                        return
                    body = json.dumps(connect_event("+14155550177", {"userId": USER_ID, "pin": pin}))
                    conn.request("POST", "/connect/v1/verify-pin", body=body,
                                 headers={"Content-Type": "application/json"})
                    resp = conn.getresponse()
                    data = resp.read()
                    if resp.status != 200:
                        errors.append(f"{pin}: HTTP {resp.status}")
                        return
                    results[pin] = json.loads(data)["authResult"]
            except Exception as e:  # noqa: BLE001 - reported below
                errors.append(repr(e))
            finally:
                conn.close()

        started = time.monotonic()
        threads = [threading.Thread(target=attack, args=(i,)) for i in range(CONNECTIONS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=DEADLINE_SECONDS + 30)
        elapsed = time.monotonic() - started
        self.assertEqual(errors, [])
        self.assertEqual(len(results), 10000)

        outcomes = list(results.values())
        self.assertEqual(outcomes.count("Authenticated"), 0)
        self.assertEqual(results[PIN], "Locked")
        # Exactly five guesses were ever checked: four Denied and the one that locked.
        self.assertEqual(outcomes.count("Denied"), 4)
        self.assertEqual(outcomes.count("Locked"), 9996)
        failures = self.ws.table("pin_failures")
        self.assertEqual([(row[0], row[1]) for row in failures], [(USER_ID, 5)])

        with open(self.ws.audit, encoding="utf-8") as f:
            events = [json.loads(line) for line in f if line.strip()]
        names = [e["event"] for e in events]
        self.assertEqual(names.count("pin_locked"), 1)
        self.assertEqual(names.count("pin_failed"), 4)
        self.assertEqual(names.count("pin_verified"), 0)
        self.assertEqual(names.count("pin_refused_locked"), 9995)
        for event in events:
            self.assertNotIn("pin", event)
            self.assertNotIn(PIN, event.values(), event)
        print(f"\n10000 guesses in {elapsed:.1f} s", flush=True)

        # Unknown ids: the same answers, guess for guess.
        conn = server.connection()
        self.addCleanup(conn.close)
        for unknown in ("55550000", "9876543210", "1111"):
            answers = []
            for pin in ("0000", "1111", "2222", "3333", "4444", "4321", "5555"):
                status, body = server.invoke(
                    "verify-pin", connect_event("+14155550177", {"userId": unknown, "pin": pin}), conn)
                self.assertEqual(status, 200)
                answers.append(body)
            self.assertEqual([a["authResult"] for a in answers], ["Denied"] * 4 + ["Locked"] * 3, unknown)
            self.assertTrue(all(set(a) <= {"lambdaResult", "authResult", "authenticated", "attemptsRemaining"}
                                for a in answers))
        self.assertTrue(os.path.exists(self.ws.audit))


if __name__ == "__main__":
    unittest.main()
