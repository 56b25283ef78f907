"""The console's operator pages on the real binary, signed in for real.

Three staff accounts (admin, supervisor, agent) are made with `callgate staff add`; each signs in
once with its password and a TOTP code computed here with Python's hmac (RFC 6238), as a browser
would (same Origin, the session cookie, the CSRF token read from the page). Then:
  - an agent gets 403 on every operator page and is sent to /console/agent by /console;
  - a POST without the CSRF token is refused and changes nothing;
  - search by the last digits shows the number masked and never whole; an admin adds a
    customer with the form; a PIN locked by wrong guesses over the Connect endpoint is shown
    locked and unlocked by a supervisor, and both changes are audited with the staff member;
  - a CSV with a bad line imports nothing and names the line; a good one imports every row;
  - a flow's diagram is served as image/svg+xml, drawn by Graphviz;
  - the SMS, audit log and metrics pages answer, and the audit chain verifies.
Loopback only, every wait bounded.
"""

import base64
import hashlib
import hmac
import json
import os
import re
import struct
import time
import unittest
import urllib.parse

from harness import Server, Workspace, connect_event, require_binary

PASSWORD = "correct horse battery staple"
ADA = "+14155554321"
OPERATOR_PAGES = ["/console/customers", "/console/sms", "/console/audit", "/console/flows",
                  "/console/metrics"]


def totp(secret_b32, at):
    key = base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    mac = hmac.new(key, struct.pack(">Q", int(at // 30)), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF
    return str(value % 1_000_000).zfill(6)


class Browser:
    """One signed-in staff member: session cookie, same-origin requests, the page's CSRF token."""

    def __init__(self, server):
        self.server = server
        self.origin = f"http://127.0.0.1:{server.port}"
        self.cookie = ""
        self.csrf = ""

    def request(self, method, path, fields=None):
        headers = {"Origin": self.origin}
        if self.cookie:
            headers["Cookie"] = self.cookie
        body = None
        if fields is not None:
            body = urllib.parse.urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        status, got, data = self.server.request(method, path, body=body, headers=headers)
        if got.get("set-cookie"):
            pair = got["set-cookie"].split(";", 1)[0]
            self.cookie = "" if pair.endswith("=") else pair
        text = data.decode("utf-8", "replace")
        m = re.search(r'name="csrf" value="([^"]+)"', text)
        if m:
            self.csrf = m.group(1)
        return status, got, text

    def get(self, path):
        return self.request("GET", path)

    def post(self, path, fields, csrf=True):
        fields = dict(fields)
        if csrf:
            fields["csrf"] = self.csrf
        return self.request("POST", path, fields)

    def sign_in(self, username, secret):
        status, headers, body = self.request("POST", "/console/login", {
            "username": username, "password": PASSWORD, "code": totp(secret, time.time()),
            "next": "/console"})
        if status != 303 or not self.cookie:
            raise AssertionError(f"sign-in as {username}: {status} {body[:300]}")
        return headers.get("location")


@require_binary
class ConsoleOperatorTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.ws = Workspace()
        try:
            r = cls.ws.run("customers", "add", *cls.ws.store_args(), "--phone", ADA,
                           "--first-name", "Ada", "--last-name", "Lovelace", "--level", "Gold",
                           "--user-id", "12345678", "--pin", "4321")
            assert r.returncode == 0, r.stderr
            secrets = {}
            for user, role in (("alice", "admin"), ("sam", "supervisor"), ("ann", "agent")):
                r = cls.ws.run("staff", "add", *cls.ws.store_args(), user, "--role", role,
                               "--password-stdin", input=PASSWORD + "\n")
                assert r.returncode == 0, r.stderr
                secrets[user] = re.search(r"^TOTP secret: ([A-Z2-7]+)$", r.stdout, re.M).group(1)
            cls.server = Server(cls.ws)
            cls.admin, cls.supervisor, cls.agent = (Browser(cls.server) for _ in range(3))
            cls.landing = {"admin": cls.admin.sign_in("alice", secrets["alice"]),
                           "agent": cls.agent.sign_in("ann", secrets["ann"])}
            cls.supervisor.sign_in("sam", secrets["sam"])
        except BaseException:
            if hasattr(cls, "server"):
                cls.server.stop()
            cls.ws.cleanup()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.ws.cleanup()

    def audit(self, event):
        with open(self.ws.audit, encoding="utf-8") as f:
            return [r for r in (json.loads(line) for line in f if line.strip())
                    if r.get("event") == event]

    def customers(self):
        return {row[0] for row in self.ws.table("customers")}

    def test_an_agent_is_refused_every_operator_page(self):
        status, headers, _ = self.agent.get("/console")
        self.assertEqual((status, headers.get("location")), (303, "/console/agent"))
        for path in OPERATOR_PAGES + ["/console/flows/0/diagram.svg"]:
            status, _, _ = self.agent.get(path)
            self.assertEqual(status, 403, path)
        status, _, _ = self.agent.post("/console/customers/unlock", {"user_id": "12345678"})
        self.assertEqual(status, 403)
        status, headers, _ = self.supervisor.get("/console")
        self.assertEqual((status, headers.get("location")), (303, "/console/customers"))

    def test_no_session_is_sent_to_sign_in(self):
        status, headers, _ = self.server.request("GET", "/console/customers")
        self.assertEqual(status, 303)
        self.assertTrue(headers["location"].startswith("/console/login"), headers)

    def test_search_lock_and_unlock_and_a_post_without_csrf(self):
        # Lock Ada's PIN by wrong guesses over the Connect endpoint (5: the first lock step).
        for _ in range(5):
            status, answer = self.server.invoke(
                "verify-pin", connect_event(ADA, {"userId": "12345678", "pin": "9999"}))
            self.assertEqual(status, 200, answer)
        status, _, page = self.supervisor.get("/console/customers?q=4321")
        self.assertEqual(status, 200)
        self.assertIn("Ada Lovelace", page)
        self.assertIn("+\u2022\u2022\u2022\u2022\u2022\u2022\u20224321", page)
        self.assertNotIn("4155554321", page)
        self.assertIn("Locked</span> until", page)
        self.assertIn("Unlock PIN", page)

        status, _, _ = self.supervisor.post("/console/customers/unlock",
                                            {"user_id": "12345678"}, csrf=False)
        self.assertEqual(status, 403)
        self.assertEqual(self.audit("console_pin_unlocked"), [])
        self.assertIn("Locked</span> until", self.supervisor.get("/console/customers?q=4321")[2])

        status, headers, _ = self.supervisor.post("/console/customers/unlock",
                                                  {"user_id": "12345678"})
        self.assertEqual(status, 303)
        status, _, page = self.supervisor.get(headers["location"])
        self.assertIn("is unlocked", page)
        self.assertIn("Not locked", page)
        [event] = self.audit("console_pin_unlocked")
        self.assertEqual((event["user_id"], event["by"], event["had_failures"]),
                         ("12345678", "sam", "true"))
        # The right PIN works again.
        status, answer = self.server.invoke(
            "verify-pin", connect_event(ADA, {"userId": "12345678", "pin": "4321"}))
        self.assertEqual(answer.get("authResult"), "Authenticated", answer)

    def test_an_admin_adds_a_customer_and_a_supervisor_may_not(self):
        fields = {"phone": "+1 415 555 0199", "first_name": "Grace", "last_name": "<Hopper>",
                  "level": "", "language": "", "user_id": "87654321", "pin": "97531864"}
        self.supervisor.get("/console/customers")  # the form's page, and its CSRF token
        self.admin.get("/console/customers")
        status, _, _ = self.supervisor.post("/console/customers/add", fields)
        self.assertEqual(status, 403)
        self.assertNotIn("+14155550199", self.customers())
        status, headers, body = self.admin.post("/console/customers/add", fields)
        self.assertEqual(status, 303, body[:500])
        status, _, page = self.admin.get(headers["location"])
        self.assertIn("Grace &lt;Hopper&gt;", page)
        self.assertNotIn("<Hopper>", page)
        self.assertIn("+14155550199", self.customers())
        [event] = self.audit("console_customer_added")
        self.assertEqual(event["by"], "alice")
        self.assertNotIn("4155550199", json.dumps(event))
        with open(self.ws.audit, encoding="utf-8") as f:
            self.assertNotIn("97531864", f.read())
        # The same number again: refused by name, nothing added.
        status, _, page = self.admin.post("/console/customers/add", fields)
        self.assertEqual(status, 409)
        self.assertIn("nothing was added", page)

    def test_a_bad_csv_imports_nothing_and_names_the_line(self):
        before = self.customers()
        self.admin.get("/console/customers")
        bad = ("phone,first_name,last_name,level,language\n"
               "+14155550301,Bea,One,Gold,en-US\n"
               "+14155550302,Cy,Two,Gold,not a tag\n")
        status, _, page = self.admin.post("/console/customers/import", {"csv": bad})
        self.assertEqual(status, 400)
        self.assertIn("line 3", page)
        self.assertIn("nothing was imported", page)
        self.assertEqual(self.customers(), before)
        self.assertEqual(self.audit("console_customers_imported"), [])
        good = bad.replace("not a tag", "en-GB")
        status, headers, _ = self.admin.post("/console/customers/import", {"csv": good})
        self.assertEqual(status, 303)
        self.assertIn("Imported 2 customers", self.admin.get(headers["location"])[2])
        self.assertTrue({"+14155550301", "+14155550302"} <= self.customers())
        [event] = self.audit("console_customers_imported")
        self.assertEqual((event["count"], event["by"]), ("2", "alice"))

    def test_a_flow_diagram_is_served_as_svg(self):
        status, _, page = self.supervisor.get("/console/flows")
        self.assertEqual(status, 200)
        self.assertIn("Checks out", page)
        src = re.search(r'<img src="(/console/flows/\d+/diagram\.svg)"', page).group(1)
        status, headers, svg = self.supervisor.get(src)
        self.assertEqual(status, 200, svg[:300])
        self.assertEqual(headers["content-type"], "image/svg+xml")
        self.assertIn("<svg", svg)
        self.assertIn("default-src 'none'", headers["content-security-policy"])
        self.assertEqual(headers["x-content-type-options"], "nosniff")

    def test_sms_audit_and_metrics_pages(self):
        status, _, page = self.supervisor.get("/console/sms")
        self.assertEqual(status, 200)
        self.assertIn("outbox", page)
        status, _, page = self.supervisor.get("/console/audit")
        self.assertEqual(status, 200)
        self.assertIn("Chain verifies", page)
        # The sampler reads the registry at start and every 10 s: charts from the second sample.
        deadline = time.monotonic() + 30
        while True:
            status, _, page = self.supervisor.get("/console/metrics")
            self.assertEqual(status, 200)
            if '<svg class="chart"' in page or time.monotonic() > deadline:
                break
            time.sleep(1)
        self.assertIn('<svg class="chart"', page)
        self.assertIn("HTTP request latency", page)
        self.assertNotIn("<script", page)

    def test_zz_no_pin_or_whole_number_in_the_server_log(self):
        with open(self.server.log_path, encoding="utf-8", errors="replace") as f:
            log = f.read()
        for secret in ("97531864", "4155554321", "4155550199", PASSWORD):
            self.assertNotIn(secret, log)


if __name__ == "__main__":
    unittest.main()
