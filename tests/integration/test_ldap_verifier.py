"""verify-pin against a real directory: [credentials] verifier = "ldap" with Debian's slapd,
started by the test on 127.0.0.1 (ldap_server.py: a temporary slapd.conf and MDB database, a few
inetOrgPerson entries with {SSHA} passwords, a service account that may read them).

The voice-login journey in the console simulator signs a directory user in and texts the link to
the number the directory holds; a wrong PIN is Denied and an unknown user id answers the same;
callgate's lockout stands in front (slapd sees no bind while a user id is locked); an LDAP
filter injection finds nobody; a stopped slapd sends the caller to an agent unauthenticated and
the flow tells them, and callgate recovers by itself; StartTLS and ldaps:// with a test CA work,
a wrong CA fails safe. No PIN or bind password ever reaches callgate's log or audit log."""

import json
import os
import shutil
import socket
import tempfile
import time
import unittest

import ldap_server
from harness import (SOURCE_DIR, ServerTestCase, connect_event, fail_class, parse_events,
                     require_binary)

VOICE_LOGIN = os.path.join(SOURCE_DIR, "flows", "voice-login.json")
CALLER = "+14155550177"  # the phone the call comes from: never where a link goes

DANA, DANA_PIN, DANA_PHONE = "20240001", "97531", "+14155550142"
FOX, FOX_PIN, FOX_PHONE = "20240002", "86420", "+14155550143"
TWIN = "20249999"  # two entries have this uid: the filter does not name one entry
UNKNOWN = "20249998"

PEOPLE = [
    (DANA, DANA_PIN, {"givenName": "Dana", "sn": "Scully", "cn": "Dana Scully",
                      "telephoneNumber": "+1 415 555 0142", "preferredLanguage": "en-GB",
                      "employeeType": "Gold"}),
    # A national number: read with phone_region = "US"; only `mobile` holds it.
    (FOX, FOX_PIN, {"givenName": "Fox", "sn": "Mulder", "mobile": "(415) 555-0143"}),
    (TWIN, "11111", {"givenName": "Twin", "sn": "One", "telephoneNumber": "+14155550150"}),
]
TWIN_LDIF = f"""dn: ou=contractors,{ldap_server.SUFFIX}
objectClass: organizationalUnit
ou: contractors

dn: uid={TWIN},ou=contractors,{ldap_server.SUFFIX}
objectClass: inetOrgPerson
uid: {TWIN}
cn: Twin Two
sn: Two
userPassword: {{SSHA}}unused
"""

SECRETS = (DANA_PIN, FOX_PIN, ldap_server.SERVICE_PASSWORD)


def config(url, extra_ldap="", security="pin_lockout_steps = [[3, 60]]\npin_lock_after = 6",
           password_in_file=False):
    password = (f'bind_password = "{ldap_server.SERVICE_PASSWORD}"\n' if password_in_file else "")
    return f"""[credentials]
verifier = "ldap"
timeout_ms = 2000

[credentials.ldap]
url = "{url}"
bind_dn = "{ldap_server.SERVICE_DN}"
{password}base_dn = "{ldap_server.SUFFIX}"
level_attribute = "employeeType"
phone_region = "US"
{extra_ldap}

[security]
{security}
"""


class DirectoryTestCase(ServerTestCase):
    """A workspace and a callgate per test; slapd(s) per test, stopped at the end."""

    def slapd(self, tls=False, **kwargs):
        directory = tempfile.mkdtemp(prefix="callgate-slapd-")
        self.addCleanup(shutil.rmtree, directory, True)
        server = ldap_server.Slapd(directory, PEOPLE, TWIN_LDIF, tls=tls, **kwargs)
        self.addCleanup(server.stop)
        return server.start()

    def serve(self, text):
        self.config = self.ws.write("callgate.toml", text)
        return self.start_server(
            "--config", self.config,
            env={"CALLGATE_LDAP_BIND_PASSWORD": ldap_server.SERVICE_PASSWORD})

    def pin(self, server, user_id, pin, contact_id="c-ldap-1"):
        status, body = server.invoke(
            "verify-pin", connect_event(CALLER, {"userId": user_id, "pin": pin},
                                        contact_id=contact_id))
        self.assertEqual(status, 200, body)
        return body

    def call(self, *keys):
        """The voice-login flow in the simulator, keying `keys` at its prompts."""
        r = self.ws.run("call", "--json", "--from", CALLER, "--flow", VOICE_LOGIN, "--config",
                        self.config, *self.ws.store_args(), input="".join(k + "\n" for k in keys))
        self.assertEqual(r.returncode, 0, r.stderr)
        events = parse_events(r.stdout)
        transfers = [e for e in events if e.get("type") == "transfer"]
        self.assertEqual(len(transfers), 1, events)
        return events, transfers[0]["attributes"]

    def audit(self):
        if not os.path.exists(self.ws.audit):
            return []
        with open(self.ws.audit, encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]

    def assert_no_secrets(self, *servers):
        texts = [s.log_tail(100000) for s in servers]
        if os.path.exists(self.ws.audit):
            with open(self.ws.audit, encoding="utf-8") as f:
                texts.append(f.read())
        for text in texts:
            for secret in SECRETS:
                self.assertNotIn(secret, text)


@require_binary
class LdapVerifierTest(DirectoryTestCase):

    def setUp(self):
        super().setUp()
        self.directory = self.slapd()
        # The accounts links act on (grants and members belong to a customer), holding older
        # numbers than the directory's: the link must go to the directory's.
        for user_id, phone, first, last in ((DANA, "+14155550190", "Dana", "Scully"),
                                            (FOX, "+14155550191", "Fox", "Mulder")):
            r = self.ws.run("customers", "add", *self.ws.store_args(), "--phone", phone,
                            "--first-name", first, "--last-name", last, "--user-id", user_id)
            self.assertEqual(r.returncode, 0, r.stderr)
        # The simulator reads the bind password from the file, serve from the environment.
        self.server = self.serve(config(self.directory.url, password_in_file=True))

    def test_the_simulator_signs_in_a_directory_user_and_texts_the_directorys_number(self):
        events, attributes = self.call(DANA + "#", DANA_PIN + "#")
        self.assertEqual(attributes["authenticated"], "True", events)
        self.assertEqual(attributes["firstName"], "Dana")
        self.assertEqual(attributes["lastName"], "Scully")
        self.assertEqual(attributes["custLevel"], "Gold")
        prompts = " ".join(e["text"] for e in events if e.get("type") == "prompt")
        self.assertIn("sent a text message with a link", prompts)
        # The link went to the number the directory holds, normalised; never to the caller nor
        # to the older number callgate's own record holds.
        messages = self.ws.outbox_messages()
        self.assertEqual([m["to"] for m in messages], [DANA_PHONE], messages)
        self.assertRegex(messages[0]["body"], r"/l/[A-Za-z0-9_-]{22}\b")
        verified = [a for a in self.audit() if a["event"] == "pin_verified"]
        self.assertEqual(len(verified), 1)
        self.assertEqual(verified[0].get("verifier"), "ldap")
        # slapd saw the service account, then the user's own bind.
        binds = self.directory.binds()
        self.assertIn(ldap_server.SERVICE_DN, binds)
        self.assertIn(f"uid={DANA},{ldap_server.PEOPLE}", binds)
        self.assertIn(f"(uid={DANA})", self.directory.searches())
        self.assert_no_secrets(self.server)

    def test_a_national_number_is_read_with_the_region_and_gets_the_link(self):
        answer = self.pin(self.server, FOX, FOX_PIN)
        self.assertEqual(answer["authResult"], "Authenticated", answer)
        self.assertEqual(answer["firstName"], "Fox")
        status, link = self.server.invoke(
            "issue-action-link", connect_event(CALLER, {"userId": FOX}, contact_id="c-ldap-1"))
        self.assertEqual((status, link.get("linkResult")), (200, "Sent"), link)
        self.assertEqual([m["to"] for m in self.ws.outbox_messages()], [FOX_PHONE])

    def test_a_wrong_pin_is_denied_and_an_unknown_user_id_answers_the_same(self):
        wrong = self.pin(self.server, DANA, "11111")
        self.assertEqual(wrong["authResult"], "Denied")
        self.assertEqual(wrong["authenticated"], "False")
        self.assertEqual(wrong["attemptsRemaining"], "2")
        self.assertEqual(self.pin(self.server, UNKNOWN, "11111"), wrong)
        # The unknown id cost a bind too (one that cannot succeed), like the wrong PIN.
        binds = self.directory.binds()
        self.assertIn(f"uid={DANA},{ldap_server.PEOPLE}", binds)
        self.assertIn(f"cn=callgate-absent-entry,{ldap_server.SUFFIX}", binds)
        reasons = [a.get("reason") for a in self.audit() if a["event"] == "pin_failed"]
        self.assertEqual(reasons, ["wrong_secret", "unknown_user"])
        # In the simulator: the flow says they do not match and signs nobody in.
        events, attributes = self.call(DANA + "#", "11111#", "", "")
        self.assertEqual(attributes["authenticated"], "False")
        prompts = " ".join(e["text"] for e in events if e.get("type") == "prompt")
        self.assertIn("do not match", prompts)
        self.assertEqual(self.ws.outbox_messages(), [])
        self.assert_no_secrets(self.server)

    def test_the_lockout_stands_in_front_of_the_directory(self):
        answers = [self.pin(self.server, DANA, "11111")["authResult"] for _ in range(3)]
        self.assertEqual(answers, ["Denied", "Denied", "Locked"])
        binds, searches = len(self.directory.binds()), len(self.directory.searches())
        locked = self.pin(self.server, DANA, DANA_PIN)  # the right PIN, while locked
        self.assertEqual((locked["authResult"], locked["lockKind"]), ("Locked", "temporary"))
        time.sleep(0.3)  # slapd logs as it goes; give a stray operation time to show
        self.assertEqual(len(self.directory.binds()), binds, "slapd saw a bind while locked")
        self.assertEqual(len(self.directory.searches()), searches)
        self.assertIn("pin_refused_locked", [a["event"] for a in self.audit()])

    def test_an_ldap_filter_injection_finds_nobody(self):
        searches = len(self.directory.searches())
        for user_id in ("*)(uid=*", "*", f"{DANA})(|(uid=*"):
            answer = self.pin(self.server, user_id, DANA_PIN)
            self.assertEqual(answer["authResult"], "Denied", user_id)
            self.assertNotIn("firstName", answer)
        # Not a user id at all: refused before any directory operation.
        self.assertEqual(len(self.directory.searches()), searches)
        # Two entries for one id: nobody signs in, and the operator is told why.
        twin = self.pin(self.server, TWIN, "11111")
        self.assertEqual(twin["authResult"], "Denied")
        self.assertIn("event=ldap_ambiguous_user", self.server.log_tail(200))
        self.assertIn("ambiguous_user",
                      [a.get("reason") for a in self.audit() if a["event"] == "pin_failed"])

    def test_the_service_account_password_comes_from_the_environment(self):
        # serve got no bind_password in the file it reads... it has one: the environment wins
        # over it. A wrong one in the environment fails safe.
        self.server.stop()
        bad = self.start_server("--config", self.config,
                                env={"CALLGATE_LDAP_BIND_PASSWORD": "not-the-password"})
        answer = self.pin(bad, DANA, DANA_PIN)
        self.assertEqual(answer["authResult"], "Unavailable")
        self.assertIn("service account bind", bad.log_tail(200))
        self.assertNotIn("not-the-password", bad.log_tail(100000))


@require_binary
class LdapOutageTest(DirectoryTestCase):

    def test_a_stopped_directory_sends_the_caller_to_an_agent_and_callgate_recovers(self):
        directory = self.slapd()
        server = self.serve(config(directory.url, password_in_file=True))
        self.assertEqual(self.pin(server, DANA, "11111")["attemptsRemaining"], "2")
        self.assertEqual(self.pin(server, DANA, DANA_PIN)["authResult"], "Authenticated")
        directory.stop()

        # Over Connect: an answer, at once (connection refused), not an error status.
        started = time.monotonic()
        answer = self.pin(server, DANA, DANA_PIN)
        self.assertLess(time.monotonic() - started, 3.0)
        self.assertEqual(answer["authResult"], "Unavailable")
        self.assertEqual(answer["authenticated"], "False")
        self.assertNotIn("firstName", answer)
        unavailable = [a for a in self.audit() if a["event"] == "pin_check_unavailable"]
        self.assertEqual(unavailable[-1]["verifier"], "ldap")
        self.assertEqual(unavailable[-1]["error"], "unavailable")

        # In the simulator: the flow says so and transfers unauthenticated; no text.
        events, attributes = self.call(DANA + "#", DANA_PIN + "#")
        self.assertEqual(attributes["authenticated"], "False")
        prompts = " ".join(e["text"] for e in events if e.get("type") == "prompt")
        self.assertIn("cannot check PINs right now", prompts)
        self.assertEqual(self.ws.outbox_messages(), [])

        # Many attempts during the outage lock nobody out, not even after earlier wrong PINs...
        directory.start()
        self.assertEqual(self.pin(server, DANA, "11111")["attemptsRemaining"], "2")
        self.assertEqual(self.pin(server, DANA, "11111")["attemptsRemaining"], "1")
        directory.stop()
        for _ in range(5):
            self.assertEqual(self.pin(server, DANA, DANA_PIN)["authResult"], "Unavailable")
        self.assertEqual([a.get("counted") for a in self.audit()
                          if a["event"] == "pin_check_unavailable"][-5:], ["false"] * 5)
        # ...and the directory back is enough: no restart of callgate.
        directory.start()
        self.assertEqual(self.pin(server, DANA, DANA_PIN)["authResult"], "Authenticated")
        self.assert_no_secrets(server)

    def test_min_duration_ms_is_a_floor_for_every_answer(self):
        directory = self.slapd()
        server = self.serve(config(directory.url, "min_duration_ms = 400"))
        for user_id, pin, expected in ((DANA, "11111", "Denied"), (UNKNOWN, "11111", "Denied"),
                                       (DANA, DANA_PIN, "Authenticated")):
            started = time.monotonic()
            self.assertEqual(self.pin(server, user_id, pin)["authResult"], expected)
            elapsed = time.monotonic() - started
            self.assertGreaterEqual(elapsed, 0.4, (user_id, pin))
            self.assertLess(elapsed, 2.0, (user_id, pin))

    def test_a_directory_that_does_not_answer_times_out(self):
        # A listener that accepts and never answers: the check ends within timeout_ms.
        silent = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        self.addCleanup(silent.close)
        url = f"ldap://127.0.0.1:{silent.getsockname()[1]}"
        server = self.serve(config(url).replace("timeout_ms = 2000", "timeout_ms = 700"))
        started = time.monotonic()
        answer = self.pin(server, DANA, DANA_PIN)
        elapsed = time.monotonic() - started
        self.assertEqual(answer["authResult"], "Unavailable")
        self.assertGreater(elapsed, 0.6)
        self.assertLess(elapsed, 2.5)


@require_binary
class LdapTlsTest(DirectoryTestCase):

    def setUp(self):
        super().setUp()
        self.directory = self.slapd(tls=True)

    def test_starttls_with_the_test_ca(self):
        server = self.serve(config(self.directory.url,
                                   f'starttls = true\nca_file = "{self.directory.ca_cert}"'))
        self.assertEqual(self.pin(server, DANA, DANA_PIN)["authResult"], "Authenticated")
        self.assertIn("TLS established", self.directory.log())

    def test_ldaps_with_the_test_ca(self):
        server = self.serve(config(self.directory.ldaps_url,
                                   f'ca_file = "{self.directory.ca_cert}"'))
        self.assertEqual(self.pin(server, DANA, DANA_PIN)["authResult"], "Authenticated")
        self.assertIn("TLS established", self.directory.log())

    def test_a_wrong_ca_fails_safe(self):
        _, other_ca = ldap_server.make_ca(self.directory.dir, "other-ca")
        for url, extra in ((self.directory.url, f'starttls = true\nca_file = "{other_ca}"'),
                           (self.directory.ldaps_url, f'ca_file = "{other_ca}"')):
            with self.subTest(url=url):
                server = self.serve(config(url, extra))
                answer = self.pin(server, DANA, DANA_PIN)
                self.assertEqual(answer["authResult"], "Unavailable", answer)
                self.assertNotIn(f"uid={DANA},{ldap_server.PEOPLE}", self.directory.binds())
                server.stop()

    def test_plain_ldap_to_another_host_is_refused_at_start(self):
        path = self.ws.write("bad.toml", config("ldap://ldap.example.com"))
        r = self.ws.run("serve", "--config", path, *self.ws.store_args(), "--http",
                        "127.0.0.1:0", timeout=20)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("credentials.ldap.url", r.stderr)


    def test_a_certificate_for_another_host_fails_safe(self):
        # Signed by the right CA, but for other.example, not the 127.0.0.1 of the URL.
        other = self.slapd(tls=True, server_names="DNS:other.example")
        server = self.serve(config(other.ldaps_url, f'ca_file = "{other.ca_cert}"'))
        self.assertEqual(self.pin(server, DANA, DANA_PIN)["authResult"], "Unavailable")
        self.assertEqual(other.binds(), [])


if ldap_server.missing_programs():
    for cls in (LdapVerifierTest, LdapOutageTest, LdapTlsTest):
        fail_class(cls, ldap_server.missing_programs())

if __name__ == "__main__":
    unittest.main()
