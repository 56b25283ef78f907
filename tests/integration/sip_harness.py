"""Helpers for callgate's SIP black-box tests: real peers on 127.0.0.1.

- SipWorkspace / CallgateSip: `callgate serve --sip 127.0.0.1:0` with a [sip] config.
- Baresip: one baresip instance in a temporary config dir, driven over ctrl_tcp (netstring-framed
  JSON), its SIP trace (-s) parsed into messages, its received audio recorded by sndfile.
- WAV helpers (sox): silence, in-band DTMF tone strings, mu-law raw files for SIPp's rtp_stream;
  RMS / "not silence" checks; a spandsp (ctypes) DTMF detector to validate generated tones.
- run_sipp(): a SIPp scenario against a target with -m/-r/-l limits and a hard timeout, returning
  the exit code, the final -trace_stat row and the screen/error/message logs.

Everything is bounded in time; every process started here is stopped by its owner's stop()/
cleanup. Findings about baresip 1.0.0 / SIPp 3.6.1 that shaped this file are in docs/SIP_TESTING.md.
"""

import array
import csv
import ctypes
import datetime
import glob
import json
import math
import os
import queue
import re
import select
import shutil
import signal
import socket
import subprocess
import threading
import time
import unittest
import urllib.parse
import wave

import harness
import speech_audio
from verdict_check import agent_keys, verify_verdict

BARESIP = shutil.which("baresip")
SIPP = shutil.which("sipp")
SOX = shutil.which("sox")
BARESIP_MODULES = "/usr/lib/baresip/modules"
SIP_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "sip")
SIPP_SHARE = "/usr/share/sip-tester"   # Debian's sip-tester pcaps (dtmf_2833_*.pcap: PT 101)

free_port = harness.free_port
free_port_block = harness.free_port_block


def require_peers(*tools):
    """Class decorator: fail (not skip) when the callgate binary or a peer program is missing,
    naming what is missing and that scripts/install-deps.sh installs it."""
    paths = {"baresip": BARESIP, "sipp": SIPP, "sox": SOX}

    def wrap(cls):
        missing = [t for t in tools if not paths.get(t)]
        if missing:
            return harness.fail_class(cls, harness.missing_programs_message(missing))
        return harness.require_binary(cls)
    return wrap


def toml_string(text):
    return json.dumps(text)  # JSON string escapes are valid TOML basic strings


# ---------------------------------------------------------------------------------------------
# callgate with SIP


class SipWorkspace(harness.Workspace):
    """A workspace with two TOML files: `base` (storage, SMS outbox, key files) for every CLI
    command, and `sip` (base + [sip]) for `serve`."""

    def __init__(self):
        super().__init__()
        self.base_config = self.path("callgate.toml")
        self.sip_config = self.path("callgate-sip.toml")
        self.sms_flag = None
        self._base_lines = [
            "[storage]", f"db = {toml_string(self.db)}",
            "[sms]", f"sink = {toml_string('outbox:' + self.outbox)}",
            "[security]",
            f"otp_secret_file = {toml_string(self.key)}",
            f"pin_pepper_file = {toml_string(self.path('pin.key'))}",
            f"audit_log = {toml_string(self.audit)}",
            "[links]", f"public_base_url = {toml_string('http://127.0.0.1:1')}",
            "[tokens]", f"key_file = {toml_string(self.path('jwt-keys.json'))}",
        ]
        self._write(self.base_config, self._base_lines)

    @staticmethod
    def _write(path, lines):
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")

    def store_args(self):
        return ["--config", self.base_config]

    def write_sip_config(self, default_agent, default_flow=None, numbers=None, queues=None,
                         stir=None, speech=None, **sip_keys):
        """[sip] for serve. `sip_keys` are extra [sip] keys (max_calls=2, provisional="none",
        t1_ms=100, t2_ms=400 ...); strings/ints/dicts are written as TOML. `speech`: the keys of
        a [speech] table (enabled=True, confirm_below=0.0 ...). The table is always written with
        the repository's digits dictionary and MLLR transform (serve runs in the workspace, and the default paths are
        relative to the working directory), so speech is on as in the product."""
        def value(v):
            if isinstance(v, bool):
                return "true" if v else "false"
            if isinstance(v, (int, float)):
                return str(v)
            if isinstance(v, dict):
                return "{ " + ", ".join(f"{k} = {value(x)}" for k, x in v.items()) + " }"
            if isinstance(v, (list, tuple)):
                return "[" + ", ".join(value(x) for x in v) + "]"
            return toml_string(str(v))

        lines = list(self._base_lines)
        lines += ["[sip]",
                  f"default_flow = {toml_string(default_flow or harness.DEFAULT_FLOW)}",
                  f"default_agent = {toml_string(default_agent)}",
                  f"prompts_dir = {toml_string(self.path('prompts'))}"]
        lines += [f"{k} = {value(v)}" for k, v in sip_keys.items()]
        lines.append("[sip.numbers]")
        lines += [f"{toml_string(k)} = {toml_string(v)}" for k, v in (numbers or {}).items()]
        lines.append("[sip.queues]")
        lines += [f"{toml_string(k)} = {toml_string(v)}" for k, v in (queues or {}).items()]
        lines.append("[sip.stir]")
        lines += [f"{k} = {value(v)}" for k, v in (stir or {}).items()]
        shared = os.path.join(harness.SOURCE_DIR, "share", "speech")
        speech = {"dictionary": os.path.join(shared, "digits.dict"),
                  "mllr": os.path.join(shared, "telephone.mllr"), **(speech or {})}
        lines.append("[speech]")
        lines += [f"{k} = {value(v)}" for k, v in speech.items()]
        self._write(self.sip_config, lines)

    def import_demo_customers(self):
        csv_path = os.path.join(harness.SOURCE_DIR, "demo", "customers.csv")
        r = self.run("customers", "import", *self.store_args(), csv_path)
        if r.returncode != 0:
            raise AssertionError(f"customers import failed ({r.returncode}): {r.stderr}")


class CallgateSip:
    """`callgate serve --http 127.0.0.1:0 --sip 127.0.0.1:0 --config <sip config>`."""

    def __init__(self, ws, *extra_args, env=None):
        self.ws = ws
        self.log_path = ws.path(f"serve-sip-{time.monotonic_ns()}.log")
        self._log = open(self.log_path, "wb")
        environment = dict(os.environ)
        environment.pop("CALLGATE_OTP_SECRET", None)
        environment.update(env or {})
        self.proc = subprocess.Popen(
            [harness.BIN, "serve", "--http", "127.0.0.1:0", "--sip", "127.0.0.1:0",
             "--config", ws.sip_config, *extra_args],
            cwd=ws.dir, stdout=subprocess.PIPE, stderr=self._log, env=environment,
            # Unbuffered: select() must see the second line ("listening sip:") even when both
            # lines arrive together; a buffered reader would swallow it into its buffer.
            bufsize=0)
        self.host = "127.0.0.1"
        self.http_port = None
        self.sip_port = None
        self._wait_listening()

    def _wait_listening(self):
        ports, lines = harness.read_listening(self.proc, lambda p: "sip" in p)
        self.http_port, self.sip_port = ports.get("http"), ports.get("sip")
        if self.sip_port is not None:
            return
        self.stop()
        tail = self.log_tail()
        raise AssertionError(f"serve --sip did not start (stdout {lines!r}); log:\n{tail}")

    @property
    def uri_host(self):
        return f"127.0.0.1:{self.sip_port}"

    def uri(self, user):
        return f"sip:{user}@127.0.0.1:{self.sip_port}"

    def log_tail(self, n=40):
        return harness.tail(self.log_path, n)

    def cpu_seconds(self):
        return proc_cpu_seconds(self.proc.pid)

    def log_events(self, event, **fields):
        """The log lines `... event=<event> k=v ...` whose fields equal `fields`, in order, as
        dicts of their key=value fields plus "time" (the line's UTC timestamp, epoch seconds).
        serve buffers its log and flushes it every second: a line shows up to ~1 s late, but
        its timestamp is when it was logged."""
        text = harness.read_text(self.log_path)
        out = []
        for line in text.splitlines():
            parsed = parse_log_line(line)
            if parsed and parsed.get("event") == event and all(
                    parsed.get(k) == str(v) for k, v in fields.items()):
                out.append(parsed)
        return out

    def wait_log_event(self, event, timeout, what=None, predicate=None, **fields):
        """The first log line log_events(event, **fields) that satisfies `predicate`, waiting up
        to `timeout` seconds; AssertionError with the log's tail otherwise."""
        found = []

        def seen():
            found[:] = [e for e in self.log_events(event, **fields)
                        if predicate is None or predicate(e)][:1]
            return bool(found)
        try:
            harness.wait_until(seen, timeout, interval=0.05,
                               what=what or f"event={event} {fields} in callgate's log")
        except AssertionError as e:
            raise AssertionError(f"{e}\nlog:\n{self.log_tail(60)}") from None
        return found[0]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=harness.STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=harness.STOP_TIMEOUT)
        if self.proc.stdout and not self.proc.stdout.closed:
            self.proc.stdout.close()
        if not self._log.closed:
            self._log.close()
        return self.proc.returncode


_LOG_LINE = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3})Z level=(\w+) (.*)$")
_LOG_FIELD = re.compile(r'(\w+)=("(?:[^"\\]|\\.)*"|\S*)')


def parse_log_line(line):
    """`2026-11-21T21:45:56.123Z level=info event=x a=1 b="two words"` -> {"time": epoch
    seconds, "level": "info", "event": "x", "a": "1", "b": "two words"}; None for other lines."""
    m = _LOG_LINE.match(line)
    if not m:
        return None
    stamp = datetime.datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S.%f")
    out = {"time": stamp.replace(tzinfo=datetime.timezone.utc).timestamp(), "level": m.group(2)}
    for key, value in _LOG_FIELD.findall(m.group(3)):
        out.setdefault(key, value[1:-1] if value.startswith('"') else value)
    return out


def proc_cpu_seconds(pid):
    """utime + stime of a process from /proc/<pid>/stat, in seconds."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])   # fields 14 and 15 of proc(5)
    return ticks / os.sysconf("SC_CLK_TCK")


class SipTestCase(unittest.TestCase):
    """A SipWorkspace per test."""

    def setUp(self):
        self.ws = SipWorkspace()
        self.addCleanup(self.ws.cleanup)

    def start_callgate(self, *extra_args, **kwargs):
        server = CallgateSip(self.ws, *extra_args, **kwargs)
        self.addCleanup(server.stop)
        self.last_callgate = server  # whose JWKS checks the verdicts (expect_transfer)
        return server

    def start_baresip(self, directory, **kwargs):
        kwargs.setdefault("name", directory)
        peer = Baresip(self.ws.path(directory), **kwargs)
        self.addCleanup(peer.stop)
        return peer

    def expect_transfer(self, caller, auth, method, transfer_wait=30, setup_wait=15):
        """The caller gets one REFER to `self.agent` (a baresip started with answer="auto")
        carrying the verdict, follows it, the agent answers, and callgate ends its own leg;
        returns the REFER."""
        caller.wait_event("TRANSFER", transfer_wait)  # (its target is checked in the REFER)
        self.agent.wait_event("CALL_ESTABLISHED", setup_wait)
        refers = caller.received("REFER")
        self.assertEqual(len(refers), 1, refers)
        refer = refers[0]
        # Header fields on the REFER itself ...
        fields = {norm(k): v[0] for k, v in refer.headers.items()}
        self.assertEqual(fields.get("xcallgateauth"), auth, refer.headers)
        self.assertEqual(fields.get("xcallgateauthmethod", "").lower(), method.lower(), refer.headers)
        self.assertTrue(refer.header("Referred-By"), refer.headers)
        # ... and the same as URI headers of Refer-To (RFC 3261 19.1.1).
        refer_to = refer.header("Refer-To")
        self.assertRegex(refer_to, rf"<sip:agent@127\.0\.0\.1:{self.agent.sip_port}\?")
        uri_headers = uri_query(refer_to)
        self.assertEqual(uri_headers.get("xcallgateauth"), auth, refer_to)
        self.assertEqual(uri_headers.get("xcallgateauthmethod", "").lower(), method.lower(), refer_to)
        # The signed verdict, bound to this call and this agent; PyJWT checks it from the JWKS.
        # (What it says is callgate's own record, which each test checks where it matters.)
        refer.verdict = verify_verdict(self, refer.header("X-Callgate-Verdict"),
                                       agent_keys(self.last_callgate.http_port),
                                       refer.header("Call-ID"),
                                       target=f"sip:agent@127.0.0.1:{self.agent.sip_port}")
        # What reaches the agent: baresip carries the URI headers in its Request-URI.
        invites = self.agent.received("INVITE")
        self.assertEqual(len(invites), 1, invites)
        self.assertEqual(uri_query(invites[0].request_uri).get("xcallgateauth"), auth,
                         invites[0].request_uri)
        # callgate ends its own leg once the transfer succeeded.
        caller.wait_event("CALL_CLOSED", 10,
                          predicate=lambda e: "agent@" not in e.get("peeruri", ""))
        return refer


# ---------------------------------------------------------------------------------------------

def norm(name):
    """Header names compared without case or hyphens: X-Callgate-First-Name == X-Callgate-firstName."""
    return name.replace("-", "").lower()


def uri_query(uri):
    """URI headers of a SIP URI (optionally in <>), names normalised, values %-decoded."""
    inner = uri.strip().lstrip("<").split(">")[0]
    _, _, query = inner.partition("?")
    return {norm(k): urllib.parse.unquote(v)
            for k, _, v in (p.partition("=") for p in query.split("&") if p)}


# baresip


def _netstring(payload: bytes) -> bytes:
    return str(len(payload)).encode() + b":" + payload + b","


class CtrlTcp:
    """baresip's ctrl_tcp: netstring-framed JSON. Commands get {"response":true,"ok":..,
    "data":..,"token":..}; events arrive as {"event":true,"type":"CALL_ESTABLISHED",...}.
    A reader thread sorts them into two queues; every wait has a deadline."""

    def __init__(self, port, timeout=10.0):
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.sock = socket.create_connection(("127.0.0.1", port), timeout=1.0)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        self.sock.settimeout(None)
        self.events = queue.Queue()
        self.responses = queue.Queue()
        self.history = []           # every event, in order
        self._token = 0
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        buf = b""
        try:
            while True:
                chunk = self.sock.recv(65536)
                if not chunk:
                    break
                buf += chunk
                while True:
                    colon = buf.find(b":")
                    if colon < 0 or not buf[:colon].isdigit():
                        break
                    n = int(buf[:colon])
                    if len(buf) < colon + 1 + n + 1:
                        break
                    payload = buf[colon + 1:colon + 1 + n]
                    buf = buf[colon + 1 + n + 1:]
                    try:
                        msg = json.loads(payload)
                    except ValueError:
                        continue
                    if msg.get("event"):
                        self.history.append(msg)
                        self.events.put(msg)
                    else:
                        self.responses.put(msg)
        except OSError:
            pass
        self.events.put(None)

    def command(self, command, params="", timeout=5.0):
        with self._lock:
            self._token += 1
            token = str(self._token)
            msg = {"command": command, "params": params, "token": token}
            self.sock.sendall(_netstring(json.dumps(msg).encode()))
            deadline = time.monotonic() + timeout
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"baresip: no response to {command!r}")
                try:
                    resp = self.responses.get(timeout=left)
                except queue.Empty:
                    continue
                if resp.get("token") == token:
                    return resp

    def wait_event(self, types, timeout, predicate=None):
        """The next event whose type is in `types` (str or tuple) and satisfies `predicate`;
        other events are skipped (they stay in `history`)."""
        if isinstance(types, str):
            types = (types,)
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"baresip: no {types} event within {timeout} s; events: "
                                     f"{[e.get('type') for e in self.history]}")
            try:
                event = self.events.get(timeout=left)
            except queue.Empty:
                continue
            if event is None:
                self.events.put(None)
                raise AssertionError(f"baresip ctrl_tcp closed while waiting for {types}")
            if event.get("type") in types and (predicate is None or predicate(event)):
                return event

    def close(self):
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()
        self._reader.join(timeout=2)


class SipMessage:
    """One SIP message from baresip's -s trace: first line, headers (lower-case names -> list of
    values), body, and the transport line ("UDP a -> b")."""

    def __init__(self, route, text):
        self.route = route
        head, _, self.body = text.partition("\n\n")
        lines = head.split("\n")
        self.first_line = lines[0].strip()
        self.headers = {}
        for line in lines[1:]:
            name, sep, value = line.partition(":")
            if sep:
                self.headers.setdefault(name.strip().lower(), []).append(value.strip())

    @property
    def method(self):
        return None if self.first_line.startswith("SIP/2.0") else self.first_line.split(" ")[0]

    @property
    def request_uri(self):
        return None if self.method is None else self.first_line.split(" ")[1]

    @property
    def status(self):
        return int(self.first_line.split(" ")[1]) if self.first_line.startswith("SIP/2.0") else None

    def header(self, name, default=None):
        values = self.headers.get(name.lower())
        return values[0] if values else default

    def __repr__(self):
        return f"<SipMessage {self.route}: {self.first_line}>"


_ANSI = re.compile(r"\x1b\[[0-9;]*m")
# baresip -s prints each SIP message as ESC[36;1m "#\n<TP> <src> -> <dst>\n" <message with LF
# line ends> ESC[;m. The colour reset is the only reliable end (Content-Length counts CRLFs).
_TRACE = re.compile(r"#\n(UDP|TCP|TLS) (\S+ -> \S+)\n(.*?)(?=\x1b\[;m|\n#\n(?:UDP|TCP|TLS) |\Z)",
                    re.S)


def parse_baresip_trace(text):
    """The SIP messages of a baresip -s log, in order."""
    out = []
    for m in _TRACE.finditer(text):
        message = _ANSI.sub("", m.group(3)).replace("\r\n", "\n").rstrip("\n")
        head, _, body = message.partition("\n\n")
        out.append(SipMessage(f"{m.group(1)} {m.group(2)}", head + "\n\n" + body))
    return out


class Baresip:
    """A baresip user agent on 127.0.0.1 (see docs/SIP_TESTING.md for the config lines).

    `audio`: the WAV it sends (8 kHz mono 16-bit; pad it: baresip ends the call when the file
    ends); `record`: the sndfile module writes what it receives (and sends) to WAVs in
    <dir>/rec; `answer`: answermode (auto answers incoming calls, for agents).
    """

    def __init__(self, directory, name="tester", audio=None, record=False, answer="auto",
                 codecs="PCMU", start_timeout=10.0):
        self.dir = directory
        self.name = name
        self.rec_dir = os.path.join(directory, "rec")
        os.makedirs(self.rec_dir, exist_ok=True)
        if audio is None:
            audio = os.path.join(directory, "silence.wav")
            make_silence(audio, 60)
        self.audio = audio
        self.log_path = os.path.join(directory, "baresip.log")
        last_error = None
        for _ in range(3):   # a free port can be taken between the probe and baresip's bind
            # baresip listens for SIP/UDP and TCP on sip_port and for SIP/TLS on sip_port + 1
            self.sip_port, self.ctrl_port = free_port_block(2), free_port()
            modules = ["account", "g711", "aufile", "aubridge", "ctrl_tcp"]
            if record:
                modules.append("sndfile")
            lines = [
                "poll_method\t\tpoll",
                f"sip_listen\t\t127.0.0.1:{self.sip_port}",
                "net_interface\t\t127.0.0.1",
                f"audio_source\t\taufile,{audio}",
                "audio_player\t\taubridge,nil",
                "audio_alert\t\taubridge,nil",
                f"module_path\t\t{BARESIP_MODULES}",
                *[f"module\t\t\t{m}.so" for m in modules],
                "module_app\t\tmenu.so",     # menu follows REFER (transfers) in baresip 1.0.0
                f"ctrl_tcp_listen\t\t127.0.0.1:{self.ctrl_port}",
                f"snd_path\t\t{self.rec_dir}",
                "rtp_timeout\t\t0",
            ]
            with open(os.path.join(directory, "config"), "w", encoding="utf-8") as f:
                f.write("\n".join(lines) + "\n")
            with open(os.path.join(directory, "accounts"), "w", encoding="utf-8") as f:
                f.write(f"<sip:{name}@127.0.0.1>;regint=0;answermode={answer};"
                        f"audio_codecs={codecs}\n")
            self._log = open(self.log_path, "wb")
            self.proc = subprocess.Popen([BARESIP, "-f", directory, "-s"], cwd=directory,
                                         stdin=subprocess.DEVNULL, stdout=self._log,
                                         stderr=subprocess.STDOUT)
            try:
                self.ctrl = CtrlTcp(self.ctrl_port, timeout=start_timeout)
                if self.proc.poll() is None and "Address already in use" not in self.log():
                    return
                last_error = "bind failed"
            except OSError as e:
                last_error = e
            self._kill()
        raise AssertionError(f"baresip {name} did not start: {last_error}\n{self.log()[-2000:]}")

    @property
    def uri(self):
        return f"sip:{self.name}@127.0.0.1:{self.sip_port}"

    def log(self):
        return harness.read_text(self.log_path)

    def sip_messages(self):
        return parse_baresip_trace(self.log())

    def received(self, method=None):
        """SIP requests (or, method=None, all messages) this UA received."""
        local = f"127.0.0.1:{self.sip_port}"
        return [m for m in self.sip_messages()
                if m.route.endswith("-> " + local) and (method is None or m.method == method)]

    def sent(self, method=None):
        local = f"127.0.0.1:{self.sip_port} ->"
        return [m for m in self.sip_messages()
                if local in m.route and (method is None or m.method == method)]

    # Commands (see docs/SIP_TESTING.md): responses are dicts with "ok" and "data".
    def command(self, command, params=""):
        return self.ctrl.command(command, params)

    def dial(self, uri):
        return self.command("dial", uri)

    def sndcode(self, digits):
        return self.command("sndcode", digits)

    def hangup(self):
        return self.command("hangup")

    def switch_audio_source(self, wav):
        """Mid-call: send another WAV (menu's `ausrc aufile,<path>`)."""
        return self.command("ausrc", f"aufile,{wav}")

    def wait_event(self, types, timeout=10.0, predicate=None):
        return self.ctrl.wait_event(types, timeout, predicate)

    def recordings(self, kind="dec"):
        """WAVs sndfile wrote: kind "dec" = audio received from the peer, "enc" = sent."""
        return sorted(glob.glob(os.path.join(self.rec_dir, f"*-{kind}.wav")), key=os.path.getmtime)

    def _kill(self):
        if getattr(self, "ctrl", None):
            self.ctrl.close()
            self.ctrl = None
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=5)
        self._log.close()

    def stop(self):
        """`quit` over ctrl_tcp (hangs up and flushes recordings), then SIGTERM/SIGKILL."""
        if self.proc.poll() is None and getattr(self, "ctrl", None):
            try:
                self.ctrl.command("quit", timeout=2)
            except (AssertionError, OSError):
                pass
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.terminate()
                try:
                    self.proc.wait(timeout=3)
                except subprocess.TimeoutExpired:
                    pass
        self._kill()


# ---------------------------------------------------------------------------------------------
# Audio: WAVs with sox, RMS, DTMF check with spandsp

DTMF_FREQS = {"1": (697, 1209), "2": (697, 1336), "3": (697, 1477), "A": (697, 1633),
              "4": (770, 1209), "5": (770, 1336), "6": (770, 1477), "B": (770, 1633),
              "7": (852, 1209), "8": (852, 1336), "9": (852, 1477), "C": (852, 1633),
              "*": (941, 1209), "0": (941, 1336), "#": (941, 1477), "D": (941, 1633)}


def _sox(*args):
    r = subprocess.run([SOX, *args], capture_output=True, text=True, timeout=30)
    if r.returncode != 0:
        raise AssertionError(f"sox {' '.join(args)} failed: {r.stderr}")


def make_silence(path, seconds):
    _sox("-n", "-r", "8000", "-c", "1", "-b", "16", path, "trim", "0", str(seconds))
    return path


def make_dtmf_wav(path, digits, tone=0.1, gap=0.1, level_db=-10, lead=0.5, tail=30.0):
    """In-band DTMF: `lead` s of silence, each digit a dual tone of `tone` s (peak normalised to
    `level_db` dBFS) followed by `gap` s of silence, then `tail` s of silence (baresip ends the
    call when its aufile ends). 8 kHz mono 16-bit."""
    work = path + ".parts"
    os.makedirs(work, exist_ok=True)
    parts = [make_silence(os.path.join(work, "lead.wav"), lead)]
    gap_wav = make_silence(os.path.join(work, "gap.wav"), gap)
    for i, d in enumerate(digits):
        lo, hi = DTMF_FREQS[d.upper()]
        t = os.path.join(work, f"t{i}.wav")
        _sox("-n", "-r", "8000", "-c", "1", "-b", "16", t, "synth", str(tone), "sine", str(lo),
             "sine", str(hi), "remix", "-", "gain", "-n", str(level_db))
        parts += [t, gap_wav]
    if tail > 0:
        parts.append(make_silence(os.path.join(work, "tail.wav"), tail))
    _sox(*parts, path)
    shutil.rmtree(work, ignore_errors=True)
    return path


def make_ulaw_raw(wav, out):
    """Headerless G.711 mu-law bytes: what SIPp's `rtp_stream=file,loops,0` sends (160 B/20 ms)."""
    _sox(wav, "-t", "raw", "-r", "8000", "-c", "1", "-e", "u-law", out)
    return out


def read_wav_mono16(path):
    """(sample rate, array('h')) of a 16-bit WAV; multi-channel files keep channel 0."""
    rate, _, samples = speech_audio.read_samples(path)
    return rate, samples


def rms_dbfs(samples):
    if not samples:
        return -120.0
    acc = sum(s * s for s in samples) / len(samples)
    return 20 * math.log10(max(math.sqrt(acc), 1e-9) / 32768.0)


def audio_activity(path, window=0.1, threshold_dbfs=-40.0):
    """(seconds of audio, seconds whose `window` RMS exceeds `threshold_dbfs`, overall dBFS)."""
    rate, samples = read_wav_mono16(path)
    n = max(1, int(rate * window))
    active = sum(1 for i in range(0, len(samples), n) if rms_dbfs(samples[i:i + n]) > threshold_dbfs)
    return len(samples) / rate, active * window, rms_dbfs(samples)


def is_not_silence(path, min_active_seconds=0.5, threshold_dbfs=-40.0):
    """True when at least `min_active_seconds` of the WAV are louder than `threshold_dbfs`."""
    _, active, _ = audio_activity(path, threshold_dbfs=threshold_dbfs)
    return active >= min_active_seconds


def spandsp_dtmf_detect(path, through_ulaw=True):
    """The digits spandsp's dtmf_rx (callgate's in-band detector) finds in a WAV, optionally
    after a G.711 mu-law round trip, in 20 ms blocks as the media clock delivers them."""
    lib = ctypes.CDLL("libspandsp.so.2")
    lib.dtmf_rx_init.restype = ctypes.c_void_p
    lib.dtmf_rx_init.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
    lib.dtmf_rx.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int]
    lib.dtmf_rx_get.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    lib.dtmf_rx_get.restype = ctypes.c_size_t
    lib.dtmf_rx_free.argtypes = [ctypes.c_void_p]
    rate, samples = read_wav_mono16(path)
    if rate != 8000:
        raise AssertionError(f"{path}: {rate} Hz, want 8000")
    if through_ulaw:
        samples = array.array("h", (_ulaw_decode(_ulaw_encode(s)) for s in samples))
    state = lib.dtmf_rx_init(None, None, None)
    digits = []
    buf = ctypes.create_string_buffer(128)
    try:
        for i in range(0, len(samples), 160):
            block = samples[i:i + 160]
            lib.dtmf_rx(state, block.buffer_info()[0], len(block))
            n = lib.dtmf_rx_get(state, buf, 127)
            digits.append(buf.raw[:n].decode())
    finally:
        lib.dtmf_rx_free(state)
    return "".join(digits)


def _ulaw_encode(sample):
    # G.711 mu-law (ITU-T G.711, the classic Sun implementation).
    sign = 0x80 if sample < 0 else 0
    magnitude = min(abs(sample), 32635) + 0x84
    exponent = 7
    mask = 0x4000
    while exponent > 0 and not magnitude & mask:
        exponent -= 1
        mask >>= 1
    mantissa = (magnitude >> (exponent + 3)) & 0x0F
    return ~(sign | (exponent << 4) | mantissa) & 0xFF


def _ulaw_decode(byte):
    byte = ~byte & 0xFF
    t = ((byte & 0x0F) << 3) + 0x84
    t <<= (byte & 0x70) >> 4
    return (0x84 - t) if byte & 0x80 else (t - 0x84)


# ---------------------------------------------------------------------------------------------
# SIPp


class SippResult:
    def __init__(self, returncode, stats, screen, errors, messages, stdout, timed_out,
                 max_current=0, elapsed=0.0):
        self.returncode = returncode
        self.max_current = max_current  # the most concurrent calls in any -fd period
        self.elapsed = elapsed          # wall seconds SIPp ran
        self.stats = stats            # last -trace_stat row: {"SuccessfulCall(C)": "200", ...}
        self.screen = screen          # the final -trace_screen text
        self.errors = errors          # -trace_err text
        self.messages = messages      # -trace_msg text ("" unless trace_msg=True)
        self.stdout = stdout
        self.timed_out = timed_out

    def stat(self, name):
        """An integer counter of the final statistics row, e.g. stat("FailedCall(C)")."""
        return int(self.stats.get(name, "0") or 0)

    @property
    def successful(self):
        return self.stat("SuccessfulCall(C)")

    @property
    def failed(self):
        return self.stat("FailedCall(C)")

    def summary(self):
        keys = ("TotalCallCreated", "SuccessfulCall(C)", "FailedCall(C)", "FailedMaxUDPRetrans(C)",
                "FailedUnexpectedMessage(C)", "FailedCallRejected(C)", "FailedCmdNotSent(C)",
                "FailedRegexpDoesntMatch(C)", "FailedRegexpHdrNotFound(C)", "FailedOutboundCongestion(C)",
                "FailedTimeoutOnRecv(C)", "FailedTimeoutOnSend(C)", "OutOfCallMsgs(C)", "Retransmissions(C)")
        parts = [f"{k}={self.stats[k]}" for k in keys if k in self.stats]
        return (f"sipp exit {self.returncode}{' (timed out)' if self.timed_out else ''}: "
                + " ".join(parts) + ("\nerrors:\n" + self.errors[-3000:] if self.errors.strip() else ""))

    def count(self, regex):
        """How many times `regex` (multi-line) occurs in the message trace."""
        return len(re.findall(regex, self.messages, re.M))


# SIPp's documented exit codes.
SIPP_EXIT = {0: "all calls succeeded", 1: "at least one call failed",
             97: "exit on internal command", 99: "normal exit without calls processed",
             255: "fatal error", 254: "fatal error binding a socket"}


def run_sipp(scenario, target, workdir, *, calls=1, rate=None, rate_period_ms=1000, limit=None,
             timeout=30, keys=None, extra=(), local_port=None, media_port=None, trace_msg=False,
             users=None, sn=None, wait=True, recv_timeout_ms=None, service=None):
    """Runs SIPp (UAC unless the scenario is a UAS) against `target` ("127.0.0.1:PORT" or None
    for a UAS) in `workdir`, bounded by `timeout` seconds (-timeout + -timeout_error, and a
    subprocess deadline). `scenario` is a path, or a name under tests/integration/sip/ without
    .xml, or with sn="uac"/"uas" one of SIPp's built-ins. Returns a SippResult (wait=True) or
    the Popen plus a function that collects the SippResult (wait=False)."""
    os.makedirs(workdir, exist_ok=True)
    if sn:
        scen_args, base = ["-sn", sn], sn
    else:
        path = scenario if os.path.sep in scenario else os.path.join(SIP_DIR, scenario + ".xml")
        scen_args, base = ["-sf", path], os.path.splitext(os.path.basename(path))[0]
    def launch(local_port, media_port):
        stamp = f"{base}-{time.monotonic_ns()}"
        files = {k: os.path.join(workdir, f"{stamp}-{k}.log") for k in ("stat", "screen", "err", "msg")}
        args = [SIPP, *scen_args, "-i", "127.0.0.1", "-p", str(local_port),
                "-mi", "127.0.0.1", "-mp", str(media_port),
                "-m", str(calls), "-nostdin", "-timeout", f"{timeout}s", "-timeout_error",
                "-trace_stat", "-stf", files["stat"], "-fd", "1",
                "-trace_screen", "-screen_file", files["screen"],
                "-trace_err", "-error_file", files["err"]]
        if trace_msg:
            args += ["-trace_msg", "-message_file", files["msg"]]
        if rate is not None:
            args += ["-r", str(rate), "-rp", str(rate_period_ms)]
        if limit is not None:
            args += ["-l", str(limit)]
        if users is not None:
            args += ["-users", str(users)]
        if service is not None:
            args += ["-s", service]           # [service]: the Request-URI user
        if recv_timeout_ms is not None:
            args += ["-recv_timeout", str(recv_timeout_ms)]
        for k, v in (keys or {}).items():
            args += ["-key", k, str(v)]
        args += list(extra)
        if target:
            args.append(target)
        out_path = os.path.join(workdir, f"{stamp}-stdout.log")
        out = open(out_path, "wb")
        started = time.monotonic()
        proc = subprocess.Popen(args, cwd=workdir, stdin=subprocess.DEVNULL, stdout=out,
                                stderr=subprocess.STDOUT)
        proc.sipp_port = local_port

        def collect(deadline_s=timeout + 15):
            timed_out = False
            try:
                proc.wait(timeout=deadline_s)
            except subprocess.TimeoutExpired:
                timed_out = True
                proc.send_signal(signal.SIGUSR1)   # SIPp: dump screen/stats and quit
                try:
                    proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(timeout=5)
            out.close()
            rows = _stat_rows(files["stat"])
            max_current = max((int(r.get("CurrentCall") or 0) for r in rows), default=0)
            return SippResult(proc.returncode, rows[-1] if rows else {}, _read(files["screen"]),
                              _read(files["err"]), _read(files["msg"]), _read(out_path), timed_out,
                              max_current, time.monotonic() - started)

        return proc, collect

    # A port that was free when chosen can be taken before SIPp binds it (parallel tests):
    # SIPp then exits at once with 254. Only ports this harness chose are chosen again.
    for attempt in range(3):
        proc, collect = launch(local_port or free_port(), media_port or free_port_block(4, ("udp",)))
        if not wait:
            return proc, collect
        result = collect()
        if result.returncode != 254 or (local_port and media_port) or attempt == 2:
            return result


def _read(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def _stat_rows(path):
    """The -trace_stat CSV (';'-separated, one row per -fd period and one at exit) as dicts."""
    text = _read(path)
    rows = list(csv.reader([line for line in text.splitlines() if line.strip()], delimiter=";"))
    if len(rows) < 2:
        return []
    return [{h: v for h, v in zip(rows[0], row) if h} for row in rows[1:]]


# ---------------------------------------------------------------------------------------------
# An SDP-filtering relay (in-band DTMF callers)


class TelephoneEventStripper:
    """A stateless UDP relay in front of a SIP server that deletes telephone-event from SDP
    bodies, so a baresip 1.0.0 caller (which always offers telephone-event/8000 PT 101 and has
    no account setting against it) negotiates no RFC 4733 and must send DTMF in-band.

    Datagrams from anyone but the server go to the server from the relay's socket; datagrams
    from the server go back to the last client. Only the INVITE transaction passes through it:
    baresip's Via carries rport, so the server answers the relay (RFC 3581), and later in-dialog
    requests use the Contact addresses directly. One client at a time."""

    def __init__(self, server_port):
        self.server = ("127.0.0.1", server_port)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.client = None
        self.stripped = 0
        self._stop = False
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    @staticmethod
    def strip(datagram):
        head, sep, body = datagram.partition(b"\r\n\r\n")
        if not sep or b"telephone-event" not in body:
            return datagram, False
        lines = body.split(b"\r\n")
        pts = set()
        for line in lines:
            m = re.match(rb"a=rtpmap:(\d+) telephone-event/", line)
            if m:
                pts.add(m.group(1))
        out = []
        for line in lines:
            if line.startswith(b"m=audio "):
                words = line.split(b" ")
                line = b" ".join(words[:3] + [w for w in words[3:] if w not in pts])
            elif any(line.startswith(b"a=rtpmap:" + p + b" ") or line.startswith(b"a=fmtp:" + p + b" ")
                     for p in pts):
                continue
            out.append(line)
        body = b"\r\n".join(out)
        head = re.sub(rb"(?im)^(Content-Length|l)[ \t]*:[ \t]*\d+",
                      b"Content-Length: " + str(len(body)).encode(), head)
        return head + sep + body, True

    def _run(self):
        self.sock.settimeout(0.2)
        while not self._stop:
            try:
                data, addr = self.sock.recvfrom(65535)
            except socket.timeout:
                continue
            except OSError:
                break
            if addr == self.server:
                if self.client:
                    self.sock.sendto(data, self.client)
            else:
                self.client = addr
                data, changed = self.strip(data)
                self.stripped += changed
                self.sock.sendto(data, self.server)

    def close(self):
        self._stop = True
        self._thread.join(timeout=2)
        self.sock.close()


# ---------------------------------------------------------------------------------------------
# A raw UDP SIP client for timing-exact cases (retransmissions, CANCEL races, garbage)

PCMU_OFFER = ("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
              "m=audio {port} RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\n"
              "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=ptime:20\r\n")


class RawSip:
    """One UDP socket on 127.0.0.1 that sends hand-written requests and collects every datagram
    it receives (parsed like baresip's trace). For tests that need byte-level control."""

    def __init__(self, server_port):
        self.server = ("127.0.0.1", server_port)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.inbox = []   # (monotonic time, SipMessage)
        self._n = 0

    def close(self):
        self.sock.close()

    def send_raw(self, data):
        self.sock.sendto(data if isinstance(data, bytes) else data.encode(), self.server)

    def request(self, method, user, call_id, cseq, branch, from_tag, to_tag=None, body="",
                cseq_method=None, extra=()):
        uri = f"sip:{user}@127.0.0.1:{self.server[1]}"
        lines = [f"{method} {uri} SIP/2.0",
                 f"Via: SIP/2.0/UDP 127.0.0.1:{self.port};branch={branch};rport",
                 f"From: <sip:+14155550123@127.0.0.1:{self.port}>;tag={from_tag}",
                 f"To: <{uri}>" + (f";tag={to_tag}" if to_tag else ""),
                 f"Call-ID: {call_id}", f"CSeq: {cseq} {cseq_method or method}",
                 f"Contact: <sip:+14155550123@127.0.0.1:{self.port}>", "Max-Forwards: 70",
                 *extra]
        if body:
            lines.append("Content-Type: application/sdp")
        lines.append(f"Content-Length: {len(body.encode())}")
        text = "\r\n".join(lines) + "\r\n\r\n" + body
        self.send_raw(text)
        return text

    def invite(self, user, call_id, branch, from_tag, rtp_port=40000):
        return self.request("INVITE", user, call_id, 1, branch, from_tag,
                            body=PCMU_OFFER.format(port=rtp_port))

    def collect(self, seconds, until=None):
        """Receives for up to `seconds` (or until `until(message)` is true); returns what came."""
        deadline = time.monotonic() + seconds
        got = []
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return got
            ready, _, _ = select.select([self.sock], [], [], left)
            if not ready:
                continue
            data, _ = self.sock.recvfrom(65535)
            text = data.decode("utf-8", "replace").replace("\r\n", "\n")
            head, _, body = text.partition("\n\n")
            msg = SipMessage("UDP", head + "\n\n" + body)
            self.inbox.append((time.monotonic(), msg))
            got.append(msg)
            if until and until(msg):
                return got

    def responses(self, method, status=None):
        return [m for _, m in self.inbox if m.status is not None
                and (m.header("CSeq") or "").endswith(" " + method)
                and (status is None or m.status == status)]


def to_tag(message):
    m = re.search(r";\s*tag=([^;>\s]+)", message.header("To", ""))
    return m.group(1) if m else None


class RtpSink:
    """A UDP socket that counts RTP packets per SSRC (what callgate sends to an SDP address)."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.per_ssrc = {}
        self.bad = 0
        self._stop = False
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        self.sock.settimeout(0.2)
        while not self._stop:
            try:
                data = self.sock.recv(2048)
            except socket.timeout:
                continue
            except OSError:
                break
            if len(data) < 12 or data[0] >> 6 != 2:
                self.bad += 1
                continue
            ssrc = int.from_bytes(data[8:12], "big")
            self.per_ssrc[ssrc] = self.per_ssrc.get(ssrc, 0) + 1

    def close(self):
        self._stop = True
        self._thread.join(timeout=2)
        self.sock.close()
