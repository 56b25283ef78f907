"""Kannel end to end: a real Kannel (Debian `kannel`: bearerbox + smsbox; `kannel-extras`: the
fake SMSC client `fakesmsc`) on loopback with free ports. callgate sends a one-time PIN through
smsbox's sendsms interface; the test checks that the fake SMSC receives the right number and
text, that the code in it verifies, and that Kannel's delivery reports come back to callgate's
dlr-url and are recorded. Kannel missing is a failure, not a skip: scripts/install-deps.sh
installs it.

Every wait is bounded; every process started here is stopped (SIGTERM, then SIGKILL) at the end.
"""

import os
import re
import signal
import socket
import sqlite3
import subprocess
import time
import unittest

from harness import STOP_TIMEOUT, ServerTestCase, free_port, require_binary, wait_until

BEARERBOX = "/usr/sbin/bearerbox"
SMSBOX = "/usr/sbin/smsbox"
FAKESMSC = "/usr/lib/kannel/test/fakesmsc"

KNOWN = "+14155550100"
KANNEL_USER = "callgate"
KANNEL_PASSWORD = "kannel-secret-pw"
SENDER = "12345"
START_TIMEOUT = 20.0     # for each Kannel box to listen / connect
DELIVERY_TIMEOUT = 20.0  # for the SMS to reach the fake SMSC and the DLR to reach callgate


def wait_for_port(port, timeout, what):
    def accepting():
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return True
        except OSError:
            return False
    wait_until(accepting, timeout, interval=0.1, what=what)


def read(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return ""


@require_binary
class KannelEndToEndTest(ServerTestCase):

    def setUp(self):
        super().setUp()
        missing = [p for p in (BEARERBOX, SMSBOX, FAKESMSC) if not os.access(p, os.X_OK)]
        if missing:
            self.fail(f"Kannel is not installed ({', '.join(missing)} missing): "
                      "run scripts/install-deps.sh (packages kannel, kannel-extras)")
        self.procs = []
        self.ports = {name: free_port() for name in ("admin", "smsbox", "smsc", "sendsms", "callgate")}
        self.kdir = self.ws.path("kannel")
        os.mkdir(self.kdir)
        self.conf = os.path.join(self.kdir, "kannel.conf")
        p = self.ports
        with open(self.conf, "w", encoding="utf-8") as f:
            f.write(f"""
group = core
admin-port = {p['admin']}
admin-interface = 127.0.0.1
admin-password = admin-{KANNEL_PASSWORD}
admin-allow-ip = 127.0.0.1
smsbox-port = {p['smsbox']}
smsbox-interface = 127.0.0.1
box-allow-ip = 127.0.0.1
log-file = "{self.kdir}/bearerbox.log"
log-level = 0
dlr-storage = internal

group = smsc
smsc = fake
smsc-id = FAKE
port = {p['smsc']}
our-host = 127.0.0.1
connect-allow-ip = 127.0.0.1

group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = {p['smsbox']}
sendsms-port = {p['sendsms']}
sendsms-interface = 127.0.0.1
global-sender = {SENDER}
log-file = "{self.kdir}/smsbox.log"
log-level = 0

group = sendsms-user
username = {KANNEL_USER}
password = {KANNEL_PASSWORD}

group = sms-service
keyword = default
text = "No service"
""")
        self.addCleanup(self.stop_kannel)
        self.start_kannel()

    def spawn(self, name, *args):
        out = open(os.path.join(self.kdir, name + ".out"), "wb")
        proc = subprocess.Popen(list(args), cwd=self.kdir, stdin=subprocess.DEVNULL, stdout=out,
                                stderr=subprocess.STDOUT)
        self.procs.append((name, proc, out))
        return proc

    def start_kannel(self):
        self.spawn("bearerbox", BEARERBOX, "-v", "1", self.conf)
        wait_for_port(self.ports["smsbox"], START_TIMEOUT, "bearerbox's smsbox port")
        wait_for_port(self.ports["smsc"], START_TIMEOUT, "the fake SMSC port")
        # -m 0: send no mobile-originated messages, just print what the gateway delivers
        # ("Got message N: <from to text ...>", at debug level on stderr).
        self.spawn("fakesmsc", FAKESMSC, "-H", "127.0.0.1", "-r", str(self.ports["smsc"]),
                   "-i", "0", "-m", "0", "0 0 text unused")
        wait_until(lambda: "Fakesmsc client connected" in read(os.path.join(self.kdir, "bearerbox.log")),
                   START_TIMEOUT, what="fakesmsc to connect to bearerbox")
        self.spawn("smsbox", SMSBOX, "-v", "1", self.conf)
        wait_for_port(self.ports["sendsms"], START_TIMEOUT, "smsbox's sendsms port")
        wait_until(lambda: "Connected to bearerbox" in read(os.path.join(self.kdir, "smsbox.log")),
                   START_TIMEOUT, what="smsbox to connect to bearerbox")

    def stop_kannel(self):
        # smsbox first, then the SMSC client, then bearerbox: the reverse of the start.
        for name, proc, out in reversed(self.procs):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=STOP_TIMEOUT)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(timeout=STOP_TIMEOUT)
            out.close()

    def fake_smsc_messages(self):
        return re.findall(r"Got message \d+: <(.*)>", read(os.path.join(self.kdir, "fakesmsc.out")))

    def sms_rows(self):
        con = sqlite3.connect(f"file:{self.ws.db}?mode=ro", uri=True, timeout=5)
        try:
            return con.execute("SELECT id, provider, provider_message_id, to_masked, status, error_code "
                               "FROM sms_messages").fetchall()
        finally:
            con.close()

    def test_pin_reaches_the_fake_smsc_and_the_delivery_report_comes_back(self):
        self.ws.add_customer(KNOWN, "Ada", "Lovelace", level="Gold")
        self.ws.sms_flag = None
        config = self.ws.write("callgate.toml", f"""
[sms]
provider = "kannel"
[sms.kannel]
url = "http://127.0.0.1:{self.ports['sendsms']}/cgi-bin/sendsms"
username = "{KANNEL_USER}"
dlr_url = "http://127.0.0.1:{self.ports['callgate']}/sms/v1/kannel/dlr"
dlr_mask = 31
""")
        server = self.start_server("--config", config, http=f"127.0.0.1:{self.ports['callgate']}",
                                   env={"CALLGATE_KANNEL_PASSWORD": KANNEL_PASSWORD})

        # A known customer without attestation steps up to the SMS PIN (the default policy).
        self.assertEqual(server.call("lookup-caller", KNOWN)["authenticated"], "False")
        sent = server.call("send-otp", KNOWN)
        self.assertEqual((sent["lambdaResult"], sent["otpResult"]), ("Success", "Sent"))

        [line] = wait_until(self.fake_smsc_messages, DELIVERY_TIMEOUT, what="the SMS at the fake SMSC")
        sender, receiver, kind, text = line.split(" ", 3)
        self.assertEqual(sender, SENDER)
        self.assertEqual(receiver, KNOWN)
        self.assertEqual(kind, "text")
        m = re.fullmatch(r"Welcome to callgate, your one-time PIN is (\d{6})", text)
        self.assertIsNotNone(m, text)

        # The bearerbox reports "reached the SMSC" (8) and the fake SMSC "delivered" (1); smsbox
        # fetches our dlr-url for each, and the message ends up delivered.
        def delivered():
            rows = self.sms_rows()
            return rows if rows and rows[0][4] == "delivered" else None
        [(message_id, provider, provider_id, masked, status, error)] = wait_until(
            delivered, DELIVERY_TIMEOUT, what=f"the delivery report (rows: {self.sms_rows()})")
        self.assertRegex(message_id, r"^[0-9a-f]{32}$")
        self.assertEqual((provider, provider_id, masked, error), ("kannel", message_id, "+1415*****00", ""))
        smsbox_log = read(os.path.join(self.kdir, "smsbox.log"))
        self.assertNotIn("Couldn't fetch", smsbox_log)

        # The code that arrived is the live one.
        verified = server.call("verify-otp", KNOWN, code=m.group(1))
        self.assertEqual(verified["otpResult"], "Verified")
        self.assertEqual(verified["firstName"], "Ada")

        # callgate's log holds neither the Kannel password nor the number nor the code.
        self.assertEqual(server.stop(), 0)
        log = read(server.log_path)
        self.assertIn("path=/sms/v1/kannel/dlr status=200", log)
        for secret in (KANNEL_PASSWORD, KNOWN, "PIN is"):
            self.assertNotIn(secret, log)

    def test_forged_delivery_report_is_refused(self):
        self.ws.sms_flag = None
        config = self.ws.write("callgate.toml", f"""
[sms]
provider = "kannel"
[sms.kannel]
url = "http://127.0.0.1:{self.ports['sendsms']}/cgi-bin/sendsms"
username = "{KANNEL_USER}"
password = "wrong-password"
dlr_url = "http://127.0.0.1:{self.ports['callgate']}/sms/v1/kannel/dlr"
""")
        server = self.start_server("--config", config, http=f"127.0.0.1:{self.ports['callgate']}")
        # Kannel refuses the credentials (403): a permanent error, no retry, a clear outcome.
        started = time.monotonic()
        sent = server.call("send-otp", KNOWN)
        self.assertEqual(sent["otpResult"], "SendFailed")
        self.assertLess(time.monotonic() - started, 3.0)
        [(message_id, status)] = [(r[0], r[4]) for r in self.sms_rows()]
        self.assertEqual(status, "failed")
        self.assertEqual(self.fake_smsc_messages(), [])
        forged = f"/sms/v1/kannel/dlr?id={message_id}&token={'0' * 64}&status=1"
        status, _, _ = server.request("GET", forged)
        self.assertEqual(status, 403)
        self.assertEqual(self.sms_rows()[0][4], "failed")


if __name__ == "__main__":
    unittest.main()
