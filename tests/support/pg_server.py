#!/usr/bin/env python3
"""Starts and stops a throwaway PostgreSQL 15 server for tests.

    python3 tests/support/pg_server.py start DIR [--watch-pid PID] [--fresh]
        initdb's into DIR/data (unless already there), starts the server on a free 127.0.0.1
        port with its Unix socket inside DIR, creates database `callgate` and prints one line:
        the URL (postgresql://postgres@127.0.0.1:PORT/callgate). With --watch-pid, a detached
        watcher stops the server when process PID exits (a crashed test leaves nothing behind).
        Starting a DIR that was stopped reuses its data (unless --fresh) and, if still free, its
        port.
    python3 tests/support/pg_server.py stop DIR
        stops it (immediate shutdown; SIGKILL if that does not work). Stopping a stopped DIR is
        not an error.
    python3 tests/support/pg_server.py url DIR

Importable: PgServer(dir) with start(), stop(), url, admin_url(), create_database(name),
drop_database(name), running().

When run as root the server runs as the `postgres` system user (else `nobody`), which owns DIR:
PostgreSQL refuses to run as root. Authentication is `trust`, for 127.0.0.1 and the socket only:
test use, never a deployment. fsync is off: an OS crash may lose data, which a test never
keeps; commits stay synchronous, so stop (immediate) and start lose nothing.
Set CALLGATE_PG_BIN to a directory holding initdb/pg_ctl to use other binaries.
"""

import argparse
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

SUPERUSER = "postgres"
DATABASE = "callgate"


class PgServerError(RuntimeError):
    pass


def find_bin_dir():
    """The directory holding initdb, pg_ctl and postgres; PostgreSQL 15 first."""
    candidates = []
    if os.environ.get("CALLGATE_PG_BIN"):
        candidates.append(os.environ["CALLGATE_PG_BIN"])
    candidates.append("/usr/lib/postgresql/15/bin")
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    pg_config = shutil.which("pg_config")
    if pg_config:
        try:
            candidates.append(subprocess.run([pg_config, "--bindir"], capture_output=True,
                                             text=True, check=True).stdout.strip())
        except (OSError, subprocess.CalledProcessError):
            pass
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(os.path.dirname(initdb))
    for d in candidates:
        if all(os.access(os.path.join(d, b), os.X_OK) for b in ("initdb", "pg_ctl", "postgres")):
            return d
    raise PgServerError(
        "PostgreSQL server binaries (initdb, pg_ctl, postgres) not found in "
        + ", ".join(candidates or ["/usr/lib/postgresql/*/bin"])
        + ": install the postgresql package (Debian: apt-get install postgresql) "
        "or set CALLGATE_PG_BIN")


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgServer:
    def __init__(self, dir):
        self.dir = os.path.abspath(dir)
        self.data = os.path.join(self.dir, "data")
        self.log = os.path.join(self.dir, "server.log")
        self._port_file = os.path.join(self.dir, "port")
        self._sock_file = os.path.join(self.dir, "socketdir")
        self._bin = None
        self._user = None  # (name, uid, gid) when we must switch users, else None

    # --- public -----------------------------------------------------------------------------

    @property
    def port(self):
        with open(self._port_file) as f:
            return int(f.read().strip())

    @property
    def url(self):
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{DATABASE}"

    def admin_url(self):
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/postgres"

    def url_for(self, database):
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    @property
    def socket_url(self):
        """The same database over the Unix socket (libpq's host= names the socket's directory)."""
        return f"postgresql://{SUPERUSER}@/{DATABASE}?host={self.socket_dir}&port={self.port}"

    @property
    def socket_dir(self):
        with open(self._sock_file) as f:
            return f.read().strip()

    def running(self):
        if not os.path.exists(os.path.join(self.data, "PG_VERSION")):
            return False
        r = self._run([self._binary("pg_ctl"), "status", "-D", self.data], check=False)
        return r.returncode == 0

    def start(self, timeout=60, fresh=False):
        """Initialises (first time, or always when `fresh`) and starts the server; returns the
        URL."""
        self._binary("initdb")  # fails early and clearly when the binaries are missing
        if fresh:
            self.stop()
            if os.path.exists(self.data):
                shutil.rmtree(self.data)
        os.makedirs(self.dir, exist_ok=True)
        self._prepare_user()
        fresh = not os.path.exists(os.path.join(self.data, "PG_VERSION"))
        if fresh:
            self._initdb()
        if self.running():
            return self.url
        last = None
        for attempt in range(5):
            # A stopped server keeps its port when it is still free (clients may hold its URL);
            # otherwise, and on every retry, a new free one.
            if attempt > 0 or fresh or not os.path.exists(self._port_file):
                self._write(self._port_file, str(free_port()))
            try:
                self._pg_ctl_start(timeout)
                last = None
                break
            except PgServerError as e:  # most likely the port was taken meanwhile
                last = e
                self.stop()
        if last:
            raise last
        if fresh or not self._database_exists(DATABASE):
            self.create_database(DATABASE)
        return self.url

    def stop(self, timeout=30):
        """Stops the server: immediate shutdown, SIGKILL when that does not work."""
        if not os.path.exists(os.path.join(self.data, "PG_VERSION")):
            return
        pid = self._postmaster_pid()
        try:
            self._run([self._binary("pg_ctl"), "stop", "-D", self.data, "-m", "immediate", "-w",
                       "-t", str(timeout)], check=False, timeout=timeout + 5)
        except subprocess.TimeoutExpired:
            pass
        if pid and _alive(pid):
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
            _wait_gone(pid, 10)
        if pid:
            # Children of a SIGKILLed postmaster exit on their own once they notice; wait so
            # the port and the shared memory are free when stop() returns.
            for child in _children_of(pid):
                try:
                    os.kill(child, signal.SIGKILL)
                except OSError:
                    pass
        # A postmaster that had to be killed leaves its pid file and socket lock behind; a new
        # one would refuse to start while the old pid exists (a zombie where nothing reaps).
        stale = [os.path.join(self.data, "postmaster.pid")]
        try:
            stale += glob.glob(os.path.join(self.socket_dir, ".s.PGSQL.*"))
        except OSError:
            pass
        for path in stale:
            try:
                os.unlink(path)
            except OSError:
                pass

    def create_database(self, name):
        self._psql(f'CREATE DATABASE "{name}"')

    def drop_database(self, name):
        self._psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def psql(self, sql, database="postgres"):
        return self._psql(sql, database)

    def watch(self, pid):
        """Detaches a watcher process that stops this server once process `pid` is gone."""
        if os.fork() != 0:
            return
        os.setsid()
        if os.fork() != 0:
            os._exit(0)
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        try:
            while _alive(pid) and os.path.isdir(self.data):
                time.sleep(0.5)
            if not _alive(pid):
                self.stop()

        finally:
            os._exit(0)

    # --- internals --------------------------------------------------------------------------

    def _binary(self, name):
        if self._bin is None:
            self._bin = find_bin_dir()
        return os.path.join(self._bin, name)

    def _find_user(self):
        """The user the server runs as when we are root (PostgreSQL refuses root), else None."""
        if os.geteuid() != 0 or self._user is not None:
            return
        for name in ("postgres", "nobody"):
            try:
                pw = pwd.getpwnam(name)
            except KeyError:
                continue
            self._user = (name, pw.pw_uid, pw.pw_gid)
            break
        else:
            raise PgServerError("running as root, but neither a `postgres` nor a `nobody` user "
                                "exists to run PostgreSQL as")

    def _prepare_user(self):
        self._find_user()
        if self._user is None:
            return
        _, uid, gid = self._user
        os.chown(self.dir, uid, gid)
        for root, dirs, files in os.walk(self.dir):
            for n in dirs + files:
                try:
                    os.lchown(os.path.join(root, n), uid, gid)
                except OSError:
                    pass
        # Every parent must be traversable by that user.
        d = os.path.dirname(self.dir)
        while d and d != "/":
            st = os.stat(d)
            if not (st.st_mode & 0o001) and not (st.st_uid == uid) and not (
                    st.st_gid == gid and st.st_mode & 0o010):
                raise PgServerError(f"{d} is not searchable by user {self._user[0]}, which runs "
                                    f"PostgreSQL: use a directory under /tmp")
            d = os.path.dirname(d)

    def _as_user(self):
        self._find_user()
        if self._user is None:
            return {}
        _, uid, gid = self._user
        return {"user": uid, "group": gid, "extra_groups": []}

    def _env(self):
        env = dict(os.environ)
        for k in ("PGHOST", "PGPORT", "PGUSER", "PGDATABASE", "PGPASSWORD", "PGSERVICE"):
            env.pop(k, None)
        env["LC_ALL"] = "C"
        if self._user is not None:
            env["HOME"] = self.dir
            env["USER"] = env["LOGNAME"] = self._user[0]
        return env

    def _run(self, argv, check=True, timeout=120, as_server=True):
        kwargs = self._as_user() if as_server else {}
        r = subprocess.run(argv, cwd=self.dir, env=self._env(), capture_output=True, text=True,
                           timeout=timeout, **kwargs)
        if check and r.returncode != 0:
            raise PgServerError(f"{os.path.basename(argv[0])} failed ({r.returncode}): "
                                f"{r.stderr.strip() or r.stdout.strip()}")
        return r

    def _write(self, path, text):
        with open(path, "w") as f:
            f.write(text + "\n")
        if self._user is not None:
            os.chown(path, self._user[1], self._user[2])

    def _initdb(self):
        if os.path.exists(self.data):
            shutil.rmtree(self.data)
        self._run([self._binary("initdb"), "-D", self.data, "-U", SUPERUSER, "-A", "trust",
                   "-E", "UTF8", "--locale=C", "--no-sync"])
        sock = os.path.join(self.dir, "sock")
        if len(sock) > 90:  # sun_path is ~107 bytes, with ".s.PGSQL.NNNNN" appended
            sock = tempfile.mkdtemp(prefix="pgsock-")
        os.makedirs(sock, exist_ok=True)
        if self._user is not None:
            os.chown(sock, self._user[1], self._user[2])
        self._write(self._sock_file, sock)
        with open(os.path.join(self.data, "pg_hba.conf"), "w") as f:
            f.write("# test server: trust on the socket and 127.0.0.1 only\n"
                    "local all all trust\n"
                    "host all all 127.0.0.1/32 trust\n")
        with open(os.path.join(self.data, "postgresql.auto.conf"), "a") as f:
            f.write(f"listen_addresses = '127.0.0.1'\n"
                    f"unix_socket_directories = '{sock}'\n"
                    "fsync = off\n"
                    "full_page_writes = off\n"
                    "max_connections = 300\n"
                    "shared_buffers = 32MB\n"
                    "max_prepared_transactions = 0\n"
                    "log_min_messages = warning\n"
                    "log_connections = off\n")
        if self._user is not None:
            for n in ("pg_hba.conf", "postgresql.auto.conf"):
                os.chown(os.path.join(self.data, n), self._user[1], self._user[2])

    def _pg_ctl_start(self, timeout):
        r = self._run([self._binary("pg_ctl"), "start", "-D", self.data, "-l", self.log, "-w",
                       "-t", str(timeout), "-o", f"-p {self.port}"], check=False,
                      timeout=timeout + 10)
        if r.returncode != 0:
            tail = ""
            try:
                with open(self.log) as f:
                    tail = "".join(f.readlines()[-10:])
            except OSError:
                pass
            raise PgServerError(f"pg_ctl start failed ({r.returncode}): "
                                f"{r.stderr.strip()}\n{tail}")

    def _psql(self, sql, database="postgres"):
        r = self._run([self._binary("psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h",
                       "127.0.0.1", "-p", str(self.port), "-U", SUPERUSER, "-d", database, "-At",
                       "-c", sql], as_server=False)
        return r.stdout

    def _database_exists(self, name):
        return self._psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'").strip() == "1"

    def _postmaster_pid(self):
        try:
            with open(os.path.join(self.data, "postmaster.pid")) as f:
                return int(f.readline().strip())
        except (OSError, ValueError):
            return None


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie counts as gone.
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True


def _wait_gone(pid, seconds):
    deadline = time.monotonic() + seconds
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)


def _children_of(pid):
    out = []
    for stat in glob.glob("/proc/[0-9]*/stat"):
        try:
            with open(stat) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                out.append(int(stat.split("/")[2]))
        except (OSError, ValueError, IndexError):
            pass
    return out


def main(argv):
    p = argparse.ArgumentParser(description="throwaway PostgreSQL server for tests")
    p.add_argument("command", choices=["start", "stop", "url"])
    p.add_argument("dir")
    p.add_argument("--watch-pid", type=int, help="stop the server once this process exits")
    p.add_argument("--fresh", action="store_true", help="start from an empty data directory")
    a = p.parse_args(argv)
    server = PgServer(a.dir)
    try:
        if a.command == "start":
            url = server.start(fresh=a.fresh)
            if a.watch_pid:
                server.watch(a.watch_pid)
            print(url, flush=True)
        elif a.command == "stop":
            server.stop()
        else:
            print(server.url)
    except (PgServerError, OSError, subprocess.SubprocessError) as e:
        print(f"pg_server: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
