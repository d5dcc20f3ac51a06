"""`spyglass-cli run` opens its session file lazily (issue 7: an idle proxy
must stay small): the file is created 0600 and checked at start, SQLite opens
it with the first exchange. Bad files are still refused at start; a file that
goes bad before the first exchange pauses recording while traffic flows; a run
without traffic leaves a valid empty session; readers call a 0-byte file
empty.

Real spyglass-cli, real curl, origins on 127.0.0.1 (integration harness).
"""

import os
import sqlite3
import stat
import unittest

from harness import payload, curl
from test_recording import STEP, RecordingCase, open_db, wait_until

EMPTY_MESSAGE = "is empty: nothing has been recorded yet"
SESSION_APPLICATION_ID = 0x53707967
CURRENT_FORMAT = 3


class LazyOpenTest(RecordingCase):
    @classmethod
    def setUpClass(cls):
        cls.origin = cls.start_origin()

    def assert_reported_empty(self, session):
        """list, show and export all refuse the 0-byte file with the clear message."""
        for args in (("list", session), ("show", session, "1"), ("export", session, "--har", "-")):
            with self.subTest(command=args[0]):
                result = self.cli(*args, check=False)
                self.assertEqual(result.returncode, 1, result.stderr)
                self.assertIn(f"{session} {EMPTY_MESSAGE}".encode(), result.stderr)

    def test_the_file_stays_empty_until_the_first_exchange(self):
        session = self.session_path()
        proxy = self.record(session)
        self.assertEqual(os.path.getsize(session), 0)
        self.assertEqual(stat.S_IMODE(os.stat(session).st_mode), 0o600)
        self.assertFalse(os.path.exists(f"{session}-wal"))
        self.assert_reported_empty(session)

        self.assertCurlOk(curl("-x", proxy.url, self.origin.url("/bytes/2000/4")))
        # Readers see the exchange while the proxy still runs (WAL).
        wait_until(lambda: b"/bytes/2000/4" in self.cli("list", session, check=False).stdout,
                   what="the exchange in `spyglass-cli list`")
        self.stop(proxy)
        db = open_db(session)
        self.assertEqual(db.execute("PRAGMA application_id").fetchone()[0], SESSION_APPLICATION_ID)
        self.assertEqual([tuple(r) for r in db.execute("SELECT path, state FROM exchanges")],
                         [("/bytes/2000/4", "complete")])
        self.assertEqual(db.execute("PRAGMA integrity_check").fetchone()[0], "ok")
        self.assertEqual(stat.S_IMODE(os.stat(session).st_mode), 0o600)

    def test_a_run_without_traffic_leaves_an_empty_session(self):
        session = self.session_path()
        proxy = self.record(session)
        self.stop(proxy)
        self.assertGreater(os.path.getsize(session), 0)
        self.assertFalse(os.path.exists(f"{session}-wal"))
        listed = self.cli("list", session)
        self.assertNotIn(EMPTY_MESSAGE.encode(), listed.stderr)
        db = open_db(session)
        self.assertEqual(db.execute("PRAGMA application_id").fetchone()[0], SESSION_APPLICATION_ID)
        self.assertEqual(db.execute("PRAGMA user_version").fetchone()[0], CURRENT_FORMAT)
        self.assertEqual(db.execute("SELECT count(*) FROM exchanges").fetchone()[0], 0)

    def test_bad_files_are_refused_at_start(self):
        def foreign(path):
            db = sqlite3.connect(path)
            db.executescript("PRAGMA application_id = 1234; CREATE TABLE notes (text TEXT);")
            db.close()

        def newer(path):
            db = sqlite3.connect(path)
            db.executescript(f"PRAGMA application_id = {SESSION_APPLICATION_ID}; "
                             f"PRAGMA user_version = {CURRENT_FORMAT + 1}; CREATE TABLE t (x);")
            db.close()

        def text(path):
            path.write_bytes(b"not a database\n" * 100)

        def directory(path):
            path.mkdir()

        cases = ((foreign, "is an SQLite database but not a Spyglass session"),
                 (newer, f"is a session of format {CURRENT_FORMAT + 1}, written by a newer "
                         "Spyglass"),
                 (text, "is not a Spyglass session (not an SQLite database)"),
                 (directory, "Is a directory"))
        for make, message in cases:
            with self.subTest(kind=make.__name__):
                session = self.session_path()
                make(session)
                before = session.read_bytes() if session.is_file() else None
                result = self.cli("run", "--listen", "127.0.0.1:0", "--session", session,
                                  check=False)
                self.assertEqual(result.returncode, 1, result.stderr)
                self.assertIn(message.encode(), result.stderr)
                self.assertIn(str(session).encode(), result.stderr)
                self.assertNotIn(b"listening on", result.stdout)
                if before is not None:
                    self.assertEqual(session.read_bytes(), before)

    def test_a_file_gone_bad_before_the_first_exchange_pauses_and_traffic_flows(self):
        """The file passed the check at start but is a directory when the first
        exchange arrives: recording pauses with the reason, the proxy relays,
        and the writer's retry (every 5 s) opens the file once it is back."""
        session = self.session_path()
        proxy = self.record(session)
        os.unlink(session)
        os.mkdir(session)

        relayed = curl("-x", proxy.url, self.origin.url("/bytes/3000/8"))
        self.assertCurlOk(relayed)
        self.assertEqual(relayed.stdout, payload(3000, 8))
        paused = proxy.stderr.wait_for(lambda l: "recording paused" in l, STEP)
        self.assertIsNotNone(paused, proxy.diagnostics())
        self.assertIn(f"cannot create {session}: Is a directory", paused)
        self.assertIn("traffic is still relayed", paused)
        # Still relaying while paused.
        again = curl("-x", proxy.url, self.origin.url("/bytes/100/9"))
        self.assertCurlOk(again)
        self.assertEqual(again.stdout, payload(100, 9))

        os.rmdir(session)
        resumed = proxy.stderr.wait_for(lambda l: "recording resumed" in l, 30)
        self.assertIsNotNone(resumed, proxy.diagnostics())
        self.assertCurlOk(curl("-x", proxy.url, self.origin.url("/bytes/10/77")))
        wait_until(lambda: b"/bytes/10/77" in self.cli("list", session, check=False).stdout,
                   what="the exchange after the resume")
        self.stop(proxy)
        summary = proxy.stderr.snapshot()[-1]
        self.assertIn("2 not recorded while paused", summary)
        db = open_db(session)
        self.assertEqual(db.execute("SELECT group_concat(path) FROM exchanges").fetchone()[0],
                         "/bytes/10/77")
        lost = db.execute("SELECT value FROM session WHERE key = 'recorder_lost_while_paused'")
        self.assertEqual(int(lost.fetchone()[0]), 2)


if __name__ == "__main__":
    unittest.main()
