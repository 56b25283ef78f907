"""kill -9 consistency: a node on SQLite (the embedded default) serves caller journeys from a few
client threads while the test SIGKILLs it at random moments, restarts it on the same state
directory and database, and after every kill checks that what the clients saw still holds.

The journeys go through the Connect endpoints and the link pages, with SMS through the Twilio
adapter pointed at a local recording server (so every text is both an HTTP request seen here and
an `sms_messages` row), plus `customers add` from the CLI:
- one-time codes: send-otp, verify-otp with wrong and right codes (enrolling the number);
- PINs: verify-pin right and wrong;
- links: issue-action-link, GET the link page, POST it (redeem), add a member with the token.

The rules checked after each kill come from src/: a challenge is replaced (old one voided) in one
transaction and redeemed together with the enrolment (storage/sqlite/sqlite_challenge_store.cc);
a PIN failure is counted before the PIN is checked and reset on a match (functions/verify_pin.cc);
a link is redeemed by one compare-and-set and a token consumed before the member is added
(functions/redeem_link.h, member_action.h); an SMS row is written before the provider is called
and updated after (adapters/sms/tracked_sms_sender.cc); audit lines are written after the change
they report, each by one write(2) on an O_APPEND descriptor (platform/file/append_file.cc).
Anything the client saw acknowledged must therefore exist after the restart, nothing may exist
twice, failure counters never fall below what the clients saw, a code or link used successfully
is never accepted again, and the key files are never torn.

A torn last audit line cannot come from kill -9 (a write(2) to a file is not interrupted half
way); a power loss or a full disk can leave one, so the last test writes one by hand and checks
that the next event still starts on a line of its own.

The run is seeded (CALLGATE_KILL9_SEED to repeat one); the seed is printed, and every violation
names the seed, the kill number, when it came and what each client had in flight.
"""

import hashlib
import hmac
import http.client
import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import threading
import time
import unittest
import urllib.parse

import harness
from harness import BIN, RecordingServer, free_port, other_code, read_text
from link_harness import LINK_RE, TagCollector, b64url_decode, toml_string

KILLS = 26                 # kills of a serving node (at least 25), plus a few during start-up
EARLY_KILL_CHANCE = 0.15   # after a kill, sometimes also kill the next start before it listens
LOAD_SECONDS = (0.15, 1.4)  # how long the clients run before each kill
RESTART_BOUND = 10.0       # a restarted node must listen and answer /healthz 200 within this
PAUSE_BOUND = 15.0         # clients must notice the kill and stop within this
REQUEST_TIMEOUT = 10.0

TOKEN = "kill9-twilio-token-0123456789abcdef"
TWILIO_SID = "AC0123456789abcdef0123456789abcdef"
# One number per OTP client thread slot; distinct last two digits, because sms_messages keeps
# only the masked number (+1415*****NN).
OTP_PHONES = [["+14155550111", "+14155550112", "+14155550113"],
              ["+14155550121", "+14155550122", "+14155550123"]]
PIN_USERS = {"20000001": ("+14155550131", "2468"), "20000002": ("+14155550132", "1357")}
LINK_USER = ("30000001", "+14155550141", "8642")
# The link client's calls: a contact id of their own, so no other client's PIN record replaces
# the one its issue-action-link needs.
LINK_CONTACT = "kill9-link-contact"
CLI_PREFIX = "+1415556"
PIN_BODY = re.compile(r"your one-time PIN is (\d+)$")
MEMBER = {"name": "Anne Isabella King", "relationship": "child", "dateOfBirth": "1987-09-22"}


class Unacknowledged(Exception):
    """The request got no complete answer: the node died under it."""


def request(port, method, path, body=None, headers=None):
    """One request on a fresh connection; (status, headers, body) or Unacknowledged."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
    try:
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
        conn.request(method, path, body=body.encode() if isinstance(body, str) else body,
                     headers=headers or {})
        resp = conn.getresponse()
        data = resp.read()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data
    except (OSError, http.client.HTTPException) as e:
        raise Unacknowledged(repr(e)) from None
    finally:
        conn.close()


def invoke(port, function, event):
    status, _, data = request(port, "POST", "/connect/v1/" + function, event,
                              {"Content-Type": "application/json"})
    try:
        return status, json.loads(data)
    except ValueError:
        return status, {"raw": data[:200].decode("utf-8", "replace")}


def otp_hash(key, phone, code):
    """The stored code hash (core/otp_policy.cc otpHashInput, crypto/hmac_code_hasher.cc)."""
    return hmac.new(key, f"callgate-otp-v1|{phone}|{code}".encode(), hashlib.sha256).hexdigest()


def masked(phone):
    return phone[:5] + "*" * (len(phone) - 7) + phone[-2:]


class Gate:
    """Runs the client threads between kills and holds them while the test checks the state.
    A thread whose request went unanswered waits for the next generation (the next start)."""

    def __init__(self, names):
        self.cond = threading.Condition()
        self.names = set(names)
        self.running = False
        self.stopping = False
        self.generation = 0
        self.failed_in = {}   # name -> generation in which its last request went unanswered
        self.waiting = set()

    def passage(self, name):
        """Blocks until the clients may run; False when the test is over."""
        with self.cond:
            while not self.stopping and (not self.running or
                                         self.failed_in.get(name) == self.generation):
                self.waiting.add(name)
                self.cond.notify_all()
                self.cond.wait(0.5)
            self.waiting.discard(name)
            return not self.stopping

    def failed(self, name):
        with self.cond:
            self.failed_in[name] = self.generation

    def hold(self, timeout):
        """Stops the clients; True once every one of them waits."""
        deadline = time.monotonic() + timeout
        with self.cond:
            self.running = False
            while self.waiting != self.names:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.cond.wait(left)
            return True

    def release(self):
        with self.cond:
            self.generation += 1
            self.running = True
            self.cond.notify_all()

    def stop(self):
        with self.cond:
            self.stopping = True
            self.cond.notify_all()


class Client(threading.Thread):
    """A client thread: repeats journeys while the gate lets it, recording what it saw."""

    def __init__(self, name, test, seed):
        super().__init__(name=name, daemon=True)
        self.test = test
        self.rng = random.Random(seed)
        self.doing = "idle"
        self.crashed = None

    def run(self):
        try:
            while self.test.gate.passage(self.name):
                try:
                    self.journey()
                except Unacknowledged:
                    self.test.gate.failed(self.name)
                self.doing = "idle"
        except Exception as e:  # noqa: BLE001 - reported by the test
            self.crashed = repr(e)
            self.test.gate.failed(self.name)
            self.test.gate.names.discard(self.name)

    def violation(self, text):
        self.test.violation(f"[{self.name}] {text}")


class OtpClient(Client):
    """send-otp, 0-2 wrong codes, usually the right one; one thread per number."""

    def __init__(self, name, test, seed, phones):
        super().__init__(name, test, seed)
        self.phones = phones
        self.turn = 0
        # Per number: send attempts, codes of acknowledged sends (in order), and per code the
        # wrong entries sent / acknowledged Invalid, whether the right one was sent / Verified.
        self.model = {p: {"sends": 0, "acked": [], "codes": {}, "collided": False} for p in phones}

    def journey(self):
        phone = self.phones[self.turn % len(self.phones)]
        self.turn += 1
        m = self.model[phone]
        port = self.test.port
        self.doing = f"send-otp {phone}"
        m["sends"] += 1
        texts_before = len(self.test.provider_texts(phone))
        status, answer = invoke(port, "send-otp", harness.connect_event(phone))
        if status != 200 or answer.get("otpResult") != "Sent":
            self.violation(f"send-otp {phone}: HTTP {status} {answer}")
            return
        code = self.test.provider_code(phone)
        if code is None or len(self.test.provider_texts(phone)) <= texts_before:
            self.violation(f"send-otp {phone} answered Sent but the provider got no new code ({code})")
            return
        if code in m["codes"]:
            # A 6-digit code can repeat for one number (about 3% of runs somewhere): the model
            # keys codes by their hash, so from here this number's per-code checks would compare
            # the wrong challenges. Its counts are still checked.
            m["collided"] = True
            m["acked"].append(code)
            return
        c = m["codes"][code] = {"wrong_sent": 0, "invalid": 0, "right_sent": False, "verified": False}
        m["acked"].append(code)
        for _ in range(self.rng.randint(0, 2)):
            self.doing = f"verify-otp {phone} wrong"
            c["wrong_sent"] += 1
            status, answer = invoke(port, "verify-otp",
                                    harness.connect_event(phone, {"code": other_code(code)}))
            if status != 200 or answer.get("otpResult") != "Invalid":
                self.violation(f"wrong code for {phone}: HTTP {status} {answer}")
                return
            c["invalid"] += 1
        if self.rng.random() < 0.85:
            self.doing = f"verify-otp {phone} right"
            c["right_sent"] = True
            status, answer = invoke(port, "verify-otp", harness.connect_event(phone, {"code": code}))
            if status != 200 or answer.get("otpResult") != "Verified":
                self.violation(f"right code for {phone}: HTTP {status} {answer}")
                return
            c["verified"] = True


class PinClient(Client):
    """verify-pin right and wrong. The model knows each id's failure count exactly, except for a
    request the node died under (pending), and never lets it reach the lockout."""

    def __init__(self, name, test, seed):
        super().__init__(name, test, seed)
        self.failures = {u: 0 for u in PIN_USERS}
        self.pending = {u: None for u in PIN_USERS}
        self.denied_seen = 0

    def journey(self):
        user = self.rng.choice(sorted(PIN_USERS))
        phone, pin = PIN_USERS[user]
        right = self.failures[user] >= 2 or self.rng.random() < 0.5
        self.doing = f"verify-pin {user} {'right' if right else 'wrong'}"
        self.pending[user] = "right" if right else "wrong"
        status, answer = invoke(self.test.port, "verify-pin", harness.connect_event(
            phone, {"userId": user, "pin": pin if right else other_code(pin)}))
        self.pending[user] = None
        expected = "Authenticated" if right else "Denied"
        if status != 200 or answer.get("authResult") != expected:
            self.violation(f"verify-pin {user} ({self.failures[user]} failures before): "
                           f"HTTP {status} {answer}, expected {expected}")
            return
        if right:
            self.failures[user] = 0
        else:
            self.failures[user] += 1
            self.denied_seen += 1
            remaining = str(5 - self.failures[user])
            if answer.get("attemptsRemaining") != remaining:
                self.violation(f"verify-pin {user}: attemptsRemaining {answer.get('attemptsRemaining')}, "
                               f"expected {remaining}")


class LinkClient(Client):
    """issue-action-link, GET the link, POST it, add a member with the token."""

    def __init__(self, name, test, seed):
        super().__init__(name, test, seed)
        self.issues = 0
        self.acked_issues = 0
        self.redeemed = []      # (path, csrf) of links whose POST answered with a token
        self.adds = 0
        self.added = []         # tokens whose member POST answered 201

    def journey(self):
        user, phone, pin = LINK_USER
        port = self.test.port
        # issue-action-link needs callgate's own record that this contact authenticated.
        self.doing = "verify-pin before issue-action-link"
        status, answer = invoke(port, "verify-pin", harness.connect_event(
            phone, {"userId": user, "pin": pin}, contact_id=LINK_CONTACT))
        if status != 200 or answer.get("authResult") != "Authenticated":
            self.violation(f"verify-pin {user} for a link: HTTP {status} {answer}")
            return
        self.doing = "issue-action-link"
        self.issues += 1
        event = harness.connect_event(phone, {"userId": user, "action": "account:add_member"},
                                      attributes={"authenticated": "True", "userId": user},
                                      contact_id=LINK_CONTACT)
        status, answer = invoke(port, "issue-action-link", event)
        if status != 200 or answer.get("linkResult") != "Sent":
            self.violation(f"issue-action-link: HTTP {status} {answer}")
            return
        self.acked_issues += 1
        link = self.test.provider_link(phone)
        if link is None:
            self.violation("issue-action-link answered Sent but the provider got no link")
            return
        path = urllib.parse.urlsplit(link).path
        self.doing = "GET link"
        status, _, page = request(port, "GET", path)
        if status != 200:
            self.violation(f"GET fresh link: HTTP {status}")
            return
        csrf = TagCollector(page.decode()).find("input", name="csrf")
        if self.rng.random() < 0.15:
            return  # the caller never confirms
        self.doing = "POST link"
        form = urllib.parse.urlencode({"csrf": csrf.get("value", "") if csrf else ""})
        status, _, page = request(port, "POST", path, form,
                                  {"Content-Type": "application/x-www-form-urlencoded"})
        member_form = TagCollector(page.decode()).find("form", id="member-form") if status == 200 else None
        if member_form is None:
            self.violation(f"POST fresh link: HTTP {status} without the member form")
            return
        self.redeemed.append((path, csrf.get("value", "")))
        token = member_form.get("data-token", "")
        self.doing = "POST member"
        self.adds += 1
        status, _, data = request(port, "POST", f"/v1/accounts/{user}/members", MEMBER,
                                  {"Content-Type": "application/json",
                                   "Authorization": "Bearer " + token})
        if status != 201:
            self.violation(f"member API: HTTP {status} {data[:200]!r}")
            return
        self.added.append(token)


class CliClient(Client):
    """`customers add` from the CLI on the same database, while the node lives and dies."""

    def __init__(self, name, test, seed):
        super().__init__(name, test, seed)
        self.next = 0
        self.added = []

    def journey(self):
        if self.next >= 60:
            time.sleep(0.05)
            return
        phone = f"{CLI_PREFIX}{self.next:04d}"
        self.next += 1
        self.doing = f"customers add {phone}"
        r = self.test.cli("customers", "add", "--phone", phone, "--first-name", "Cli",
                          "--last-name", "Added")
        if r.returncode != 0:
            self.violation(f"customers add {phone}: exit {r.returncode} {r.stderr.strip()}")
            return
        self.added.append(phone)


@harness.require_binary
class Kill9Test(unittest.TestCase):

    def setUp(self):
        self.ws = harness.Workspace()
        self.addCleanup(self.ws.cleanup)
        self.api = RecordingServer()
        self.addCleanup(self.api.close)
        self.api._server.handle_error = lambda *args: None  # a node killed mid-request: not news
        self.api.default = (201, {"Content-Type": "application/json"},
                            '{"sid": "SM0123456789abcdef0123456789abcdef", "status": "queued"}')
        self.port = free_port()
        self.config = self.ws.write("callgate.toml", self.config_text())
        self.proc = None
        self.log = None
        self.violations = []
        self.lock = threading.Lock()
        self.context = "setup"
        self.addCleanup(self.kill_node)

    def config_text(self):
        ws = self.ws
        return "\n".join([
            "[server]", 'http = "127.0.0.1:%d"' % self.port, "worker_threads = 4",
            "[storage]", f"db = {toml_string(ws.db)}",
            "[sms]", 'provider = "twilio"', "total_timeout_ms = 3000",
            "[sms.twilio]", f'account_sid = "{TWILIO_SID}"', 'from = "+15005550006"',
            f"base_url = {toml_string(self.api.url)}",
            "[security]", f"otp_secret_file = {toml_string(ws.key)}",
            f"pin_pepper_file = {toml_string(ws.path('pin.key'))}",
            f"audit_log = {toml_string(ws.audit)}",
            # Cheap argon2id, so PIN checks do not dominate the load; the rules are the same.
            "pin_hash_ops_limit = 1", "pin_hash_memory_kib = 8192",
            "[otp]", "per_number_limit = 1000", "per_prefix_limit = 1000000",
            "daily_send_limit = 1000", "daily_failure_limit = 1000",
            "[links]", f'public_base_url = "http://127.0.0.1:{self.port}"', "per_user_limit = 1000",
            "[tokens]", f"key_file = {toml_string(ws.path('jwt-keys.json'))}",
        ]) + "\n"

    def env(self):
        env = dict(os.environ)
        for k in ("CALLGATE_OTP_SECRET", "CALLGATE_PIN_PEPPER"):
            env.pop(k, None)
        env["CALLGATE_TWILIO_AUTH_TOKEN"] = TOKEN
        return env

    def cli(self, *args):
        return subprocess.run([BIN, *args, "--config", self.config], cwd=self.ws.dir,
                              capture_output=True, text=True, timeout=harness.CLI_TIMEOUT,
                              env=self.env())

    # --- the node -----------------------------------------------------------------------------
    def spawn(self):
        self.log = open(self.ws.path("serve.log"), "ab")
        self.proc = subprocess.Popen([BIN, "serve", "--config", self.config], cwd=self.ws.dir,
                                     stdout=subprocess.PIPE, stderr=self.log, env=self.env())

    def start_node(self):
        """Starts the node and waits until it listens and /healthz answers 200; returns seconds."""
        started = time.monotonic()
        self.spawn()
        ports, lines = harness.read_listening(self.proc, lambda p: "http" in p)
        if ports.get("http") != self.port:
            self.fail(f"{self.context}: serve did not listen (got {lines}); log:\n"
                      f"{harness.tail(self.ws.path('serve.log'), 30)}")
        deadline = started + RESTART_BOUND
        while True:
            try:
                status, _, body = request(self.port, "GET", "/healthz")
                if status == 200:
                    break
            except Unacknowledged:
                status, body = None, b""
            if time.monotonic() > deadline:
                self.fail(f"{self.context}: /healthz not 200 within {RESTART_BOUND} s: {status} {body!r}")
            time.sleep(0.05)
        took = time.monotonic() - started
        if took > RESTART_BOUND:
            self.violation(f"the node took {took:.1f} s to come back (bound {RESTART_BOUND} s)")
        return took

    def kill_node(self):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=harness.STOP_TIMEOUT)
        if self.proc.stdout:
            self.proc.stdout.close()
        self.log.close()
        self.proc = None

    # --- what the provider saw ------------------------------------------------------------------
    def provider_texts(self, phone):
        out = []
        for req in self.api.requests_snapshot():
            fields = dict(urllib.parse.parse_qsl(req["body"].decode()))
            if fields.get("To") == phone:
                out.append(fields.get("Body", ""))
        return out

    def provider_code(self, phone):
        texts = self.provider_texts(phone)
        m = PIN_BODY.search(texts[-1]) if texts else None
        return m.group(1) if m else None

    def provider_link(self, phone):
        texts = self.provider_texts(phone)
        m = LINK_RE.search(texts[-1]) if texts else None
        return m.group(0) if m else None

    # --- reporting ----------------------------------------------------------------------------
    def violation(self, text):
        with self.lock:
            self.violations.append(f"seed {self.seed}, {self.context}: {text}")

    # --- the test -----------------------------------------------------------------------------
    def test_state_survives_kill9_at_random_moments(self):
        self.seed = int(os.environ.get("CALLGATE_KILL9_SEED") or random.SystemRandom().randrange(1 << 32))
        print(f"\nkill -9 seed {self.seed} (CALLGATE_KILL9_SEED={self.seed} repeats the choices)",
              flush=True)
        rng = random.Random(self.seed)
        started = time.monotonic()

        for user, (phone, pin) in sorted(PIN_USERS.items()):
            r = self.cli("customers", "add", "--phone", phone, "--first-name", "Pin",
                         "--last-name", "User", "--user-id", user, "--pin", pin)
            self.assertEqual(r.returncode, 0, r.stderr)
        r = self.cli("customers", "add", "--phone", LINK_USER[1], "--first-name", "Link",
                     "--last-name", "User", "--user-id", LINK_USER[0], "--pin", LINK_USER[2])
        self.assertEqual(r.returncode, 0, r.stderr)

        # The very first start creates the JWT key ring and records the secret fingerprints:
        # killed in the middle of that, the next start must still come up with one ring.
        self.context = "first start, killed"
        self.spawn()
        time.sleep(rng.uniform(0.0, 0.3))
        self.kill_node()
        con = self.db()
        try:
            self.assertEqual(con.execute("PRAGMA integrity_check").fetchall(), [("ok",)])
        finally:
            con.close()
        self.context = "first start"
        self.start_node()
        self.key = bytes.fromhex(read_text(self.ws.key).strip())
        self.secret_files = {p: read_text(p) for p in (self.ws.key, self.ws.path("pin.key"))}
        status, _, jwks = request(self.port, "GET", "/.well-known/jwks.json")
        self.assertEqual(status, 200)
        self.jwks = json.loads(jwks)

        self.otp = [OtpClient(f"otp{i}", self, rng.random(), phones) for i, phones in enumerate(OTP_PHONES)]
        self.pin = PinClient("pin", self, rng.random())
        self.link = LinkClient("link", self, rng.random())
        self.cli_client = CliClient("cli", self, rng.random())
        clients = [*self.otp, self.pin, self.link, self.cli_client]
        self.gate = Gate([c.name for c in clients])
        for c in clients:
            c.start()
        self.addCleanup(self.gate.stop)

        kills = early = 0
        slowest = 0.0
        while kills < KILLS:
            self.context = f"kill {kills + 1}"
            self.gate.release()
            load = rng.uniform(*LOAD_SECONDS)
            time.sleep(load)
            if self.proc.poll() is not None:
                self.violation(f"the node exited by itself ({self.proc.returncode})")
            in_flight = {c.name: c.doing for c in clients}
            self.proc.send_signal(signal.SIGKILL)
            kills += 1
            self.context = (f"kill {kills} ({load:.2f} s after the start; in flight: "
                            f"{', '.join(f'{k}: {v}' for k, v in in_flight.items())})")
            self.kill_node()
            if not self.gate.hold(PAUSE_BOUND):
                self.fail(f"{self.context}: the clients did not stop within {PAUSE_BOUND} s")
            for c in clients:
                if c.crashed:
                    self.fail(f"client {c.name} crashed: {c.crashed}")
            self.check_state()
            if rng.random() < EARLY_KILL_CHANCE:
                # A start killed before (or just as) it listens: migrations and key loading
                # interrupted must leave nothing a later start trips over.
                self.spawn()
                time.sleep(rng.uniform(0.0, 0.25))
                self.kill_node()
                early += 1
                self.check_state()
            slowest = max(slowest, self.start_node())
            self.check_after_restart()
            if len(self.violations) >= 20:
                break

        self.gate.stop()
        self.context = "after the last kill"
        sent = sum(m["sends"] for c in self.otp for m in c.model.values())
        verified = sum(1 for c in self.otp for m in c.model.values() for x in m["codes"].values()
                       if x["verified"])
        print(f"{kills} kills under load + {early} during start-up in {time.monotonic() - started:.1f} s; "
              f"slowest restart {slowest:.2f} s; {sent} sends, {verified} codes verified, "
              f"{self.pin.denied_seen} PINs denied, {len(self.link.redeemed)} links redeemed, "
              f"{len(self.link.added)} members added, {len(self.cli_client.added)} CLI customers",
              flush=True)
        self.assertEqual(self.violations, [], "\n".join(self.violations))
        self.assertGreaterEqual(kills, 25)
        # The load really reached every kind of journey.
        self.assertGreater(verified, 0)
        self.assertGreater(self.pin.denied_seen, 0)
        self.assertGreater(len(self.link.added), 0)
        self.assertGreater(len(self.cli_client.added), 0)

    # --- invariants while the node is down --------------------------------------------------------
    def db(self):
        return sqlite3.connect(f"file:{self.ws.db}?mode=ro", uri=True, timeout=5)

    def check_state(self):
        con = self.db()
        try:
            integrity = con.execute("PRAGMA integrity_check").fetchall()
            if integrity != [("ok",)]:
                self.violation(f"PRAGMA integrity_check: {integrity}")
            fk = con.execute("PRAGMA foreign_key_check").fetchall()
            if fk:
                self.violation(f"PRAGMA foreign_key_check: {fk}")
            challenges = con.execute("SELECT id, phone, code_hash, attempts, state FROM challenges").fetchall()
            customers = {r[0] for r in con.execute("SELECT phone FROM customers")}
            failures = dict(con.execute("SELECT user_id, failures FROM pin_failures"))
            grants = con.execute("SELECT state FROM action_grants WHERE user_id = ?",
                                 (LINK_USER[0],)).fetchall()
            members = con.execute("SELECT COUNT(*) FROM members WHERE account_user_id = ?",
                                  (LINK_USER[0],)).fetchone()[0]
            token_states = dict(con.execute("SELECT jti, state FROM token_states"))
            sms = con.execute("SELECT to_masked, status FROM sms_messages").fetchall()
        finally:
            con.close()
        audit = self.check_audit()
        self.check_challenges(challenges, customers, audit)
        self.check_pins(failures)
        self.check_links(grants, members, token_states, audit)
        self.check_sms(sms)
        for phone in self.cli_client.added:
            if phone not in customers:
                self.violation(f"customers add {phone} exited 0 but the customer is gone")
        self.check_files()

    def check_challenges(self, rows, customers, audit):
        by_hash = {r[2]: r for r in rows}
        verified_ids = {r[0] for r in rows if r[4] == "verified"}
        for client in self.otp:
            for phone, m in client.model.items():
                mine = [r for r in rows if r[1] == phone]
                if not len(m["acked"]) <= len(mine) <= m["sends"]:
                    self.violation(f"{phone}: {len(mine)} challenges for {m['sends']} sends "
                                   f"({len(m['acked'])} acknowledged)")
                active = [r for r in mine if r[4] == "active"]
                if len(active) > 1:
                    self.violation(f"{phone}: {len(active)} active challenges at once")
                if any(r[4] == "verified" for r in mine) != (phone in customers):
                    self.violation(f"{phone}: enrolled={phone in customers} but challenge states "
                                   f"{[r[4] for r in mine]} (enrolment is atomic with the redeem)")
                if m["collided"]:
                    continue  # a repeated code: per-code checks cannot tell its challenges apart
                right_sent = {otp_hash(self.key, phone, c) for c, x in m["codes"].items() if x["right_sent"]}
                for r in mine:
                    if r[4] == "verified" and r[2] not in right_sent and r[2] in {
                            otp_hash(self.key, phone, c) for c in m["codes"]}:
                        self.violation(f"{phone}: challenge {r[0]} verified but its code was never entered")
                for code, x in m["codes"].items():
                    row = by_hash.get(otp_hash(self.key, phone, code))
                    if row is None:
                        self.violation(f"{phone}: the challenge of an acknowledged send is gone")
                        continue
                    if not x["invalid"] <= row[3] <= x["wrong_sent"]:
                        self.violation(f"{phone}: challenge {row[0]} has {row[3]} attempts; the client "
                                       f"saw {x['invalid']} Invalid of {x['wrong_sent']} wrong codes sent")
                    if x["verified"]:
                        if row[4] != "verified":
                            self.violation(f"{phone}: challenge {row[0]} was acknowledged Verified "
                                           f"but is {row[4]!r}")
                        if str(row[0]) not in audit["otp_verified"]:
                            self.violation(f"{phone}: no otp_verified audit line for challenge {row[0]}")
        ids = {str(r[0]) for r in rows}
        for cid in audit["otp_verified"]:
            if int(cid) not in verified_ids:
                self.violation(f"audit says challenge {cid} verified; the database does not")
        for cid in audit["otp_sent"]:
            if cid not in ids:
                self.violation(f"audit says challenge {cid} was sent; the database has no such row")

    def check_pins(self, failures):
        for user in PIN_USERS:
            model, pending = self.pin.failures[user], self.pin.pending[user]
            got = failures.get(user, 0)
            allowed = {model} if pending is None else {model, model + 1} if pending == "wrong" \
                else {model, model + 1, 0}
            if got not in allowed:
                self.violation(f"PIN failures of {user}: {got} in the database, the client saw "
                               f"{model} (request in flight: {pending})")
            # The next run starts from what the database holds.
            self.pin.failures[user], self.pin.pending[user] = got, None

    def check_links(self, grants, members, token_states, audit):
        link = self.link
        if not link.acked_issues <= len(grants) <= link.issues:
            self.violation(f"{len(grants)} grants for {link.issues} issue requests "
                           f"({link.acked_issues} acknowledged)")
        redeemed = sum(1 for (state,) in grants if state == "redeemed")
        if redeemed < len(link.redeemed):
            self.violation(f"{redeemed} grants redeemed, the client redeemed {len(link.redeemed)}")
        if not len(link.added) <= members <= link.adds:
            self.violation(f"{members} members for {link.adds} add requests ({len(link.added)} acknowledged)")
        for token in link.added:
            jti = json.loads(b64url_decode(token.split(".")[1]))["jti"]
            if token_states.get(jti) != "used":
                self.violation(f"the token of an acknowledged member add is {token_states.get(jti)!r}, not used")
        if audit["member_added"] > members or audit["member_added"] < len(link.added):
            self.violation(f"{audit['member_added']} member_added audit lines, {members} members, "
                           f"{len(link.added)} acknowledged")
        if audit["link_redeemed"] < len(link.redeemed) or audit["link_redeemed"] > redeemed:
            self.violation(f"{audit['link_redeemed']} link_redeemed audit lines, {redeemed} redeemed "
                           f"grants, {len(link.redeemed)} acknowledged")

    def check_sms(self, rows):
        """Per number: at most one row and one provider request per send asked for, and a queued
        row for every acknowledged one."""
        numbers = {}  # phone -> (sends asked for, sends acknowledged)
        for client in self.otp:
            for phone, m in client.model.items():
                numbers[phone] = (m["sends"], len(m["acked"]))
        numbers[LINK_USER[1]] = (self.link.issues, self.link.acked_issues)
        for phone, (asked, acked) in numbers.items():
            mine = [status for to, status in rows if to == masked(phone)]
            queued = mine.count("queued")
            if len(mine) > asked or queued < acked:
                self.violation(f"sms_messages for {masked(phone)}: {len(mine)} rows ({queued} queued) "
                               f"for {asked} sends, {acked} acknowledged")
            if set(mine) - {"queued", "submitting"}:
                self.violation(f"sms_messages for {masked(phone)}: unexpected states {set(mine)}")
            texts = len(self.provider_texts(phone))
            if texts > asked:
                self.violation(f"the provider got {texts} texts for {masked(phone)}, {asked} sends "
                               "were asked for")

    def check_audit(self):
        """Every complete line parses, the file ends at a line end; returns what it counts."""
        text = read_text(self.ws.audit)
        if text and not text.endswith("\n"):
            self.violation(f"the audit log ends in a torn line: {text[-120:]!r}")
        counts = {"otp_verified": [], "otp_sent": [], "member_added": 0, "link_redeemed": 0}
        for n, line in enumerate(text.split("\n")[:-1], 1):
            if not line.strip():
                continue
            try:
                event = json.loads(line)
            except ValueError:
                self.violation(f"audit line {n} does not parse: {line[:120]!r}")
                continue
            name = event.get("event")
            if name in ("otp_verified", "otp_sent"):
                counts[name].append(event.get("challenge"))
            elif name in ("member_added", "link_redeemed"):
                counts[name] += 1
        return counts

    def check_files(self):
        for path, text in self.secret_files.items():
            if read_text(path) != text:
                self.violation(f"{os.path.basename(path)} changed across a kill")
        strays = [n for n in os.listdir(self.ws.dir) if ".tmp-" in n]
        if strays:
            self.violation(f"half-written files left in the state directory: {strays}")

    # --- invariants once the node is back -------------------------------------------------------
    def check_after_restart(self):
        status, _, jwks = request(self.port, "GET", "/.well-known/jwks.json")
        if status != 200 or json.loads(jwks) != self.jwks:
            self.violation(f"JWKS changed across a kill: {status} {jwks[:200]!r}")
        # A code used successfully is not accepted again. Only where no newer challenge is active,
        # so this check cannot count an attempt against one the clients still use.
        con = self.db()
        try:
            for client in self.otp:
                for phone, m in client.model.items():
                    if m["collided"]:
                        continue
                    used = [c for c in m["acked"] if m["codes"][c]["verified"]]
                    latest = con.execute("SELECT state FROM challenges WHERE phone = ? ORDER BY id DESC "
                                         "LIMIT 1", (phone,)).fetchone()
                    if used and latest and latest[0] != "active":
                        status, answer = invoke(self.port, "verify-otp",
                                                harness.connect_event(phone, {"code": used[-1]}))
                        if status != 200 or answer.get("otpResult") == "Verified" or \
                                answer.get("authenticated") != "False":
                            self.violation(f"{phone}: a used code answered {status} {answer} after the restart")
        finally:
            con.close()
        # A redeemed link and a consumed token are refused after the restart too.
        if self.link.redeemed:
            path, csrf = self.link.redeemed[-1]
            status, _, _ = request(self.port, "POST", path, urllib.parse.urlencode({"csrf": csrf}),
                                   {"Content-Type": "application/x-www-form-urlencoded"})
            if status != 410:
                self.violation(f"a redeemed link answered HTTP {status} to a second POST after the restart")
        if self.link.added:
            status, _, data = request(self.port, "POST", f"/v1/accounts/{LINK_USER[0]}/members", MEMBER,
                                      {"Content-Type": "application/json",
                                       "Authorization": "Bearer " + self.link.added[-1]})
            if status != 401:
                self.violation(f"a used token answered HTTP {status} {data[:100]!r} after the restart")


@harness.require_binary
class TornAuditLineTest(harness.ServerTestCase):
    """A torn last audit line (power loss, disk full: never kill -9, see the module doc) must not
    swallow the next event: the next line starts on a line of its own, and parses."""

    def test_an_event_after_a_torn_line_starts_on_its_own_line(self):
        server = self.start_server()
        self.assertEqual(server.call("send-otp", "+14155550123")["otpResult"], "Sent")
        self.assertEqual(server.stop(), 0)
        torn = '{"at":"2026-12-05T08:00:00.000Z","event":"otp_se'
        with open(self.ws.audit, "a", encoding="utf-8") as f:
            f.write(torn)
        server = self.start_server()
        self.assertEqual(server.call("send-otp", "+14155550124")["otpResult"], "Sent")
        lines = read_text(self.ws.audit).split("\n")
        self.assertEqual(lines[-1], "", "the audit log must end at a line end")
        self.assertIn(torn, lines)  # the torn line stays as it was: evidence is not rewritten
        complete = [json.loads(line) for line in lines if line and line != torn]
        complete = [e for e in complete if e["event"] != "audit_checkpoint"]  # the clean stop's
        self.assertEqual([e["event"] for e in complete], ["otp_sent", "otp_sent"])
        self.assertEqual(complete[-1]["phone"], "+1415*****24")
        # The SMS outbox is written the same way and copes the same way.
        with open(self.ws.outbox, "a", encoding="utf-8") as f:
            f.write('{"to":"+14155550125","bo')
        self.assertEqual(server.call("send-otp", "+14155550125")["otpResult"], "Sent")
        last = read_text(self.ws.outbox).split("\n")[-2]
        self.assertEqual(json.loads(last)["to"], "+14155550125")


if __name__ == "__main__":
    unittest.main()
