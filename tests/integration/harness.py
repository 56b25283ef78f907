"""Helpers for callgate's black-box tests: run the real binary in a temporary workspace.

Everything listens on 127.0.0.1 only, lives in a fresh temporary directory, and every wait is
bounded (short polls under an overall deadline). The binary comes from $CALLGATE_BIN and the
repository from $CALLGATE_SOURCE_DIR (both set by CTest); when run by hand they default to
<repo>/build/callgate and the repository this file is in.
"""

import http.client
import http.server
import json
import os
import queue
import random
import re
import select
import shutil
import signal
import socket
import sqlite3
import subprocess
import tempfile
import threading
import time
import unittest

SOURCE_DIR = os.environ.get("CALLGATE_SOURCE_DIR") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.environ.get("CALLGATE_BIN") or os.path.join(SOURCE_DIR, "build", "callgate")
DEFAULT_FLOW = os.path.join(SOURCE_DIR, "flows", "caller-id-otp.json")

START_TIMEOUT = 15.0   # seconds for `serve` to print its listening line
STOP_TIMEOUT = 10.0    # seconds for a graceful SIGTERM stop
CLI_TIMEOUT = 30.0     # seconds for any one CLI command


# Debian packages of the programs the black-box tests drive, for the failure message.
PACKAGE_OF = {"baresip": "baresip-core", "sipp": "sip-tester", "sox": "sox", "curl": "curl",
              "flite": "flite", "espeak-ng": "espeak-ng"}


def fail_class(test_case_cls, reason):
    """Makes every test of the class fail (an error in setUpClass naming `reason`). Something
    missing is a failure, never a skip: a test that cannot run must not pass as green."""
    def setUpClass(cls):
        raise AssertionError(reason)
    test_case_cls.setUpClass = classmethod(setUpClass)
    return test_case_cls


def require_binary(test_case_cls):
    """Class decorator: fail the tests (with a clear reason) when the binary is missing."""
    if not os.access(BIN, os.X_OK):
        return fail_class(test_case_cls, f"callgate binary not found at {BIN}: build it "
                          "(cmake --build build) or set CALLGATE_BIN")
    return test_case_cls


def missing_programs_message(missing):
    """'missing programs: sipp (Debian package sip-tester), ...; scripts/install-deps.sh installs
    them'."""
    named = ", ".join(f"{m} (Debian package {PACKAGE_OF.get(m, m)})" for m in missing)
    return f"missing programs: {named}; scripts/install-deps.sh installs them"


def require_programs(*programs):
    """Class decorator: fail the tests when one of `programs` is not on PATH, naming it."""
    def wrap(cls):
        missing = [p for p in programs if not shutil.which(p)]
        if missing:
            return fail_class(cls, missing_programs_message(missing))
        return cls
    return wrap


CONTACT_ID = "5ca32fbd-8f92-46af-92a5-6b0f970f0efe"


def connect_event(address="+14155550100", parameters=None, language=None, attributes=None,
                  endpoint="default", contact_id=CONTACT_ID):
    """The Lambda event Amazon Connect sends (WIRE.md §2), trimmed to realistic fields."""
    if endpoint == "default":
        endpoint = {"Address": address, "Type": "TELEPHONE_NUMBER"}
    contact = {
        "Attributes": attributes or {},
        "Channel": "VOICE",
        "ContactId": contact_id,
        "CustomerEndpoint": endpoint,
        "InitialContactId": "5ca32fbd-8f92-46af-92a5-6b0f970f0efe",
        "InitiationMethod": "INBOUND",
        "InstanceARN": "arn:aws:connect:us-east-1:123456789012:instance/9308c2a1",
        "MediaStreams": {"Customer": {"Audio": None}},
        "PreviousContactId": "5ca32fbd-8f92-46af-92a5-6b0f970f0efe",
        "Queue": None,
        "SystemEndpoint": {"Address": "+18005550199", "Type": "TELEPHONE_NUMBER"},
    }
    if language is not None:
        contact["LanguageCode"] = language
    return {"Details": {"ContactData": contact, "Parameters": dict(parameters or {})},
            "Name": "ContactFlowEvent"}


def other_code(code):
    """A code of the same length that is certainly wrong."""
    return str((int(code) + 1) % (10 ** len(code))).zfill(len(code))


class Workspace:
    """A temporary directory holding one callgate installation's state."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="callgate-it-")
        self.db = os.path.join(self.dir, "callgate.db")
        self.outbox = os.path.join(self.dir, "outbox.jsonl")
        self.key = os.path.join(self.dir, "otp.key")
        self.audit = os.path.join(self.dir, "audit.jsonl")
        # The --sms flag every command gets; None leaves the choice to a --config file.
        self.sms_flag = "outbox:" + self.outbox

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def path(self, name):
        return os.path.join(self.dir, name)

    def write(self, name, text):
        p = self.path(name)
        with open(p, "w", encoding="utf-8") as f:
            f.write(text)
        return p

    # Flags every data-touching command shares, so nothing lands outside the workspace.
    def store_args(self):
        sms = ["--sms", self.sms_flag] if self.sms_flag else []
        return ["--db", self.db, *sms, "--otp-secret-file", self.key, "--audit-log", self.audit]

    def run(self, *args, input=None, timeout=CLI_TIMEOUT):
        """Runs the binary to completion in the workspace; returns CompletedProcess (text)."""
        env = dict(os.environ)
        env.pop("CALLGATE_OTP_SECRET", None)
        return subprocess.run([BIN, *args], cwd=self.dir, input=input, capture_output=True,
                              text=True, timeout=timeout, env=env)

    def add_customer(self, phone, first, last, level=None, language=None):
        args = ["customers", "add", *self.store_args(), "--phone", phone,
                "--first-name", first, "--last-name", last]
        if level:
            args += ["--level", level]
        if language:
            args += ["--language", language]
        r = self.run(*args)
        if r.returncode != 0:
            raise AssertionError(f"customers add failed ({r.returncode}): {r.stderr}")
        return r

    def outbox_messages(self):
        if not os.path.exists(self.outbox):
            return []
        with open(self.outbox, encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]

    def messages_to(self, phone):
        return [m for m in self.outbox_messages() if m.get("to") == phone]

    def last_code(self, phone):
        """The PIN in the newest SMS to `phone`: the last run of digits in its body."""
        messages = self.messages_to(phone)
        if not messages:
            raise AssertionError(f"no SMS to {phone} in the outbox")
        runs = re.findall(r"\d+", messages[-1]["body"])
        if not runs:
            raise AssertionError(f"no code in SMS body {messages[-1]['body']!r}")
        return runs[-1]

    def table(self, name):
        """All rows of a table, sorted, or [] if the database or table does not exist yet."""
        if not os.path.exists(self.db):
            return []
        con = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=5)
        try:
            return sorted(con.execute(f"SELECT * FROM {name}").fetchall(), key=repr)
        except sqlite3.OperationalError as e:
            if "no such table" in str(e):
                return []
            raise
        finally:
            con.close()

    def snapshot(self):
        """What bad input must never change: both tables and the outbox."""
        return {"customers": self.table("customers"), "challenges": self.table("challenges"),
                "outbox": self.outbox_messages()}


class Server:
    """`callgate serve` on an ephemeral loopback port."""

    def __init__(self, workspace, *extra_args, env=None, http="127.0.0.1:0"):
        """`env`: extra environment variables for the server (e.g. provider secrets)."""
        self.ws = workspace
        self.log_path = workspace.path(f"serve-{time.monotonic_ns()}.log")
        self._log = open(self.log_path, "wb")
        environment = dict(os.environ)
        environment.pop("CALLGATE_OTP_SECRET", None)
        environment.update(env or {})
        self.proc = subprocess.Popen(
            [BIN, "serve", "--http", http, *workspace.store_args(), *extra_args],
            cwd=workspace.dir, stdout=subprocess.PIPE, stderr=self._log, env=environment)
        self.port = self._wait_listening()
        self.host = "127.0.0.1"

    def _wait_listening(self):
        deadline = time.monotonic() + START_TIMEOUT
        line = b""
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            ready, _, _ = select.select([self.proc.stdout], [], [], 0.05)
            if ready:
                line = self.proc.stdout.readline()
                break
        m = re.fullmatch(rb"listening http://127\.0\.0\.1:(\d+)\r?\n", line)
        if not m:
            self.stop()
            raise AssertionError(f"serve did not report a listening line (got {line!r}); "
                                 f"log:\n{self.log_tail()}")
        return int(m.group(1))

    def log_tail(self, n=30):
        return tail(self.log_path, n)

    def stop(self):
        """SIGTERM, then wait; kills if it does not stop in time. Returns the exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=STOP_TIMEOUT)
        if self.proc.stdout:
            self.proc.stdout.close()
        self._log.close()
        return self.proc.returncode

    def connection(self, timeout=10):
        return http.client.HTTPConnection(self.host, self.port, timeout=timeout)

    def request(self, method, path, body=None, headers=None, conn=None):
        """One request; returns (status, headers dict with lower-case names, raw body bytes)."""
        own = conn is None
        conn = conn or self.connection()
        try:
            if isinstance(body, (dict, list)):
                body = json.dumps(body)
            if isinstance(body, str):
                body = body.encode("utf-8")
            hdrs = {"Content-Type": "application/json"}
            hdrs.update(headers or {})
            conn.request(method, path, body=body, headers=hdrs)
            resp = conn.getresponse()
            data = resp.read()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data
        finally:
            if own:
                conn.close()

    def invoke(self, function, event, conn=None):
        """POST an event to /connect/v1/<function>; returns (status, parsed JSON body)."""
        status, headers, data = self.request("POST", "/connect/v1/" + function, event, conn=conn)
        try:
            parsed = json.loads(data)
        except ValueError:
            raise AssertionError(f"{function}: status {status}, body is not JSON: {data!r}")
        return status, parsed

    def call(self, function, address, conn=None, **parameters):
        """invoke() with a standard event; asserts 200 and returns the answer map."""
        language = parameters.pop("language", None)
        status, body = self.invoke(function, connect_event(address, parameters, language), conn)
        if status != 200:
            raise AssertionError(f"{function} for {address}: HTTP {status} {body}")
        return body


class ServerTestCase(unittest.TestCase):
    """A workspace per test, torn down (server killed, files removed) whatever happens."""

    def setUp(self):
        self.ws = Workspace()
        self.addCleanup(self.ws.cleanup)

    def start_server(self, *extra_args, **kwargs):
        server = Server(self.ws, *extra_args, **kwargs)
        self.addCleanup(server.stop)
        return server


def parse_events(stdout):
    """The JSON lines `callgate call --json` printed, as dicts."""
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


class InteractiveCall:
    """`callgate call --json` driven line by line: read events, answer input requests.

    A reader thread moves stdout lines into a queue, so waits are bounded by queue timeouts
    (select() on a buffered pipe can miss lines already read into Python's buffer).
    """

    def __init__(self, workspace, phone, *extra_args, timeout=CLI_TIMEOUT):
        self.deadline = time.monotonic() + timeout
        env = dict(os.environ)
        env.pop("CALLGATE_OTP_SECRET", None)
        self.proc = subprocess.Popen(
            [BIN, "call", "--json", "--from", phone, "--flow", DEFAULT_FLOW,
             *workspace.store_args(), *extra_args],
            cwd=workspace.dir, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, env=env)
        self.events = []
        self.stderr = ""
        self._lines = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        for line in self.proc.stdout:
            self._lines.put(line)
        self._lines.put(None)

    def next_event(self):
        """The next event, or None when the call's output ended. Bounded by the deadline."""
        while True:
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"call produced no event in time; so far: {self.events}")
            try:
                line = self._lines.get(timeout=left)
            except queue.Empty:
                continue
            if line is None:
                self._lines.put(None)  # stay at end of output for later calls
                return None
            if not line.strip():
                continue
            event = json.loads(line)
            self.events.append(event)
            return event

    def until(self, event_type):
        """Reads events up to and including the first of `event_type`; returns them all."""
        seen = []
        while True:
            event = self.next_event()
            if event is None:
                raise AssertionError(f"call ended before a {event_type!r} event: {self.events}")
            seen.append(event)
            if event.get("type") == event_type:
                return seen

    def send(self, digits):
        self.proc.stdin.write(digits + "\n")
        self.proc.stdin.flush()

    def finish(self):
        """Closes stdin, reads what is left, waits; returns (exit code, remaining events)."""
        if not self.proc.stdin.closed:
            self.proc.stdin.close()
        rest = []
        while True:
            event = self.next_event()
            if event is None:
                break
            rest.append(event)
        self.proc.wait(timeout=max(0.1, self.deadline - time.monotonic()))
        self.stderr = self.proc.stderr.read()
        return self.proc.returncode, rest

    def kill(self):
        """For cleanup: ends the process if still running and closes the pipes."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=STOP_TIMEOUT)
        self._reader.join(timeout=STOP_TIMEOUT)
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            if stream and not stream.closed:
                stream.close()


def read_text(path):
    """The file's text (undecodable bytes replaced), or "" if it cannot be read (yet)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def tail(path, n):
    """The last n lines of the file, or "" if it cannot be read."""
    return "".join(read_text(path).splitlines(keepends=True)[-n:])


def read_listening(proc, ready):
    """Reads `serve`'s stdout until ready(ports) or START_TIMEOUT; returns (ports, lines).

    ports maps "http" and "sip" to the ports of the `listening ...` lines seen so far.
    """
    deadline = time.monotonic() + START_TIMEOUT
    ports, lines = {}, []
    while time.monotonic() < deadline and not ready(ports):
        if proc.poll() is not None:
            break
        readable, _, _ = select.select([proc.stdout], [], [], 0.05)
        if not readable:
            continue
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        m = re.fullmatch(rb"listening (http|sip):(?://)?127\.0\.0\.1:(\d+)\r?\n", line)
        if m:
            ports[m.group(1).decode()] = int(m.group(2))
    return ports, lines


def free_port():
    """A loopback TCP port that was free a moment ago, for peers that cannot take port 0 (a
    config that must name callgate's own port, Kannel's boxes)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Below the kernel's ephemeral range (net.ipv4.ip_local_port_range, 32768-60999 by default).
# Linux hands bind(0) odd ports and connect() even ones, so `free_port() + 1` is exactly where
# the suite's many outgoing connections (and their TIME_WAIT) land; a peer that binds a block
# of neighbours must not take its block from there.
_BLOCK_RANGE = (20000, 32000)


def free_port_block(count, protocols=("tcp", "udp"), attempts=200):
    """The first of `count` consecutive loopback ports that were all free a moment ago for
    every protocol in `protocols`, for peers that bind neighbours of the port they are given
    (baresip: SIP on p, SIP/TLS on p+1; SIPp: audio RTP/RTCP on p, p+1, video on p+2, p+3).
    Bound without SO_REUSEADDR, so a port in TIME_WAIT counts as taken, as it does for the peer."""
    kinds = {"tcp": socket.SOCK_STREAM, "udp": socket.SOCK_DGRAM}
    rng = random.SystemRandom()
    for _ in range(attempts):
        base = rng.randrange(_BLOCK_RANGE[0], _BLOCK_RANGE[1] - count)
        socks = []
        try:
            for port in range(base, base + count):
                for proto in protocols:
                    s = socket.socket(socket.AF_INET, kinds[proto])
                    socks.append(s)
                    s.bind(("127.0.0.1", port))
            return base
        except OSError:
            continue
        finally:
            for s in socks:
                s.close()
    raise RuntimeError(f"no {count} consecutive free ports on 127.0.0.1 in {_BLOCK_RANGE}")


class RecordingServer:
    """An HTTP server on 127.0.0.1 (port 0) standing in for a provider's API: it records every
    request (method, path, query, headers, body) and answers from a script, then `default`.
    Runs in a daemon thread; close() stops it. Thread-safe reads through requests_snapshot()."""

    def __init__(self):
        self._lock = threading.Lock()
        self._requests = []
        self._script = []
        self.default = (200, {}, b"")
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                path, _, query = self.path.partition("?")
                record = {"method": self.command, "path": path, "query": query,
                          "headers": {k.lower(): v for k, v in self.headers.items()},
                          "header_list": list(self.headers.items()), "body": body,
                          "at": time.monotonic()}
                with outer._lock:
                    outer._requests.append(record)
                    status, headers, payload = outer._script.pop(0) if outer._script else outer.default
                if isinstance(payload, str):
                    payload = payload.encode("utf-8")
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = _handle

            def log_message(self, *args):  # quiet
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)
        self._thread.start()

    def respond(self, status, body=b"", headers=None):
        """Queues the answer to the next unanswered request."""
        with self._lock:
            self._script.append((status, dict(headers or {}), body))

    def requests_snapshot(self):
        with self._lock:
            return list(self._requests)

    def close(self):
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=STOP_TIMEOUT)


def wait_until(predicate, timeout, interval=0.05, what="condition"):
    """Polls `predicate` until it returns a truthy value (returned) or `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


class FaultyProvider:
    """A provider's HTTP API on 127.0.0.1 that can be switched between failures while callgate
    runs: mode "answer" (status, headers, body from answer()), "hang" (reads the request and never
    answers, holding the connection until the client gives up), "refuse" (nothing listens on the
    port: connections are refused; switching back listens on the same port again). Records every
    request it read (method, path, headers, body) and counts connections still open, so a test
    can see that the client closed every one it gave up on. Thread-safe; close() ends it."""

    def __init__(self):
        self._lock = threading.Lock()
        self._requests = []
        self._open = set()
        self._answer = (200, {}, b"")
        self._mode = "answer"
        self._listener = None
        self._closed = False
        self.port = self._listen(0)
        self.url = f"http://127.0.0.1:{self.port}"

    def _listen(self, port):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", port))
        sock.listen(64)
        self._listener = sock
        threading.Thread(target=self._accept, args=(sock,), daemon=True).start()
        return sock.getsockname()[1]

    def _accept(self, sock):
        while True:
            try:
                conn, _ = sock.accept()
            except OSError:
                return  # closed: "refuse" mode or close()
            with self._lock:
                self._open.add(conn)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        try:
            conn.settimeout(30)
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                data += chunk
            head, _, body = data.partition(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            headers = {k.strip().lower(): v.strip() for k, _, v in (h.partition(":") for h in lines[1:])}
            while len(body) < int(headers.get("content-length") or 0):
                chunk = conn.recv(65536)
                if not chunk:
                    break
                body += chunk
            method, path = lines[0].split(" ")[:2]
            with self._lock:
                self._requests.append({"method": method, "path": path, "headers": headers,
                                       "body": body, "at": time.monotonic()})
                mode, (status, extra, payload) = self._mode, self._answer
            if mode == "hang":
                while conn.recv(65536):  # until the client closes the connection
                    pass
                return
            if isinstance(payload, str):
                payload = payload.encode("utf-8")
            out = [f"HTTP/1.1 {status} Status", f"Content-Length: {len(payload)}", "Connection: close"]
            out += [f"{k}: {v}" for k, v in extra.items()]
            conn.sendall(("\r\n".join(out) + "\r\n\r\n").encode("latin-1") + payload)
        except OSError:
            pass
        finally:
            with self._lock:
                self._open.discard(conn)
            conn.close()

    def answer(self, status, body=b"", headers=None):
        """Answers every request with this from now on (and listens again after "refuse")."""
        with self._lock:
            self._answer = (status, dict(headers or {}), body)
        self._set_mode("answer")

    def hang(self):
        self._set_mode("hang")

    def refuse(self):
        self._set_mode("refuse")

    def _set_mode(self, mode):
        with self._lock:
            previous, self._mode = self._mode, mode
            listener = self._listener
        if mode == "refuse" and previous != "refuse":
            self._stop_listening(listener)
        elif mode != "refuse" and previous == "refuse":
            self._listen(self.port)

    @staticmethod
    def _stop_listening(listener):
        # shutdown() first: close() alone neither wakes the thread blocked in accept() nor stops
        # the kernel from accepting while that thread still holds the socket.
        try:
            listener.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        listener.close()

    def requests_snapshot(self):
        with self._lock:
            return list(self._requests)

    def open_connections(self):
        with self._lock:
            return len(self._open)

    def close(self):
        with self._lock:
            self._mode = "refuse"
            listener, conns = self._listener, list(self._open)
        self._stop_listening(listener)
        for conn in conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
