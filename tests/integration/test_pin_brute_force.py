"""Brute force over HTTP: 10,000 PIN guesses (the whole 4-digit space) against one user id on
four keep-alive connections in parallel. Expect 0 successes, at most 5 guesses ever checked
(the rest answered Locked: the default's first lock lasts 15 minutes, longer than the test),
pin_locked_temporarily in the audit, and unknown ids answering the same way.
And a flood of PIN checks (argon2id) must not hold up the other endpoints, nor queue without
bound."""

import json
import os
import statistics
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
        # Four slow-lane threads (where verify-pin runs), so guesses really run concurrently
        # against the counter.
        config = self.ws.write("callgate.toml", "[server]\nslow_threads = 4\n")
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
        self.assertEqual(names.count("pin_locked_temporarily"), 1)
        self.assertEqual(names.count("pin_locked"), 0)
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
            self.assertTrue(all(set(a) <= {"lambdaResult", "authResult", "authenticated", "attemptsRemaining",
                                           "lockKind", "lockedUntil", "retryAfterSeconds"}
                                for a in answers))
            self.assertEqual({a.get("lockKind") for a in answers[4:]}, {"temporary"})
        self.assertTrue(os.path.exists(self.ws.audit))


# argon2id made slow on purpose (t=100, the most the config allows, ~50x the default) so one
# check clearly outlasts a lookup on any machine.
SLOW_HASH = "[security]\npin_hash_ops_limit = 100\n"


@require_binary
class PinChecksDoNotStarveTest(ServerTestCase):
    """verify-pin runs on the slow lane: its own thread and a bounded queue."""

    def slow_server(self, server_table=""):
        r = self.ws.run("customers", "add", *self.ws.store_args(), "--phone", ADA, "--first-name", "Ada",
                        "--last-name", "Lovelace", "--user-id", USER_ID, "--pin", PIN)
        self.assertEqual(r.returncode, 0, r.stderr)
        config = self.ws.write("callgate.toml", SLOW_HASH + server_table)
        return self.start_server("--config", config, "--log-level", "warn")

    @staticmethod
    def guess(server, n, conn=None):
        # A different unknown user id each time: every guess runs a full argon2id check (an id
        # that locked would answer without one).
        return server.invoke("verify-pin", connect_event("+14155550177",
                                                         {"userId": f"7{n:07d}", "pin": "0000"}), conn)

    def test_lookups_answer_while_pin_checks_queue(self):
        server = self.slow_server()
        started = time.monotonic()
        status, body = self.guess(server, 0)
        one_check = time.monotonic() - started
        self.assertEqual((status, body["authResult"]), (200, "Denied"))

        stop = threading.Event()
        errors = []

        def flood(index):
            conn = server.connection(timeout=60)
            n = index * 1000 + 1
            try:
                while not stop.is_set():
                    status, _ = self.guess(server, n, conn)
                    if status not in (200, 503):
                        errors.append(status)
                    n += 1
            except Exception as e:  # noqa: BLE001 - reported below
                errors.append(repr(e))
            finally:
                conn.close()

        threads = [threading.Thread(target=flood, args=(i,)) for i in range(6)]
        for t in threads:
            t.start()
        try:
            time.sleep(one_check)  # the lane is busy and its queue filled
            latencies = []
            conn = server.connection()
            for _ in range(10):
                t0 = time.monotonic()
                answer = server.call("lookup-caller", ADA, conn, attestation="A")
                latencies.append(time.monotonic() - t0)
                self.assertEqual(answer["firstName"], "Ada")
            conn.close()
        finally:
            stop.set()
            for t in threads:
                t.join(timeout=120)
        self.assertEqual(errors, [])
        # On the shared workers a lookup waited for the checks ahead of it (about one_check or
        # more); on its own lane it waits for none.
        self.assertLess(statistics.median(latencies), one_check / 2,
                        f"lookup-caller {latencies} while one PIN check takes {one_check:.2f} s")

    def test_a_full_lane_answers_503_with_retry_after(self):
        server = self.slow_server("[server]\nmax_slow_requests = 3\n")
        barrier = threading.Barrier(8)
        answers = []
        lock = threading.Lock()

        def one(n):
            conn = server.connection(timeout=60)
            conn.connect()
            barrier.wait()
            try:
                status, headers, data = server.request(
                    "POST", "/connect/v1/verify-pin",
                    connect_event("+14155550177", {"userId": f"6{n:07d}", "pin": "0000"}), conn=conn)
                with lock:
                    answers.append((status, headers.get("retry-after"), json.loads(data)))
            finally:
                conn.close()

        threads = [threading.Thread(target=one, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        self.assertEqual(len(answers), 8)
        served = [a for a in answers if a[0] == 200]
        refused = [a for a in answers if a[0] == 503]
        self.assertEqual(len(served) + len(refused), 8, answers)
        self.assertGreaterEqual(len(served), 3, answers)
        self.assertGreaterEqual(len(refused), 1, answers)
        self.assertTrue(all(a[2]["authResult"] == "Denied" for a in served), served)
        self.assertTrue(all(a[1] == "1" and "error" in a[2] for a in refused), refused)
        # Refused checks were never run: nothing was counted against their user ids.
        self.assertEqual(len(self.ws.table("pin_failures")), len(served))


if __name__ == "__main__":
    unittest.main()
