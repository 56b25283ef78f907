"""Console staff sign-in on the real binary: `callgate staff add` prints a TOTP secret, the
password + TOTP code (computed here, independently of liboath) open a session, and everything
around it holds: a code works once, wrong tries lock, another site's form and a request without
the CSRF token are refused, sign-out and `staff reset` end sessions, and nothing secret reaches
the log or the audit log."""

import json
import unittest

from harness import ServerTestCase, read_text, require_binary
from console_harness import STAFF_PASSWORD, Console, add_staff, fresh_code, totp


@require_binary
class ConsoleSignInTest(ServerTestCase):

    def setUp(self):
        super().setUp()
        self.secret = add_staff(self.ws, "ann", "supervisor")
        self.server = self.start_server()

    def audit_events(self):
        return [json.loads(line) for line in read_text(self.ws.audit).splitlines() if line]

    def test_sign_in_with_password_and_code_then_sign_out(self):
        c = Console(self.server)
        status, headers, body = c.get("/console/login")
        self.assertEqual(status, 200)
        self.assertIn('autocomplete="one-time-code"', body)
        self.assertIn("script-src 'self'", headers["content-security-policy"])
        self.assertNotIn("unsafe-inline", headers["content-security-policy"])

        status, headers, _ = c.get("/console/account")
        self.assertEqual(status, 303)
        self.assertEqual(headers["location"], "/console/login?next=%2Fconsole%2Faccount")

        status, headers, _ = c.sign_in("ann", self.secret, next_path="/console/account")
        self.assertEqual(status, 303, self.server.log_tail())
        self.assertEqual(headers["location"], "/console/account")
        cookie = headers["set-cookie"]
        self.assertIn("HttpOnly", cookie)
        self.assertIn("SameSite=Strict", cookie)
        status, _, body = c.get("/console/account")
        self.assertEqual(status, 200)
        self.assertIn("Signed in as <strong>ann</strong>, supervisor", body)
        self.assertTrue(c.csrf)

        # Sign-out needs the page's token; with it the session is gone for good.
        status, _, _ = c.post("/console/logout", csrf=False)
        self.assertEqual(status, 403)
        status, _, _ = c.post("/console/logout")
        self.assertEqual(status, 303)
        self.assertEqual(c.cookie, "")
        stale = Console(self.server)
        stale.cookie = cookie.split(";", 1)[0]
        self.assertEqual(stale.get("/console/account")[0], 303)

        events = [e["event"] for e in self.audit_events()]
        self.assertIn("staff_signed_in", events)
        self.assertIn("staff_signed_out", events)

    def test_a_code_signs_in_once(self):
        code = fresh_code(self.secret)
        fields = {"username": "ann", "password": STAFF_PASSWORD, "code": code}
        first = Console(self.server)
        self.assertEqual(first.request("POST", "/console/login", fields)[0], 303)
        second = Console(self.server)
        status, _, body = second.request("POST", "/console/login", fields)
        self.assertEqual(status, 401)
        self.assertEqual(second.cookie, "")
        reasons = [e.get("reason") for e in self.audit_events()
                   if e["event"] == "staff_sign_in_refused"]
        self.assertEqual(reasons, ["code_reused"])

    def test_wrong_tries_lock_the_account_and_every_refusal_reads_the_same(self):
        c = Console(self.server)
        bodies = set()
        for password in ["wrong password 1", "wrong password 2", "wrong password 3",
                         "wrong password 4", "wrong password 5"]:
            status, _, body = c.sign_in("ann", self.secret, password=password,
                                        code=totp(self.secret))
            self.assertEqual(status, 401)
            bodies.add(body.replace('value="ann"', ""))
        status, _, body = c.sign_in("nobody", self.secret, code=totp(self.secret))
        bodies.add(body.replace('value="nobody"', ""))
        # Locked now: the right password and code are refused too, with the same page.
        status, _, body = c.sign_in("ann", self.secret)
        self.assertEqual(status, 401)
        bodies.add(body.replace('value="ann"', ""))
        self.assertEqual(len(bodies), 1)
        events = self.audit_events()
        self.assertIn("staff_locked", [e["event"] for e in events])
        self.assertEqual([e.get("reason") for e in events
                          if e["event"] == "staff_sign_in_refused"][-2:], ["unknown", "locked"])
        listed = self.ws.run("staff", "list", *self.ws.store_args())
        self.assertIn("locked until", listed.stdout)
        # An admin's reset lifts the lock (and issues a new secret).
        reset = self.ws.run("staff", "reset", *self.ws.store_args(), "ann", "--password-stdin",
                            input=STAFF_PASSWORD + "\n")
        self.assertEqual(reset.returncode, 0, reset.stderr)
        new_secret = reset.stdout.split("TOTP secret: ")[1].split()[0]
        self.assertNotEqual(new_secret, self.secret)
        Console(self.server).sign_in_ok("ann", new_secret)

    def test_another_sites_form_is_refused(self):
        c = Console(self.server)
        fields = {"username": "ann", "password": STAFF_PASSWORD, "code": totp(self.secret)}
        status, _, _ = c.request("POST", "/console/login", fields, origin=False,
                                 headers={"Origin": "https://evil.example"})
        self.assertEqual(status, 403)
        status, _, _ = c.request("POST", "/console/login", fields, origin=False,
                                 headers={"Sec-Fetch-Site": "cross-site"})
        self.assertEqual(status, 403)
        self.assertEqual(c.cookie, "")
        c.sign_in_ok("ann", self.secret)
        c.get("/console/account")
        status, _, _ = c.post("/console/logout", origin=False,
                              headers={"Origin": "https://evil.example"})
        self.assertEqual(status, 403)
        self.assertEqual(c.get("/console/account")[0], 200)

    def test_reset_and_remove_end_sessions(self):
        c = Console(self.server)
        c.sign_in_ok("ann", self.secret)
        self.assertEqual(c.get("/console/account")[0], 200)
        r = self.ws.run("staff", "reset", *self.ws.store_args(), "ann", "--role", "agent")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("password: ", r.stdout)
        self.assertEqual(c.get("/console/account")[0], 303)
        password = r.stdout.split("password: ")[1].split()[0]
        secret = r.stdout.split("TOTP secret: ")[1].split()[0]
        c.sign_in_ok("ann", secret, password=password)
        self.assertIn("ann</strong>, agent", c.get("/console/account")[2])
        r = self.ws.run("staff", "remove", *self.ws.store_args(), "ann")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(c.get("/console/account")[0], 303)

    def test_bad_input_to_the_cli_changes_nothing(self):
        before = self.ws.table("staff")
        for args, stdin in [(["bad name", "--role", "agent"], None),
                            (["bob", "--role", "root"], None),
                            (["bob", "--role", "agent", "--password-stdin"], "short\n"),
                            (["ann", "--role", "agent"], None)]:
            r = self.ws.run("staff", "add", *self.ws.store_args(), *args, input=stdin)
            self.assertNotEqual(r.returncode, 0, args)
            self.assertIn("callgate: ", r.stderr)
            self.assertNotIn("short", r.stderr)
        self.assertEqual(self.ws.table("staff"), before)

    def test_nothing_secret_reaches_the_logs(self):
        c = Console(self.server)
        code = fresh_code(self.secret)
        c.request("POST", "/console/login",
                  {"username": "ann", "password": STAFF_PASSWORD, "code": code})
        token = c.cookie.split("=", 1)[1]
        c.get("/console/account")
        csrf = c.csrf
        c.sign_in("ann", self.secret, password="a wrong password here", code="000000")
        self.server.stop()
        for path in [self.server.log_path, self.ws.audit]:
            text = read_text(path)
            for secret in [STAFF_PASSWORD, "a wrong password here", code, token, csrf,
                           self.secret]:
                self.assertNotIn(secret, text, path)
        for row in self.ws.table("staff"):
            self.assertNotIn(self.secret, repr(row))
        for row in self.ws.table("staff_sessions"):
            self.assertNotIn(token, repr(row))


if __name__ == "__main__":
    unittest.main()
