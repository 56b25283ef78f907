"""Helpers for callgate's multi-node black-box tests: one shared database, N `callgate serve`
nodes on free loopback ports, a Kamailio dispatcher in front of their SIP ports.

The shared database is PostgreSQL (a throwaway server from tests/support/pg_server.py), which is
what a cluster runs on. For development without the PostgreSQL wiring, CALLGATE_CLUSTER_BACKEND=
sqlite makes every node open the same SQLite file instead (WAL works across processes on one
machine), so the same tests run either way.

What the nodes share, as a real cluster would: the database URL, the OTP secret and PIN pepper
(the same CALLGATE_OTP_SECRET / CALLGATE_PIN_PEPPER in every node's environment), the public base
URL of texted links and Twilio webhooks (the load balancer's address, so the token issuer and the
Twilio signatures are the same everywhere), and the JWT key file. The SMS "provider" is one outbox
file every node appends to (one O_APPEND write per message), like a provider all nodes send
through. What each node has to itself: its HTTP and SIP ports, its config file, its log.

Everything listens on 127.0.0.1, every wait is bounded, and Cluster.stop() (registered as a
cleanup by ClusterTestCase) stops every process it started, by its own handle.
"""

import http.client
import os
import re
import secrets
import select
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import unittest

import harness
from sip_harness import parse_log_line, toml_string

BACKEND = os.environ.get("CALLGATE_CLUSTER_BACKEND", "postgres")
PUBLIC_BASE = "https://callgate.example.com"
KAMAILIO = shutil.which("kamailio") or (
    "/usr/sbin/kamailio" if os.access("/usr/sbin/kamailio", os.X_OK) else None)
KAMAILIO_CFG = os.path.join(harness.SOURCE_DIR, "deploy", "kamailio", "kamailio.cfg")
PG_SUPPORT_DIR = os.path.join(harness.SOURCE_DIR, "tests", "support")

harness.PACKAGE_OF.setdefault("kamailio", "kamailio")
harness.PACKAGE_OF.setdefault("sipp", "sip-tester")


def require_cluster(*programs):
    """Class decorator: fail (never skip) when the binary, a peer program or the chosen backend's
    support is missing, naming what is missing."""
    def wrap(cls):
        found = {"kamailio": KAMAILIO, "nginx": NGINX}
        missing = [p for p in programs if not found.get(p, shutil.which(p))]
        if missing:
            return harness.fail_class(cls, harness.missing_programs_message(missing))
        if BACKEND == "postgres" and not os.path.exists(os.path.join(PG_SUPPORT_DIR, "pg_server.py")):
            return harness.fail_class(cls, "tests/support/pg_server.py is missing: the cluster tests "
                                      "start their PostgreSQL with it")
        if BACKEND not in ("postgres", "sqlite"):
            return harness.fail_class(cls, f"CALLGATE_CLUSTER_BACKEND={BACKEND!r}: postgres or sqlite")
        return harness.require_binary(cls)
    return wrap


# ---------------------------------------------------------------------------------------------
# The shared database


class SqliteDatabase:
    """One SQLite file every node opens (development only: one machine)."""

    kind = "sqlite"

    def __init__(self, directory):
        self.url = os.path.join(directory, "callgate.db")

    def start(self):
        return self

    def stop(self):
        pass

    def close(self):
        pass


class PostgresDatabase:
    """A throwaway PostgreSQL from tests/support/pg_server.py in its own directory under /tmp
    (when run as root the server runs as another user, who must reach the directory). stop() and
    start() again keep its data and port (the failover test takes it away and brings it back); a
    watcher stops it should this test process die without cleaning up."""

    kind = "postgres"

    def __init__(self, directory):
        if PG_SUPPORT_DIR not in sys.path:
            sys.path.insert(0, PG_SUPPORT_DIR)
        import pg_server  # tests/support, the PostgreSQL store's test server
        self.dir = tempfile.mkdtemp(prefix="callgate-pg-")
        os.chmod(self.dir, 0o755)
        self._server = pg_server.PgServer(os.path.join(self.dir, "pg"))
        self._watched = False
        self.url = None

    def start(self):
        self.url = self._server.start()
        if not self._watched:
            self._server.watch(os.getpid())
            self._watched = True
        return self

    def stop(self):
        """Immediate shutdown: to the nodes, the database is simply gone."""
        self._server.stop()

    def close(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def open_database(directory, backend=None):
    backend = backend or BACKEND
    return (PostgresDatabase if backend == "postgres" else SqliteDatabase)(directory).start()


# ---------------------------------------------------------------------------------------------
# Nodes


class Node:
    """One `callgate serve` of the cluster: its own config file (the shared base plus extra TOML),
    its own log, HTTP on a free port, SIP too when asked. Answers like harness.Server (request,
    invoke, call), so the single-node helpers work against any node."""

    request = harness.Server.request
    invoke = harness.Server.invoke
    call = harness.Server.call
    connection = harness.Server.connection

    def __init__(self, cluster, name, sip=False, extra_toml="", env=None):
        self.cluster = cluster
        self.name = name
        self.host = "127.0.0.1"
        self.http_port = None
        self.sip_port = None
        self.config = cluster.write_config(f"{name}.toml", extra_toml)
        self.log_path = cluster.path(f"{name}.log")
        self._log = open(self.log_path, "ab")
        args = [harness.BIN, "serve", "--config", self.config, "--http", "127.0.0.1:0"]
        if sip:
            args += ["--sip", "127.0.0.1:0"]
        # Unbuffered stdout: the two listening lines may arrive together (see sip_harness).
        self.proc = subprocess.Popen(args, cwd=cluster.dir, stdout=subprocess.PIPE,
                                     stderr=self._log, env=cluster.env(env), bufsize=0)
        self._wait_listening(sip)

    @property
    def port(self):  # harness.Server's name for the HTTP port
        return self.http_port

    def _wait_listening(self, sip):
        ports, lines = harness.read_listening(
            self.proc, lambda p: "http" in p and (not sip or "sip" in p))
        self.http_port, self.sip_port = ports.get("http"), ports.get("sip")
        if self.http_port is not None and (not sip or self.sip_port is not None):
            return
        self.stop()
        raise AssertionError(f"node {self.name} did not start (stdout {lines!r}); log:\n"
                             f"{self.log_tail()}")

    def alive(self):
        return self.proc.poll() is None

    def log_tail(self, n=40):
        return harness.tail(self.log_path, n)

    def log_events(self, event):
        """Parsed `event=<event>` lines of this node's log (flushed about once a second)."""
        lines = harness.read_text(self.log_path).splitlines()
        return [p for p in map(parse_log_line, lines) if p and p.get("event") == event]

    def kill(self):
        """SIGKILL: the node dies mid-whatever, as a crashed machine would."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=harness.STOP_TIMEOUT)
        self._close()

    def stop(self):
        """SIGTERM, then wait (SIGKILL if it does not stop in time). Returns the exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=harness.STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=harness.STOP_TIMEOUT)
        self._close()
        return self.proc.returncode

    def _close(self):
        if self.proc.stdout and not self.proc.stdout.closed:
            self.proc.stdout.close()
        if not self._log.closed:
            self._log.close()


class Cluster(harness.Workspace):
    """A shared database plus the nodes started on it. A harness.Workspace, so the single-node
    helpers (outbox_messages, messages_to, last_code, run) work; table() is SQLite-only and is not
    used by the cluster tests, which look only at what callers and the outbox see."""

    def __init__(self, backend=None, base_toml=""):
        super().__init__()
        self.sms_flag = None
        self.otp_secret = secrets.token_hex(32)
        self.pin_pepper = secrets.token_hex(32)
        self.base_toml = base_toml
        self.nodes = []
        self.kamailio = None
        self.nginx = None
        self.database = open_database(self.dir, backend)
        self.db_url = self.database.url
        self.base_config = self.write_config("callgate.toml", "")

    def env(self, overrides=None):
        """Every node's and every CLI command's environment: the shared secrets, nothing from the
        developer's shell that could override them; `overrides` (a node with another secret)
        last."""
        environment = dict(os.environ)
        for k in ("CALLGATE_TWILIO_AUTH_TOKEN", "CALLGATE_DB_PASSWORD"):
            environment.pop(k, None)
        environment["CALLGATE_OTP_SECRET"] = self.otp_secret
        environment["CALLGATE_PIN_PEPPER"] = self.pin_pepper
        environment.update(overrides or {})
        return environment

    def write_config(self, name, extra_toml):
        """The shared settings (storage, SMS, secrets' files, public URLs) plus `extra_toml`,
        which may add keys to [links] / [tokens] / [server] only through its own tables."""
        lines = [
            "[storage]", f"{'url' if self.database.kind == 'postgres' else 'db'} = "
            f"{toml_string(self.database.url)}",
            "[sms]", f"sink = {toml_string('outbox:' + self.outbox)}",
            "[security]",
            f"otp_secret_file = {toml_string(self.path('otp.key'))}",
            f"pin_pepper_file = {toml_string(self.path('pin.key'))}",
            f"audit_log = {toml_string(self.audit)}",
            "[links]", f"public_base_url = {toml_string(PUBLIC_BASE)}", "per_user_limit = 50",
            "[tokens]", f"key_file = {toml_string(self.path('jwt-keys.json'))}",
        ]
        text = "\n".join(lines) + "\n" + self.base_toml + "\n" + extra_toml + "\n"
        path = self.path(name)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def store_args(self):
        return ["--config", self.base_config]

    def run(self, *args, input=None, timeout=harness.CLI_TIMEOUT, env=None):
        return subprocess.run([harness.BIN, *args], cwd=self.dir, input=input, capture_output=True,
                              text=True, timeout=timeout, env=self.env(env))

    def start_node(self, sip=False, extra_toml="", env=None):
        node = Node(self, f"node{len(self.nodes) + 1}", sip=sip, extra_toml=extra_toml, env=env)
        self.nodes.append(node)
        return node

    def start_nodes(self, n, **kwargs):
        return [self.start_node(**kwargs) for _ in range(n)]

    def table(self, name):  # the nodes' storage may be PostgreSQL: not read behind their back
        raise AssertionError("cluster tests look at what callers see, not at tables")

    def stop(self):
        """Stops the dispatcher, every node, then the database; keeps going past failures."""
        errors = []
        for front in (self.kamailio, self.nginx):
            if front:
                front.stop()
        for node in self.nodes:
            try:
                node.stop()
            except Exception as e:  # one stubborn node must not leave the others running
                errors.append(f"{node.name}: {e}")
        try:
            self.database.close()
        except Exception as e:
            errors.append(f"database: {e}")
        if errors:
            raise AssertionError("; ".join(errors))


class ClusterTestCase(unittest.TestCase):
    """A Cluster per test, stopped and removed whatever happens."""

    BASE_TOML = ""

    def setUp(self):
        self.cluster = Cluster(base_toml=self.BASE_TOML)
        self.addCleanup(self.cluster.cleanup)
        self.addCleanup(self.cluster.stop)


# ---------------------------------------------------------------------------------------------
# Kamailio


def kamailio_config(listen_port, dispatcher_list, ping_interval=1):
    """The shipped deploy/kamailio/kamailio.cfg with only its #!substdef / #!define settings
    replaced: the listen address, the dispatcher list file, the probe interval."""
    with open(KAMAILIO_CFG, encoding="utf-8") as f:
        text = f.read()
    replacements = {
        "CALLGATE_LISTEN": f"udp:127.0.0.1:{listen_port}",
        "CALLGATE_DISPATCHER_LIST": dispatcher_list,
        "CALLGATE_PING_INTERVAL": str(ping_interval),
    }
    for name, value in replacements.items():
        text, n = re.subn(rf'^#!substdef "!{name}!([^!]*)!g"$', f'#!substdef "!{name}!{value}!g"',
                          text, flags=re.M)
        if n != 1:
            raise AssertionError(f"deploy/kamailio/kamailio.cfg has no single #!substdef for {name}")
    return text


class Kamailio:
    """`kamailio -DD -E -f <cfg>` in the foreground, logging to a file; stop() ends it."""

    def __init__(self, cluster, nodes, ping_interval=1):
        self.cluster = cluster
        self.port = harness.free_port()
        self.list_path = cluster.path("dispatcher.list")
        with open(self.list_path, "w", encoding="utf-8") as f:
            f.write("# setid destination flags priority attributes\n")
            for node in nodes:
                f.write(f"1 sip:127.0.0.1:{node.sip_port} 0 0 name={node.name}\n")
        self.cfg_path = cluster.path("kamailio.cfg")
        with open(self.cfg_path, "w", encoding="utf-8") as f:
            f.write(kamailio_config(self.port, self.list_path, ping_interval))
        self.log_path = cluster.path("kamailio.log")
        self._log = open(self.log_path, "ab")
        os.makedirs(cluster.path("kamailio-run"), exist_ok=True)
        self.proc = subprocess.Popen(
            [KAMAILIO, "-DD", "-E", "-f", self.cfg_path, "-m", "32", "-M", "8",
             "-Y", cluster.path("kamailio-run")],
            cwd=cluster.dir, stdin=subprocess.DEVNULL, stdout=self._log, stderr=self._log)
        cluster.kamailio = self
        harness.wait_until(lambda: self.proc.poll() is not None or self._listening(), 10,
                           what="kamailio listening")
        if self.proc.poll() is not None:
            raise AssertionError(f"kamailio exited ({self.proc.returncode}); log:\n{self.log_tail()}")

    def _listening(self):
        with open("/proc/net/udp", encoding="ascii") as f:
            return any(line.split()[1].endswith(f":{self.port:04X}") for line in f.readlines()[1:])

    @property
    def target(self):
        return f"127.0.0.1:{self.port}"

    def log_text(self):
        return harness.read_text(self.log_path)

    def log_tail(self, n=40):
        return harness.tail(self.log_path, n)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=harness.STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=harness.STOP_TIMEOUT)
        if not self._log.closed:
            self._log.close()


# ---------------------------------------------------------------------------------------------
# nginx


NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None)
NGINX_CONF = os.path.join(harness.SOURCE_DIR, "deploy", "nginx", "callgate-upstream.conf")
harness.PACKAGE_OF.setdefault("nginx", "nginx-light")
harness.PACKAGE_OF.setdefault("openssl", "openssl")


def nginx_config(nodes, port, cert, key):
    """The shipped deploy/nginx/callgate-upstream.conf with the example nodes replaced by `nodes`
    (keeping the shipped server parameters), the listen address made a loopback port and the
    certificate paths pointed at a self-signed pair; nothing else changes."""
    with open(NGINX_CONF, encoding="utf-8") as f:
        text = f.read()
    servers = re.findall(r"^( *)server 10\.0\.0\.\d+:\d+( [^;\n]*)?;\n", text, flags=re.M)
    if not servers:
        raise AssertionError("deploy/nginx/callgate-upstream.conf lists no `server 10.0.0.x:PORT` line")
    indent, params = servers[0]
    lines = "".join(f"{indent}server 127.0.0.1:{n.http_port}{params};\n" for n in nodes)
    text, n = re.subn(r"(?:^ *server 10\.0\.0\.\d+:\d+(?: [^;\n]*)?;\n)+", lines, text, count=1, flags=re.M)
    checks = [n]
    text, n = re.subn(r"^( *)listen 443 ssl( http2)?;", rf"\1listen 127.0.0.1:{port} ssl\2;", text,
                      flags=re.M)
    checks.append(n)
    text, n = re.subn(r"^( *ssl_certificate) +\S+;", rf"\1 {cert};", text, flags=re.M)
    checks.append(n)
    text, n = re.subn(r"^( *ssl_certificate_key) +\S+;", rf"\1 {key};", text, flags=re.M)
    checks.append(n)
    if checks != [1, 1, 1, 1]:
        raise AssertionError(f"deploy/nginx/callgate-upstream.conf changed shape ({checks}): the "
                             "upstream servers, listen 443, ssl_certificate(_key) lines")
    return text


class Nginx:
    """nginx in the foreground with the shipped upstream config in front of `nodes`, on HTTPS with
    a throwaway self-signed certificate; stop() ends it."""

    def __init__(self, cluster, nodes):
        self.cluster = cluster
        self.port = harness.free_port()
        work = cluster.path("nginx")
        os.makedirs(work, exist_ok=True)
        cert, key = os.path.join(work, "cert.pem"), os.path.join(work, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                        "-subj", "/CN=callgate.example.com", "-keyout", key, "-out", cert],
                       check=True, capture_output=True, timeout=30)
        with open(os.path.join(work, "callgate-upstream.conf"), "w", encoding="utf-8") as f:
            f.write(nginx_config(nodes, self.port, cert, key))
        self.log_path = os.path.join(work, "error.log")
        conf = os.path.join(work, "nginx.conf")
        with open(conf, "w", encoding="utf-8") as f:
            f.write("\n".join([
                "worker_processes 1;", "daemon off;", f"pid {work}/nginx.pid;",
                f"error_log {self.log_path} info;", "events { worker_connections 256; }",
                "http {", "  access_log off;", f"  client_body_temp_path {work}/body;",
                f"  proxy_temp_path {work}/proxy;",
                f"  include {work}/callgate-upstream.conf;", "}", ""]))
        self.proc = subprocess.Popen([NGINX, "-c", conf, "-p", work], stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        cluster.nginx = self
        harness.wait_until(lambda: self.proc.poll() is not None or self._accepts(), 10,
                           what="nginx listening")
        if self.proc.poll() is not None:
            raise AssertionError(f"nginx exited ({self.proc.returncode}); log:\n{self.log_text()[-3000:]}")

    def _accepts(self):
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                return True
        except OSError:
            return False

    def connection(self, timeout=15):
        return http.client.HTTPSConnection("127.0.0.1", self.port, timeout=timeout,
                                           context=ssl._create_unverified_context())

    request = harness.Server.request
    invoke = harness.Server.invoke
    call = harness.Server.call
    name = "nginx"

    def log_text(self):
        return harness.read_text(self.log_path)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)   # graceful; SIGTERM is fast shutdown
            try:
                self.proc.wait(timeout=harness.STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=harness.STOP_TIMEOUT)
