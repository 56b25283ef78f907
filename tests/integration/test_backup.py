"""`callgate backup --to FILE`: an online copy of the SQLite store taken while `serve` answers
requests that write to it, restored as docs/OPERATIONS.md says; PostgreSQL is refused."""

import os
import shutil
import sqlite3
import threading
import unittest

from harness import ServerTestCase, require_binary

ADA = "+14155550100"


@require_binary
class BackupTest(ServerTestCase):

    def backup(self, to, *extra):
        return self.ws.run("backup", *self.ws.store_args(), "--to", to, *extra)

    def test_backup_while_serving_restores_to_a_working_store(self):
        self.ws.add_customer(ADA, "Ada", "Lovelace", level="Gold")
        server = self.start_server()
        # Writes while the copy runs: every send-otp stores a challenge and appends to the outbox.
        stop = threading.Event()
        errors = []

        def busy():
            conn = server.connection()
            n = 0
            while not stop.is_set():
                n += 1
                number = f"+1415555{n % 10000:04d}"
                try:
                    server.call("send-otp", number, conn=conn)
                except AssertionError as e:  # rate limits answer 200 too; anything else counts
                    errors.append(str(e))
            conn.close()

        writer = threading.Thread(target=busy)
        writer.start()
        try:
            to = self.ws.path("backups/callgate-nightly.db")
            os.makedirs(os.path.dirname(to))
            r = self.backup(to)
        finally:
            stop.set()
            writer.join()
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("backed up", r.stdout)
        self.assertEqual(errors, [])
        self.assertEqual(os.stat(to).st_mode & 0o777, 0o600)
        with sqlite3.connect(f"file:{to}?mode=ro", uri=True) as copy:
            self.assertEqual(copy.execute("PRAGMA quick_check").fetchone()[0], "ok")
            self.assertEqual(copy.execute("PRAGMA journal_mode").fetchone()[0], "delete")
        self.assertEqual(server.call("lookup-caller", ADA, attestation="A")["firstName"], "Ada")

        # Restore (docs/OPERATIONS.md): stop, replace the file, drop the old -wal/-shm, start.
        self.assertEqual(server.stop(), 0)
        os.remove(self.ws.db)
        for suffix in ("-wal", "-shm"):
            if os.path.exists(self.ws.db + suffix):
                os.remove(self.ws.db + suffix)
        shutil.copy(to, self.ws.db)
        restored = self.start_server()
        answer = restored.call("lookup-caller", ADA, attestation="A")
        self.assertEqual(answer["recordFound"], "True")
        self.assertEqual(answer["firstName"], "Ada")

    def test_refuses_to_write_over_the_database(self):
        self.ws.add_customer(ADA, "Ada", "Lovelace")
        before = self.ws.table("customers")
        r = self.backup(self.ws.db)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("is the database itself", r.stderr)
        self.assertEqual(self.ws.table("customers"), before)

    def test_missing_database_is_reported_not_created(self):
        r = self.backup(self.ws.path("copy.db"))
        self.assertEqual(r.returncode, 1)
        self.assertIn("no database at", r.stderr)
        self.assertFalse(os.path.exists(self.ws.db))
        self.assertFalse(os.path.exists(self.ws.path("copy.db")))

    def test_postgresql_is_refused_with_its_own_tools_named(self):
        r = self.ws.run("backup", "--db", "postgresql://callgate@127.0.0.1:1/callgate",
                        "--to", self.ws.path("copy.db"))
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("pg_dump", r.stderr)
        self.assertFalse(os.path.exists(self.ws.path("copy.db")))


if __name__ == "__main__":
    unittest.main()
