"""Voice login over SIP against a real directory: a baresip caller dials `callgate serve --sip`
running flows/voice-login.json with [credentials] verifier = "ldap" and Debian's slapd on
127.0.0.1 (ldap_server.py); keys a directory user's id and PIN by RFC 4733; the link is texted to
the number the directory holds and the REFER to the agent carries X-Callgate-Auth: True, method
Pin, the directory's first name and a verdict about that user id. ~25 s."""

import re
import shutil
import tempfile
import time
import unittest

import harness
import ldap_server
from sip_harness import SipTestCase, norm, require_peers
from test_ldap_verifier import DANA, DANA_PHONE, DANA_PIN, PEOPLE, TWIN_LDIF, VOICE_LOGIN
from harness import fail_class

CALLER = "+14155550177"
LOGIN_NUMBER = "+18005550199"
LINK = re.compile(r"https?://[^\s/]+/l/[A-Za-z0-9_-]{22}")
CALL_SETUP = 15
TRANSFER_WAIT = 25


@require_peers("baresip", "sox")
class LdapSipTest(SipTestCase):

    def test_voice_login_over_sip_against_the_directory(self):
        directory_dir = tempfile.mkdtemp(prefix="callgate-slapd-")
        self.addCleanup(shutil.rmtree, directory_dir, True)
        directory = ldap_server.Slapd(directory_dir, PEOPLE, TWIN_LDIF)
        self.addCleanup(directory.stop)
        directory.start()
        # Every command reads the base config: add the verifier to it.
        self.ws._base_lines += [
            "[credentials]", 'verifier = "ldap"',
            "[credentials.ldap]", f'url = "{directory.url}"',
            f'bind_dn = "{ldap_server.SERVICE_DN}"',
            f'bind_password = "{ldap_server.SERVICE_PASSWORD}"',
            f'base_dn = "{ldap_server.SUFFIX}"', 'phone_region = "US"',
        ]
        self.ws._write(self.ws.base_config, self.ws._base_lines)
        r = self.ws.run("customers", "add", *self.ws.store_args(), "--phone", "+14155550190",
                        "--first-name", "Dana", "--last-name", "Scully", "--user-id", DANA)
        self.assertEqual(r.returncode, 0, r.stderr)

        self.agent = self.start_baresip("agent", answer="auto")
        self.ws.write_sip_config(default_agent=self.agent.uri, numbers={LOGIN_NUMBER: VOICE_LOGIN})
        callgate = self.start_callgate()
        caller = self.start_baresip("caller", name=CALLER)
        caller.dial(callgate.uri(LOGIN_NUMBER))
        caller.wait_event("CALL_ESTABLISHED", CALL_SETUP)
        time.sleep(7.0)  # greeting + user id prompt (digits may barge in)
        self.assertTrue(caller.sndcode(DANA + "#").get("ok"))
        time.sleep(4.0)
        self.assertTrue(caller.sndcode(DANA_PIN + "#").get("ok"))
        harness.wait_until(lambda: any(LINK.search(m.get("body", ""))
                                       for m in self.ws.messages_to(DANA_PHONE)),
                           TRANSFER_WAIT, what="the link SMS to the directory's number")
        self.assertEqual(self.ws.messages_to(CALLER), [])
        self.assertEqual(self.ws.messages_to("+14155550190"), [])
        refer = self.expect_transfer(caller, "True", "Pin", TRANSFER_WAIT, CALL_SETUP)
        fields = {norm(k): v[0] for k, v in refer.headers.items()}
        self.assertEqual(fields.get("xcallgatefirstname"), "Dana", refer.headers)
        self.assertEqual((refer.verdict["sub"], refer.verdict["amr"]), (DANA, ["pin"]),
                         refer.verdict)
        self.assertIn(f"uid={DANA},{ldap_server.PEOPLE}", directory.binds())
        caller.hangup()
        self.assertNotIn(DANA_PIN, callgate.log_tail(100000))


if ldap_server.missing_programs():
    fail_class(LdapSipTest, ldap_server.missing_programs())

if __name__ == "__main__":
    unittest.main()
