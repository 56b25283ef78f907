"""The state directory and the key files in it: `serve` creates the directory 0700 whatever the
umask, and refuses to start on a key file that another user owns (a local user who could write
the directory could otherwise plant a key of their own, 0600 and all).
"""

import os
import select
import shutil
import subprocess
import tempfile
import time
import unittest

import harness

NOBODY = 65534


@harness.require_binary
class StateDirectoryTest(unittest.TestCase):

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="callgate-state-")
        os.chmod(self.dir, 0o755)
        self.addCleanup(shutil.rmtree, self.dir, True)

    def serve(self, wait_listening=True):
        """`callgate serve` with the default paths (var/...) under umask 000; returns the
        process, stopped, and its standard error."""
        env = dict(os.environ)
        env.pop("CALLGATE_OTP_SECRET", None)
        env.pop("CALLGATE_PIN_PEPPER", None)
        proc = subprocess.Popen(
            [harness.BIN, "serve", "--http", "127.0.0.1:0", "--sms",
             "outbox:var/outbox.jsonl"],
            cwd=self.dir, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
            preexec_fn=lambda: os.umask(0))
        line = b""
        deadline = time.monotonic() + harness.START_TIMEOUT
        while time.monotonic() < deadline and proc.poll() is None:
            ready, _, _ = select.select([proc.stdout], [], [], 0.05)
            if ready:
                line = proc.stdout.readline()
                break
        if proc.poll() is None:
            proc.terminate()
        try:
            _, err = proc.communicate(timeout=harness.STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            _, err = proc.communicate()
        return line, proc.returncode, err.decode("utf-8", "replace")

    def mode(self, *path):
        return os.stat(os.path.join(self.dir, *path)).st_mode & 0o777

    def test_the_state_directory_is_created_0700_under_umask_000(self):
        line, _, err = self.serve()
        self.assertTrue(line.startswith(b"listening http://"), err)
        self.assertEqual(oct(self.mode("var")), oct(0o700), err)
        for name in ("otp.key", "pin.key"):
            if os.path.exists(os.path.join(self.dir, "var", name)):
                self.assertEqual(oct(self.mode("var", name)), oct(0o600), name)

    def test_a_key_file_owned_by_another_user_is_refused_naming_it(self):
        # make test runs as root (README); without root no file can be given to another user,
        # and this check must fail rather than pass unseen.
        self.assertEqual(os.geteuid(), 0, "needs root to give a file to another user")
        line, _, err = self.serve()
        self.assertTrue(line.startswith(b"listening http://"), err)
        for name in ("otp.key", "pin.key"):
            path = os.path.join(self.dir, "var", name)
            if not os.path.exists(path):
                continue
            with self.subTest(name):
                os.chown(path, NOBODY, NOBODY)
                line, code, err = self.serve()
                os.chown(path, 0, 0)
                self.assertFalse(line.startswith(b"listening"), err)
                self.assertNotEqual(code, 0)
                self.assertIn(os.path.join("var", name), err)
                self.assertIn("owned by", err)


if __name__ == "__main__":
    unittest.main()
