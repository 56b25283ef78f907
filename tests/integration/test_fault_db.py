"""SQLite database faults on the real binary, mid-journey: a caller has been texted a code (over
Connect, and on a Twilio call parked at its PIN prompt) when the database goes bad.

(a) Locked: another process holds BEGIN EXCLUSIVE longer than the server's busy timeout (5 s,
    storage/sqlite/sqlite_database.h). In WAL mode readers are not blocked, so lookups go on; every
    write waits out the busy timeout and fails: Connect answers 503, the voice flows take their
    error branches, nobody is authenticated, and once the lock is gone nothing was half-written
    (the texted code still works, no attempt was counted, nobody enrolled) and the node works
    again without a restart.
(b) Gone: the database files are moved away while the node runs (what `rm` does to a running
    node, or a restore done without stopping it, which first moves the live file aside). SQLite
    in WAL mode would go on writing to the moved file, so acknowledged writes would vanish at the
    next start; instead every store call answers unavailable (Connect 503, /healthz 503), no empty
    database appears in its place, and once the files are back the node carries on without a
    restart, with nothing lost. A read-only directory is no fault worth testing: SQLite keeps its
    files open, and the tests run as root, whom permissions do not stop.
PostgreSQL going away is covered by test_cluster_failover.py.
"""

import base64
import json
import os
import subprocess
import sys
import threading
import time
import unittest
import urllib.parse

import harness
import test_twilio_voice as tv
from harness import DEFAULT_FLOW, connect_event, other_code, wait_until

BUSY_TIMEOUT = 5.0   # SqliteOptions::busyTimeout
SLACK = 2.0          # scheduling on a loaded 2-core machine
ADA = "+14155550100"
ADA_ID, ADA_PIN = "12345678", "4321"
TEXTED = "+14155550123"      # texted a code over Connect before the fault
VOICE = "+14155550124"       # a Twilio call waiting at the PIN prompt when the fault comes
NEW = "+14155550125"         # asks for a code during the fault
SIM = "+14155550126"         # a simulated call during the fault
CANNOT_CHECK = "Sorry, we could not check your PIN. Please hold while we connect you to an agent."
CANNOT_VERIFY = "Sorry, we cannot verify your identity right now. An agent will help you. Please hold."
NOT_SENT = ("Sorry, we could not send a one-time PIN to your phone. Please hold while we connect "
            "you to an agent.")


class DatabaseFaultCases:
    """Setup and checks shared by both faults; mixed into a ServerTestCase."""

    def setUp(self):
        super().setUp()
        r = self.ws.run("customers", "add", *self.ws.store_args(), "--phone", ADA, "--first-name", "Ada",
                        "--last-name", "Lovelace", "--user-id", ADA_ID, "--pin", ADA_PIN)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.config = self.ws.write("callgate.toml", f"""
[server]
worker_threads = 8
[flows]
default = "{DEFAULT_FLOW}"
[twilio]
auth_token = "{tv.TOKEN}"
public_base_url = "{tv.BASE}/"
[twilio.queues]
Agents = "sip:agents@pbx.example.com"
""")
        saved = os.environ.pop("CALLGATE_TWILIO_AUTH_TOKEN", None)
        if saved is not None:
            self.addCleanup(os.environ.__setitem__, "CALLGATE_TWILIO_AUTH_TOKEN", saved)
        self.server = self.start_server("--config", self.config)
        # Mid-journey when the fault comes: a code texted over Connect, and a Twilio call parked at
        # its PIN prompt with a code texted too.
        self.assertEqual(self.server.call("send-otp", TEXTED)["otpResult"], "Sent")
        self.texted_code = self.ws.last_code(TEXTED)
        doc = self.twilio("/twilio/voice", tv.call_params(tv.call_sid(1), VOICE))
        self.gather = urllib.parse.urlsplit(doc.one("Gather").get("action"))
        self.voice_code = self.ws.last_code(VOICE)

    def twilio(self, target, params):
        headers = {"Content-Type": "application/x-www-form-urlencoded",
                   "X-Twilio-Signature": tv.twilio_signature(tv.BASE + target, params)}
        conn = self.server.connection(timeout=20)
        self.addCleanup(conn.close)
        status, _, data = self.server.request("POST", target, urllib.parse.urlencode(params), headers,
                                              conn=conn)
        self.assertEqual(status, 200, data)
        return tv.TwiML(data)

    def state(self):
        """What a fault must not change: codes, enrolments, PIN counters, texts, audit events.
        (A hand-off during the fault is audited as verdict_issued when the verdict could still be
        read, which SQLite allows under another writer's lock: that is a record of the hand-off,
        not something half-written, and assert_nobody_authenticated checks what it said.)"""
        audit = harness.read_text(self.ws.audit)
        events = [line.split('"event":"')[1].split('"')[0]
                  for line in audit.splitlines() if '"event":"' in line]
        return {"challenges": self.ws.table("challenges"), "customers": self.ws.table("customers"),
                "pin_failures": self.ws.table("pin_failures"), "outbox": self.ws.outbox_messages(),
                "audit events": [e for e in events if e != "verdict_issued"]}

    def in_parallel(self, calls, bound, bounds=None):
        """Runs the named calls at once; returns their results, each within `bound` seconds (or
        its own in `bounds`)."""
        results, took = {}, {}

        def run(name, f):
            started = time.monotonic()
            try:
                results[name] = f()
            except Exception as e:  # noqa: BLE001 - reported by the assertion below
                results[name] = e
            took[name] = time.monotonic() - started
        threads = [threading.Thread(target=run, args=item) for item in calls.items()]
        for t in threads:
            t.start()
        for t in threads:
            t.join(bound + 10)
        for name in calls:
            self.assertIn(name, took, f"{name} never answered")
            limit = (bounds or {}).get(name, bound)
            self.assertLessEqual(took[name], limit, f"{name} took {took[name]:.1f} s (bound {limit} s)")
            self.assertNotIsInstance(results[name], Exception, f"{name}: {results.get(name)!r}")
        return results

    def faulty_calls(self):
        """The requests made while the database is bad."""
        pin_event = connect_event(ADA, {"userId": ADA_ID, "pin": ADA_PIN})
        return {
            "send-otp": lambda: self.server.invoke("send-otp", connect_event(NEW)),
            "verify-otp": lambda: self.server.invoke(
                "verify-otp", connect_event(TEXTED, {"code": self.texted_code})),
            "verify-pin": lambda: self.server.invoke("verify-pin", pin_event),
            "gather": lambda: self.twilio(self.gather.path + "?" + self.gather.query, tv.call_params(
                tv.call_sid(1), VOICE, Digits=self.voice_code, FinishedOnKey="#")),
        }

    def assert_nobody_authenticated(self, results):
        for name in ("send-otp", "verify-otp", "verify-pin"):
            status, body = results[name]
            self.assertEqual(status, 503, f"{name}: {status} {body}")
            self.assertEqual(body, {"error": "temporarily unavailable; retry later"})
        # The parked call: told, and handed to the agent unauthenticated.
        doc = results["gather"]
        said = " ".join(doc.said())
        self.assertTrue(CANNOT_CHECK in said or CANNOT_VERIFY in said, doc.text)
        _, headers = tv.TwilioVoiceTest.assert_sip_dial(self, doc)
        self.assertEqual(headers["X-Callgate-Auth"], "False")
        self.assertNotIn("X-Callgate-firstName", headers)
        # A signed verdict, when one could be minted, says nothing was proved.
        if "X-Callgate-Verdict" in headers:
            payload = headers["X-Callgate-Verdict"].split(".")[1]
            claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
            self.assertEqual(claims["acr"], "urn:callgate:acr:none", claims)

    def assert_recovered_with_nothing_lost(self, before):
        """Without a restart: the state is as before the fault, and the journeys work again."""
        self.assertEqual(self.state(), before, "the fault left something half-written")
        wait_until(lambda: self.server.request("GET", "/healthz")[0] == 200, 5, what="/healthz 200")
        right = self.server.call("verify-otp", TEXTED, code=self.texted_code)
        self.assertEqual((right["otpResult"], right["authenticated"]), ("Verified", "True"))
        pin = self.server.call("verify-pin", ADA, userId=ADA_ID, pin=ADA_PIN)
        self.assertEqual(pin["authResult"], "Authenticated")
        self.assertEqual(self.server.call("send-otp", NEW)["otpResult"], "Sent")
        self.assertEqual(len(self.ws.messages_to(NEW)), 1)


@harness.require_binary
class DatabaseLockedTest(DatabaseFaultCases, harness.ServerTestCase):

    def test_a_lock_held_past_the_busy_timeout(self):
        before = self.state()
        # Long enough for a new Twilio call to meet it twice (the code, then the parked call).
        hold = 2 * BUSY_TIMEOUT + 2.5
        locker = subprocess.Popen([sys.executable, "-c", f"""
import sqlite3, sys, time
con = sqlite3.connect({self.ws.db!r}, isolation_level=None, timeout=5)
con.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
time.sleep({hold})
con.execute("ROLLBACK")
"""], stdout=subprocess.PIPE, text=True)
        self.addCleanup(locker.wait)
        self.addCleanup(locker.kill)
        self.addCleanup(locker.stdout.close)
        self.assertEqual(locker.stdout.readline().strip(), "locked")
        locked_at = time.monotonic()

        calls = self.faulty_calls()
        # Reads go on under a writer's lock in WAL mode: the caller is still recognised.
        calls["lookup-caller"] = lambda: self.server.call("lookup-caller", ADA)
        calls["livez"] = lambda: self.server.request("GET", "/livez")[0]
        # A new call: the lookup reads, the code cannot be stored, the flow takes its error
        # branch; parking the call fails too, so it meets the busy timeout twice, and still
        # answers within Twilio's 15 s webhook timeout.
        calls["new call"] = lambda: self.twilio("/twilio/voice", tv.call_params(tv.call_sid(2), SIM))
        # The console simulator is a second process on the same database: it refuses to start, in
        # bounded time and saying why (its start-up checks the recorded secret fingerprints in a
        # write transaction).
        calls["simulator"] = lambda: self.ws.run("call", "--json", "--from", SIM, "--flow", DEFAULT_FLOW,
                                                 *self.ws.store_args(), input="")
        results = self.in_parallel(calls, BUSY_TIMEOUT + SLACK,
                                   bounds={"new call": min(2 * BUSY_TIMEOUT + SLACK, 14.5)})
        self.assertLess(time.monotonic() - locked_at, hold, "the lock ended before the checks did")

        self.assert_nobody_authenticated(results)
        self.assertEqual(results["lookup-caller"]["recordFound"], "True")
        self.assertEqual(results["livez"], 200)
        doc = results["new call"]
        said = " ".join(doc.said())
        self.assertTrue(NOT_SENT in said or CANNOT_VERIFY in said, doc.text)
        _, headers = tv.TwilioVoiceTest.assert_sip_dial(self, doc)
        self.assertEqual(headers["X-Callgate-Auth"], "False")
        sim = results["simulator"]
        self.assertEqual(sim.returncode, 1, sim.stdout)
        self.assertIn("database is locked", sim.stderr)
        self.assertEqual(sim.stdout, "", "no call may start")

        locker.wait(timeout=hold + 5)
        self.assert_recovered_with_nothing_lost(before)


@harness.require_binary
class DatabaseGoneTest(DatabaseFaultCases, harness.ServerTestCase):

    def test_files_moved_away_while_running_then_put_back(self):
        before = self.state()
        files = [self.ws.db + suffix for suffix in ("", "-wal", "-shm") if os.path.exists(self.ws.db + suffix)]
        for path in files:
            os.rename(path, path + ".aside")

        calls = self.faulty_calls()
        calls["lookup-caller"] = lambda: self.server.invoke("lookup-caller", connect_event(ADA))
        results = self.in_parallel(calls, SLACK)
        self.assert_nobody_authenticated(results)
        self.assertEqual(results["lookup-caller"][0], 503)
        status, _, body = self.server.request("GET", "/healthz")
        self.assertEqual((status, body), (503, b'{"status":"unavailable","database":"unreachable"}'))
        status, _, _ = self.server.request("GET", "/livez")
        self.assertEqual(status, 200)
        self.assertFalse(os.path.exists(self.ws.db), "an empty database appeared in place of the real one")

        for path in files:
            os.rename(path + ".aside", path)
        self.assert_recovered_with_nothing_lost(before)
        self.assertEqual(self.server.call("lookup-caller", ADA)["recordFound"], "True")
        self.assertIn("event=sqlite_file_moved", self.server.log_tail(2000))


if __name__ == "__main__":
    unittest.main()
