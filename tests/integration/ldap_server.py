"""A throwaway OpenLDAP `slapd` (Debian's) for the black-box tests: a slapd.conf and an MDB
database in a temporary directory, loaded with slapadd, listening on 127.0.0.1 only (ldap:// and
ldaps:// on free ports), with its stats log (every BIND and SRCH) in a file the tests read.
Optionally with TLS: a test CA and a server certificate for 127.0.0.1 made with the openssl CLI.

Every wait is bounded; stop() ends slapd (SIGTERM, then SIGKILL) and the directory is left for
the caller's cleanup."""

import os
import re
import signal
import socket
import subprocess
import time

SLAPD = "/usr/sbin/slapd"
SLAPADD = "/usr/sbin/slapadd"
SLAPPASSWD = "/usr/sbin/slappasswd"
SCHEMA_DIR = "/etc/ldap/schema"
MODULE_DIR = "/usr/lib/ldap"

SUFFIX = "dc=example,dc=com"
PEOPLE = "ou=people," + SUFFIX
SERVICE_DN = "cn=callgate,ou=services," + SUFFIX
SERVICE_PASSWORD = "svc-Pa55-word"

START_TIMEOUT = 10.0
STOP_TIMEOUT = 10.0


def missing_programs():
    """'' when slapd, slapadd, slappasswd and openssl are there, else what is missing and how to
    get it."""
    missing = [p for p in (SLAPD, SLAPADD, SLAPPASSWD, "/usr/bin/openssl")
               if not os.access(p, os.X_OK)]
    if not missing:
        return ""
    return (f"missing {', '.join(missing)} (Debian packages slapd, openssl): "
            "scripts/install-deps.sh installs them")


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(args, cwd=None, input=None):
    r = subprocess.run(args, cwd=cwd, input=input, capture_output=True, text=True, timeout=30)
    if r.returncode != 0:
        raise AssertionError(f"{args[0]} failed ({r.returncode}): {r.stderr}{r.stdout}")
    return r.stdout


def ssha(password):
    """slappasswd's salted SHA-1 of `password` ({SSHA}...), as a directory stores it."""
    return run([SLAPPASSWD, "-h", "{SSHA}", "-s", password]).strip()


def make_ca(directory, name):
    """A self-signed test CA: (key path, cert path)."""
    key = os.path.join(directory, f"{name}.key")
    cert = os.path.join(directory, f"{name}.pem")
    run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
         "-days", "2", "-subj", f"/CN=callgate test {name}",
         "-addext", "basicConstraints=critical,CA:TRUE",
         "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
    return key, cert


def make_server_cert(directory, ca_key, ca_cert, names="IP:127.0.0.1,DNS:localhost"):
    """A certificate for `names` (subjectAltName; by default 127.0.0.1 and localhost) signed by
    the CA: (key path, cert path)."""
    key = os.path.join(directory, "server.key")
    csr = os.path.join(directory, "server.csr")
    cert = os.path.join(directory, "server.pem")
    ext = os.path.join(directory, "server.ext")
    with open(ext, "w") as f:
        f.write(f"subjectAltName={names}\n"
                "extendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n")
    # The subject's CN is the first name too: libldap falls back to it when no SAN matches.
    common_name = names.split(",")[0].split(":", 1)[1]
    run(["openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr,
         "-subj", f"/CN={common_name}"])
    run(["openssl", "x509", "-req", "-in", csr, "-CA", ca_cert, "-CAkey", ca_key,
         "-CAcreateserial", "-out", cert, "-days", "2", "-extfile", ext])
    os.chmod(key, 0o600)
    return key, cert


class Slapd:
    """One slapd. `people`: (uid, password, attributes dict) for ou=people; `extra_ldif`: more
    entries as LDIF text."""

    def __init__(self, directory, people, extra_ldif="", tls=False,
                 server_names="IP:127.0.0.1,DNS:localhost"):
        self.dir = directory
        self.people = people
        self.extra_ldif = extra_ldif
        self.tls = tls
        self.port = free_port()
        self.tls_port = free_port()
        self.proc = None
        self.log_path = os.path.join(directory, "slapd.log")
        self.ca_cert = None
        if tls:
            ca_key, self.ca_cert = make_ca(directory, "ca")
            self.server_key, self.server_cert = make_server_cert(directory, ca_key, self.ca_cert,
                                                                 server_names)
        self._write_config()
        self._load()

    @property
    def url(self):
        return f"ldap://127.0.0.1:{self.port}"

    @property
    def ldaps_url(self):
        return f"ldaps://127.0.0.1:{self.tls_port}"

    def _write_config(self):
        db = os.path.join(self.dir, "db")
        os.makedirs(db, exist_ok=True)
        tls = ""
        if self.tls:
            tls = (f"TLSCACertificateFile {self.ca_cert}\n"
                   f"TLSCertificateFile {self.server_cert}\n"
                   f"TLSCertificateKeyFile {self.server_key}\n")
        self.conf = os.path.join(self.dir, "slapd.conf")
        with open(self.conf, "w") as f:
            f.write(f"""include {SCHEMA_DIR}/core.schema
include {SCHEMA_DIR}/cosine.schema
include {SCHEMA_DIR}/inetorgperson.schema
pidfile {self.dir}/slapd.pid
argsfile {self.dir}/slapd.args
modulepath {MODULE_DIR}
moduleload back_mdb
loglevel stats
{tls}
database mdb
maxsize 10485760
suffix "{SUFFIX}"
rootdn "cn=admin,{SUFFIX}"
directory {db}
access to attrs=userPassword
  by self =w
  by anonymous auth
  by * none
access to *
  by dn.exact="{SERVICE_DN}" read
  by self read
  by * none
""")

    def _load(self):
        entries = [f"""dn: {SUFFIX}
objectClass: dcObject
objectClass: organization
dc: example
o: Example

dn: ou=people,{SUFFIX}
objectClass: organizationalUnit
ou: people

dn: ou=services,{SUFFIX}
objectClass: organizationalUnit
ou: services

dn: {SERVICE_DN}
objectClass: organizationalRole
objectClass: simpleSecurityObject
cn: callgate
userPassword: {ssha(SERVICE_PASSWORD)}
"""]
        for uid, password, attributes in self.people:
            lines = [f"dn: uid={uid},{PEOPLE}", "objectClass: inetOrgPerson", f"uid: {uid}",
                     f"userPassword: {ssha(password)}"]
            attributes = dict(attributes)
            attributes.setdefault("cn", uid)
            attributes.setdefault("sn", uid)
            for name, value in attributes.items():
                for v in (value if isinstance(value, list) else [value]):
                    lines.append(f"{name}: {v}")
            entries.append("\n".join(lines) + "\n")
        if self.extra_ldif:
            entries.append(self.extra_ldif)
        ldif = os.path.join(self.dir, "data.ldif")
        with open(ldif, "w") as f:
            f.write("\n".join(entries))
        run([SLAPADD, "-f", self.conf, "-l", ldif])

    def start(self):
        urls = f"ldap://127.0.0.1:{self.port}/"
        if self.tls:
            urls += f" ldaps://127.0.0.1:{self.tls_port}/"
        self._log = open(self.log_path, "ab")
        # -d stats: in the foreground, the stats log (connections, BIND, SRCH, RESULT) on stderr.
        self.proc = subprocess.Popen([SLAPD, "-f", self.conf, "-h", urls, "-d", "stats"],
                                     stdout=self._log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"slapd exited ({self.proc.returncode}):\n{self.log()[-3000:]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.05)
        raise AssertionError(f"slapd did not listen within {START_TIMEOUT} s:\n{self.log()[-3000:]}")

    def stop(self):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=STOP_TIMEOUT)
        self.proc = None
        self._log.close()

    def log(self):
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def binds(self):
        """The DNs of every BIND slapd has seen, in order."""
        return re.findall(r' BIND dn="([^"]*)" method=', self.log())

    def searches(self):
        """The filters of every SRCH slapd has seen, in order."""
        return re.findall(r' SRCH base="[^"]*" scope=\d+ deref=\d+ filter="([^"]*)"', self.log())
