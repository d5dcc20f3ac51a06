"""The recorder's spool through the real `spyglass-cli run` (issues 5 and 7):
with `--spool always` every record passes through SESSION-spool before it is
indexed, and the session ends up the same; a proxy killed with records still
in the spool loses none of them, because the next reader (`spyglass-cli
list`) applies the spool first. `--spool` refuses unknown values and
`--no-record`.

Real spyglass-cli, real Python HTTP clients, origins on 127.0.0.1
(integration harness).
"""

import http.client
import os
import signal
import threading
import unittest

from harness import payload
from test_recording import STEP, RecordingCase, body_of, open_db, wait_until

ATTEMPTS = 6  # kills until one lands while the spool holds records


class SpoolRecordingTest(RecordingCase):
    @classmethod
    def setUpClass(cls):
        cls.origin = cls.start_origin()

    def fetch(self, proxy, count, seed0=0, stop=None, progress=None, slot=0, base=200):
        """`count` keep-alive GETs through the proxy; returns how many were answered
        (and counts them in progress[slot] as they come)."""
        connection = http.client.HTTPConnection(proxy.host, proxy.port, timeout=STEP)
        done = 0
        try:
            for i in range(seed0, seed0 + count):
                if stop is not None and stop.is_set():
                    break
                size = base + i % 700
                connection.request("GET", self.origin.url(f"/bytes/{size}/{i}"))
                response = connection.getresponse()
                self.assertEqual(response.read(), payload(size, i))
                done += 1
                if progress is not None:
                    progress[slot] = done
        except (OSError, http.client.HTTPException):
            if stop is None or not stop.is_set():
                raise
        finally:
            connection.close()
        return done

    def assert_rows_whole(self, session):
        """Every complete exchange has exactly the body the origin sent."""
        db = open_db(session)
        self.assertEqual(db.execute("PRAGMA integrity_check").fetchone()[0], "ok")
        rows = db.execute("SELECT id, path, response_size FROM exchanges "
                          "WHERE state = 'complete'").fetchall()
        for row in rows:
            size, seed = (int(x) for x in row["path"].split("/")[2:4])
            self.assertEqual(row["response_size"], size)
            self.assertEqual(body_of(db, row["id"], "response"), payload(size, seed), row["path"])
        db.close()
        return len(rows)

    def test_everything_passes_through_the_spool_and_lands(self):
        session = self.session_path()
        proxy = self.record(session, "--spool", "always")
        self.assertEqual(self.fetch(proxy, 150), 150)
        # Readers see the exchanges while the proxy still runs.
        wait_until(lambda: self.cli("list", session).stdout.count(b"/bytes/") == 150,
                   what="150 exchanges in `spyglass-cli list`")
        self.stop(proxy)
        self.assertFalse(os.path.exists(f"{session}-spool"), "a drained spool is removed")
        self.assertEqual(self.assert_rows_whole(session), 150)

    def test_a_killed_proxys_spool_is_applied_by_the_next_reader(self):
        recovered_once = False
        for attempt in range(ATTEMPTS):
            session = self.session_path(f"kill{attempt}.spyglass")
            proxy = self.record(session, "--spool", "always")
            stop = threading.Event()
            answered = [0] * 4

            def client(slot):
                # Bodies of about 1 MB: the writer takes longer to index
                # them than the clients to fetch them, so the spool fills.
                answered[slot] = self.fetch(proxy, 100_000, seed0=slot * 100_000, stop=stop,
                                            progress=answered, slot=slot, base=1_000_000)

            clients = [threading.Thread(target=client, args=(s,)) for s in range(4)]
            for c in clients:
                c.start()
            # Kill while traffic flows: the writer spools and drains all the
            # time, so the spool usually holds records at that moment.
            wait_until(lambda: sum(answered) >= 40 + 10 * attempt, what="40 answers")
            proxy.stop(signal.SIGKILL)
            stop.set()
            for c in clients:
                c.join(STEP)
            left = os.path.exists(f"{session}-spool")
            before = 0
            if os.path.getsize(session) > 0:
                db = open_db(session)
                before = db.execute("SELECT count(*) FROM exchanges").fetchone()[0]
                db.close()
            listed = self.cli("list", session).stdout.count(b"/bytes/")
            self.assertFalse(os.path.exists(f"{session}-spool"),
                             "the reader applied and removed the stale spool")
            complete = self.assert_rows_whole(session)
            db = open_db(session)
            after = db.execute("SELECT count(*) FROM exchanges").fetchone()[0]
            db.close()
            self.assertEqual(listed, after)
            self.assertGreaterEqual(after, before)
            print(f"attempt {attempt}: spool left {left}, {before} rows before the reader, "
                  f"{after} after ({complete} complete), {sum(answered)} answered", flush=True)
            if left and after > before:
                recovered_once = True
                break
        self.assertTrue(recovered_once,
                        f"no kill in {ATTEMPTS} left records in the spool for the reader")

    def test_spool_option_is_checked(self):
        session = self.session_path()
        result = self.cli("run", "--session", session, "--spool", "sometimes", check=False)
        self.assertEqual(result.returncode, 2)
        self.assertIn(b"--spool must be busy, always or never, not 'sometimes'", result.stderr)
        result = self.cli("run", "--no-record", "--spool", "never", check=False)
        self.assertEqual(result.returncode, 2)
        self.assertIn(b"--no-record cannot be combined", result.stderr)


if __name__ == "__main__":
    unittest.main()
