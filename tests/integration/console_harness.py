"""Staff accounts and console sessions for the black-box console tests.

The TOTP codes are computed here with Python's own hmac (RFC 6238: HMAC-SHA-1, 6 digits, 30 s),
independently of the liboath code inside callgate, so a test that signs in checks both agree.
A code signs in once: sign_in() uses the next 30-second step after the one this harness last
used for that account (the server accepts one step either side), so two sign-ins in the same
half minute still work.
"""

import base64
import hashlib
import hmac
import re
import struct
import time
import urllib.parse

STAFF_PASSWORD = "correct horse battery staple"


def totp(secret_b32, at=None, step=30, digits=6):
    """RFC 6238 TOTP of a base32 secret (unpadded is fine) at unix time `at` (default now)."""
    padded = secret_b32 + "=" * (-len(secret_b32) % 8)
    key = base64.b32decode(padded.upper())
    counter = int((time.time() if at is None else at) // step)
    mac = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10 ** digits).zfill(digits)


def add_staff(ws, username, role, password=STAFF_PASSWORD):
    """`callgate staff add`; returns the base32 TOTP secret it printed."""
    r = ws.run("staff", "add", *ws.store_args(), username, "--role", role, "--password-stdin",
               input=password + "\n")
    if r.returncode != 0:
        raise AssertionError(f"staff add failed ({r.returncode}): {r.stderr}")
    m = re.search(r"^TOTP secret: ([A-Z2-7]+)$", r.stdout, re.M)
    if not m:
        raise AssertionError(f"staff add printed no TOTP secret: {r.stdout!r}")
    return m.group(1)


_last_step = {}


def fresh_code(secret):
    """A code for a step this harness has not used for `secret` yet (now or the next step)."""
    now_step = int(time.time() // 30)
    step = max(now_step, _last_step.get(secret, -1) + 1)
    if step > now_step + 1:
        time.sleep((step - 1) * 30 - time.time() + 0.5)
        now_step = int(time.time() // 30)
    _last_step[secret] = step
    return totp(secret, at=step * 30)


class Console:
    """One browser's worth of console state against a Server: its session cookie and the CSRF
    token of the last page read. Every request is same-origin (Origin = the server's)."""

    def __init__(self, server):
        self.server = server
        self.origin = f"http://127.0.0.1:{server.port}"
        self.cookie = ""
        self.csrf = ""

    def request(self, method, path, fields=None, headers=None, origin=True):
        hdrs = {}
        if origin:
            hdrs["Origin"] = self.origin
        if self.cookie:
            hdrs["Cookie"] = self.cookie
        body = None
        if fields is not None:
            body = urllib.parse.urlencode(fields)
            hdrs["Content-Type"] = "application/x-www-form-urlencoded"
        hdrs.update(headers or {})
        status, got, data = self.server.request(method, path, body=body, headers=hdrs)
        cookie = got.get("set-cookie", "")
        if cookie:
            pair = cookie.split(";", 1)[0]
            self.cookie = "" if pair.endswith("=") else pair
        text = data.decode("utf-8", "replace")
        m = re.search(r'name="csrf" value="([^"]+)"', text)
        if m:
            self.csrf = m.group(1)
        return status, got, text

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, fields=None, csrf=True, **kwargs):
        fields = dict(fields or {})
        if csrf:
            fields.setdefault("csrf", self.csrf)
        return self.request("POST", path, fields, **kwargs)

    def sign_in(self, username, secret, password=STAFF_PASSWORD, next_path="/console", code=None):
        """Signs in; returns the response. Follows nothing (303 on success). Without `code`, a
        fresh one (which uses up a step: pass a code for attempts meant to fail)."""
        return self.request("POST", "/console/login", {
            "username": username, "password": password,
            "code": code if code is not None else fresh_code(secret), "next": next_path})

    def sign_in_ok(self, username, secret, password=STAFF_PASSWORD, next_path="/console"):
        status, headers, body = self.sign_in(username, secret, password, next_path)
        if status != 303 or not self.cookie:
            raise AssertionError(f"sign-in as {username} failed: {status} {body[:300]}")
        return headers["location"]
