"""The Debian package (`make package`, scripts/build-deb.sh): built from the tested binary, accepted
by lintian without errors, its unit passing `systemd-analyze verify`, and the installed layout
(unpacked into a temporary root) serving without the source tree: flows, speech dictionary and
web assets found under the root's /usr/share/callgate."""

import os
import re
import shutil
import subprocess
import tempfile
import unittest

from harness import BIN, CLI_TIMEOUT, SOURCE_DIR, fail_class, require_binary

BUILD_TIMEOUT = 120

TOOLS = {"dpkg-deb": "dpkg", "dpkg-shlibdeps": "dpkg-dev", "lintian": "lintian",
         "systemd-analyze": "systemd", "strip": "binutils"}


def require_tools(cls):
    missing = [f"{t} (Debian package {p})" for t, p in TOOLS.items() if not shutil.which(t)]
    if missing:
        return fail_class(cls, "missing programs: " + ", ".join(missing) +
                          "; scripts/install-deps.sh installs them")
    return cls


@require_binary
@require_tools
class PackageTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="callgate-deb-")
        r = subprocess.run(["bash", os.path.join(SOURCE_DIR, "scripts", "build-deb.sh"),
                            os.path.dirname(BIN), cls.dir], capture_output=True, text=True,
                           timeout=BUILD_TIMEOUT, env=dict(os.environ, CALLGATE_DEB_XZ_LEVEL="1"))
        if r.returncode != 0:
            shutil.rmtree(cls.dir, ignore_errors=True)
            raise AssertionError(f"build-deb.sh failed ({r.returncode}): {r.stderr}")
        cls.deb = r.stdout.strip().splitlines()[-1]
        cls.root = os.path.join(cls.dir, "root")
        subprocess.run(["dpkg-deb", "-x", cls.deb, cls.root], check=True, timeout=CLI_TIMEOUT)
        cls.control = subprocess.run(["dpkg-deb", "-e", cls.deb, os.path.join(cls.dir, "DEBIAN")],
                                     check=True, timeout=CLI_TIMEOUT)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    def path(self, installed):
        return os.path.join(self.root, installed.lstrip("/"))

    def read(self, installed):
        with open(self.path(installed), encoding="utf-8") as f:
            return f.read()

    def test_lintian_reports_no_errors(self):
        r = subprocess.run(["lintian", "--no-cfg", "--fail-on", "error", self.deb],
                           capture_output=True, text=True, timeout=BUILD_TIMEOUT)
        errors = [line for line in r.stdout.splitlines() if line.startswith("E:")]
        self.assertEqual(errors, [], r.stdout)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def test_unit_passes_systemd_analyze_verify(self):
        # verify checks that ExecStart's program exists: point it at the unpacked binary.
        unit = self.read("/lib/systemd/system/callgate.service")
        self.assertIn("ExecStart=/usr/bin/callgate serve --config /etc/callgate/callgate.toml",
                      unit)
        checked = os.path.join(self.dir, "callgate.service")
        with open(checked, "w", encoding="utf-8") as f:
            f.write(unit.replace("/usr/bin/callgate", self.path("/usr/bin/callgate")))
        r = subprocess.run(["systemd-analyze", "verify", checked], capture_output=True,
                           text=True, timeout=CLI_TIMEOUT)
        # verify exits 0 on unknown keys, only warning about them: any output is a finding.
        self.assertEqual((r.returncode, r.stdout + r.stderr), (0, ""))

    def test_unit_is_a_hardened_notify_service(self):
        unit = self.read("/lib/systemd/system/callgate.service")
        settings = dict(re.findall(r"^(\w+)=(.*)$", unit, re.MULTILINE))
        expected = {"Type": "notify", "User": "callgate", "StateDirectory": "callgate",
                    "ProtectSystem": "strict", "ProtectHome": "yes", "PrivateTmp": "yes",
                    "NoNewPrivileges": "yes", "ExecReload": "/bin/kill -HUP $MAINPID",
                    "WorkingDirectory": "/var/lib/callgate"}
        for key, value in expected.items():
            self.assertEqual(settings.get(key), value, key)
        self.assertGreaterEqual(int(settings["LimitNOFILE"]), 65536)

    def test_layout_and_conffiles(self):
        for installed in ("/usr/bin/callgate", "/etc/callgate/callgate.toml",
                          "/usr/share/callgate/flows/caller-id-otp.json",
                          "/usr/share/callgate/flows/voice-login.json",
                          "/usr/share/callgate/speech/digits.dict",
                          "/usr/share/callgate/speech/telephone.mllr",
                          "/lib/systemd/system/callgate.service", "/etc/logrotate.d/callgate",
                          "/usr/share/doc/callgate/copyright"):
            self.assertTrue(os.path.isfile(self.path(installed)), installed)
        self.assertTrue(os.access(self.path("/usr/bin/callgate"), os.X_OK))
        with open(os.path.join(self.dir, "DEBIAN", "conffiles"), encoding="utf-8") as f:
            self.assertEqual(f.read().split(),
                             ["/etc/callgate/callgate.toml", "/etc/logrotate.d/callgate"])
        # Every path in the packaged config is absolute: state, logs and shipped data.
        config = self.read("/etc/callgate/callgate.toml")
        self.assertIn('db = "/var/lib/callgate/callgate.db"', config)
        self.assertIn('audit_log = "/var/log/callgate/audit.jsonl"', config)
        self.assertIn('default = "/usr/share/callgate/flows/caller-id-otp.json"', config)
        self.assertIn('mllr = "/usr/share/callgate/speech/telephone.mllr"', config)
        self.assertNotRegex(config, r'(?m)^[^#\n]*=\s*"(var|flows|share)/')

    def test_installed_layout_serves_without_the_source_tree(self):
        # The packaged config with the unpacked root in place of / and state in a scratch dir.
        work = os.path.join(self.dir, "run")
        os.makedirs(work, exist_ok=True)
        config = (self.read("/etc/callgate/callgate.toml")
                  .replace('"/usr/share/callgate/', f'"{self.path("/usr/share/callgate")}/')
                  .replace("/var/lib/callgate/", f"{work}/state/")
                  .replace("/var/log/callgate/", f"{work}/log/")
                  .replace('"/etc/callgate/prompts"', f'"{work}/prompts"'))
        config_path = os.path.join(work, "callgate.toml")
        with open(config_path, "w", encoding="utf-8") as f:
            f.write(config)
        binary = self.path("/usr/bin/callgate")
        env = {k: v for k, v in os.environ.items() if not k.startswith("CALLGATE_")}
        proc = subprocess.Popen([binary, "serve", "--config", config_path, "--http",
                                 "127.0.0.1:0", "--sip", "127.0.0.1:0"], cwd=work,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env=env)
        try:
            # SIP with speech on needs the dictionary and flows from the unpacked tree.
            lines = [proc.stdout.readline() for _ in range(2)]
        finally:
            proc.terminate()
            _, err = proc.communicate(timeout=CLI_TIMEOUT)
        self.assertRegex(lines[0], r"^listening http://127\.0\.0\.1:\d+$", err)
        self.assertRegex(lines[1], r"^listening sip:127\.0\.0\.1:\d+$", err)
        self.assertIn("customers=0 flows=2", err)

        # A relative flow name is found beside the binary: <root>/usr/share/callgate/flows.
        empty = os.path.join(self.dir, "elsewhere")
        os.makedirs(empty, exist_ok=True)
        r = subprocess.run([binary, "flow", "check", "flows/voice-login.json"], cwd=empty,
                           capture_output=True, text=True, timeout=CLI_TIMEOUT, env=env)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)


if __name__ == "__main__":
    unittest.main()
