"""Helpers for the voice-login / action-link / token black-box tests.

Builds on harness.py: a workspace whose TOML config holds every key file (OTP secret, PIN pepper,
JWT signing keys) and the public base URL of the texted links, a server on an explicit free
loopback port (the link's base URL must name it), the Connect calls that issue a link, and the
HTML/OAuth plumbing to redeem it. Every wait is bounded.
"""

import base64
import html.parser
import json
import os
import re
import socket
import subprocess
import time
import urllib.parse

import harness

USER_PHONE = "+14155550100"
USER_ID = "12345678"
USER_PIN = "4321"
ADD_MEMBER = "account:add_member"
LINK_RE = re.compile(r"(https?://[^\s/]+)/l/([A-Za-z0-9_-]{22})(?![A-Za-z0-9_-])")


def free_port():
    """A loopback port free right now (the server may still lose a race for it; start() retries)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def toml_string(text):
    return json.dumps(text)  # JSON string escapes are valid TOML basic strings


class LinkWorkspace(harness.Workspace):
    """A workspace configured by one TOML file shared by every command."""

    def __init__(self):
        super().__init__()
        self.config = self.path("callgate.toml")
        self.port = 0

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.port}"

    def write_config(self, port, oauth_clients=None):
        self.port = port
        lines = [
            "[server]", f"http = {toml_string(f'127.0.0.1:{port}')}",
            "[storage]", f"db = {toml_string(self.db)}",
            "[sms]", f"sink = {toml_string('outbox:' + self.outbox)}",
            "[security]",
            f"otp_secret_file = {toml_string(self.key)}",
            f"pin_pepper_file = {toml_string(self.path('pin.key'))}",
            f"audit_log = {toml_string(self.audit)}",
            "[links]", f"public_base_url = {toml_string(self.base_url)}",
            # Each test issues its own links for the one demo account; the default limit (3
            # per 10 minutes) is tested by the voice-login tests.
            "per_user_limit = 50",
            "[tokens]", f"key_file = {toml_string(self.path('jwt-keys.json'))}",
        ]
        if oauth_clients:
            lines.append("[oauth.clients]")
            lines += [f"{toml_string(k)} = {toml_string(v)}" for k, v in oauth_clients.items()]
        fd = os.open(self.config, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")

    def store_args(self):
        return ["--config", self.config]

    @staticmethod
    def read_text(path):
        """A file's text, or "" when it does not exist (yet)."""
        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def run(self, *args, input=None, timeout=harness.CLI_TIMEOUT):
        env = dict(os.environ)
        for k in ("CALLGATE_OTP_SECRET", "CALLGATE_PIN_PEPPER"):
            env.pop(k, None)
        return subprocess.run([harness.BIN, *args], cwd=self.dir, input=input, capture_output=True,
                              text=True, timeout=timeout, env=env)

    def add_login_customer(self, phone=USER_PHONE, first="Ada", last="Lovelace", user_id=USER_ID,
                           pin=USER_PIN):
        r = self.run("customers", "add", *self.store_args(), "--phone", phone, "--first-name", first,
                     "--last-name", last, "--user-id", user_id, "--pin", pin)
        if r.returncode != 0:
            raise AssertionError(f"customers add --user-id --pin failed ({r.returncode}): "
                                 f"{r.stderr.strip() or r.stdout.strip()}")
        return r


class LinkServer(harness.Server):
    """`callgate serve --config <workspace config>` on the workspace's port."""

    def __init__(self, workspace):  # replaces harness.Server's: --config and an explicit port
        self.ws = workspace
        self.log_path = workspace.path(f"serve-{time.monotonic_ns()}.log")
        self._log = open(self.log_path, "wb")
        env = dict(os.environ)
        for k in ("CALLGATE_OTP_SECRET", "CALLGATE_PIN_PEPPER"):
            env.pop(k, None)
        self.proc = subprocess.Popen(
            [harness.BIN, "serve", *workspace.store_args(), "--http", f"127.0.0.1:{workspace.port}"],
            cwd=workspace.dir, stdout=subprocess.PIPE, stderr=self._log, env=env)
        self.port = self._wait_listening()
        self.host = "127.0.0.1"

    def log_text(self):
        return LinkWorkspace.read_text(self.log_path)

    @classmethod
    def start(cls, workspace, oauth_clients=None, attempts=3):
        error = None
        for _ in range(attempts):
            workspace.write_config(free_port(), oauth_clients)
            try:
                return cls(workspace)
            except AssertionError as e:  # _wait_listening stops the process before raising
                error = e
                if "in use" not in str(e).lower():
                    break
        raise error

    # --- Connect journey -------------------------------------------------------------------
    def verify_pin(self, user_id=USER_ID, pin=USER_PIN, phone=USER_PHONE):
        return self.call("verify-pin", phone, userId=user_id, pin=pin)

    def issue_link(self, user_id=USER_ID, action=ADD_MEMBER, phone=USER_PHONE):
        event = harness.connect_event(phone, {"userId": user_id, "action": action},
                                      attributes={"authenticated": "True"})
        status, body = self.invoke("issue-action-link", event)
        if status != 200:
            raise AssertionError(f"issue-action-link: HTTP {status} {body}")
        return body

    # --- HTTP helpers ----------------------------------------------------------------------
    def form_post(self, path, fields, headers=None):
        hdrs = {"Content-Type": "application/x-www-form-urlencoded"}
        hdrs.update(headers or {})
        return self.request("POST", path, urllib.parse.urlencode(fields), hdrs)

    def member_api(self, token, body, user_id=USER_ID):
        headers = {} if token is None else {"Authorization": f"Bearer {token}"}
        return self.request("POST", f"/v1/accounts/{user_id}/members", body, headers)

    def get_json(self, path):
        status, headers, data = self.request("GET", path)
        if status != 200:
            raise AssertionError(f"GET {path}: HTTP {status} {data[:300]!r}")
        try:
            return json.loads(data)
        except ValueError:
            raise AssertionError(f"GET {path}: body is not JSON: {data[:300]!r}")


def basic_auth(client_id, secret):
    raw = f"{urllib.parse.quote(client_id)}:{urllib.parse.quote(secret)}".encode()
    return {"Authorization": "Basic " + base64.b64encode(raw).decode()}


class TagCollector(html.parser.HTMLParser):
    """Every start tag's attributes, in document order: [(tag, {name: value})]."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.tags = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: (v if v is not None else "") for k, v in attrs}))

    def find(self, tag=None, **attrs):
        """The attributes of the first matching tag, or None."""
        for t, a in self.tags:
            if (tag is None or t == tag) and all(a.get(k.rstrip("_")) == v for k, v in attrs.items()):
                return a
        return None


def b64url_decode(segment):
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def b64url_encode(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
