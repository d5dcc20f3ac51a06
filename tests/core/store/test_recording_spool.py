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
import struct
import threading
import unittest

from harness import payload
from test_recording import STEP, RecordingCase, body_of, open_db, wait_until

ATTEMPTS = 8  # kills until one lands while the spool holds unapplied records

# RecordSpool's layout (core/store/RecordSpool.h): a 32-byte header whose
# last 8 bytes are the spool's id, then frames of u32 length | u32 checksum |
# payload, little-endian.
SPOOL_HEADER = 32
SPOOL_ID_AT = 24
FRAME_HEADER = 8


def session_value(db, key):
    row = db.execute("SELECT value FROM session WHERE key = ?", (key,)).fetchone()
    return None if row is None else row[0]


def unapplied_frames(session):
    """Whole frames in SESSION-spool that the session has not applied yet
    (after the position its last commit saved), as a replay would read them."""
    spool = f"{session}-spool"
    if not os.path.exists(spool) or os.path.getsize(session) == 0:
        return 0
    with open(spool, "rb") as f:
        data = f.read()
    if len(data) < SPOOL_HEADER:
        return 0
    (spool_id,) = struct.unpack_from("<q", data, SPOOL_ID_AT)
    db = open_db(session)
    saved_id, applied = session_value(db, "spool_id"), session_value(db, "spool_applied")
    db.close()
    offset = applied if saved_id == spool_id and applied else SPOOL_HEADER
    frames = 0
    while offset + FRAME_HEADER <= len(data):
        (length,) = struct.unpack_from("<I", data, offset)
        if offset + FRAME_HEADER + length > len(data):
            break  # the torn tail a kill leaves: a replay stops there too
        offset += FRAME_HEADER + length
        frames += 1
    return frames


def recorded(session):
    """What the session holds: rows, complete rows, stored body bytes. Every
    record a replay applies changes one of them (a new exchange, an end, or
    body bytes)."""
    if os.path.getsize(session) == 0:
        return (0, 0, 0)
    db = open_db(session)
    result = (db.execute("SELECT count(*) FROM exchanges").fetchone()[0],
              db.execute("SELECT count(*) FROM exchanges WHERE state = 'complete'").fetchone()[0],
              db.execute("SELECT total(length(data)) FROM body_parts").fetchone()[0])
    db.close()
    return result


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
        """Every complete exchange has the body the origin sent: all of it, or,
        where the recorder's queue was full (docs/session-format.md, "How
        recording behaves"), the prefix it kept, marked 'recorder saturated'
        with the true size. Returns (complete rows, rows with the whole body)."""
        db = open_db(session)
        self.assertEqual(db.execute("PRAGMA integrity_check").fetchone()[0], "ok")
        rows = db.execute(
            "SELECT e.id, e.path, e.response_size, b.size, b.stored, b.truncated "
            "FROM exchanges e JOIN bodies b ON b.exchange_id = e.id "
            "AND b.direction = 'response' WHERE e.state = 'complete'").fetchall()
        whole = 0
        for row in rows:
            size, seed = (int(x) for x in row["path"].split("/")[2:4])
            self.assertEqual(row["response_size"], size, row["path"])
            self.assertEqual(row["size"], size, row["path"])
            body = body_of(db, row["id"], "response")
            self.assertEqual(len(body), row["stored"], row["path"])
            self.assertEqual(body, payload(size, seed)[:len(body)], row["path"])
            if row["stored"] == size:
                self.assertEqual(row["truncated"], "", row["path"])
                whole += 1
            else:
                self.assertEqual(row["truncated"], "recorder saturated", row["path"])
        db.close()
        return len(rows), whole

    def test_everything_passes_through_the_spool_and_lands(self):
        session = self.session_path()
        proxy = self.record(session, "--spool", "always")
        self.assertEqual(self.fetch(proxy, 150), 150)
        # Readers see the exchanges while the proxy still runs.
        wait_until(lambda: self.cli("list", session).stdout.count(b"/bytes/") == 150,
                   what="150 exchanges in `spyglass-cli list`")
        self.stop(proxy)
        self.assertFalse(os.path.exists(f"{session}-spool"), "a drained spool is removed")
        self.assertEqual(self.assert_rows_whole(session), (150, 150))

    def test_a_killed_proxys_spool_is_applied_by_the_next_reader(self):
        recovered_once = False
        for attempt in range(ATTEMPTS):
            session = self.session_path(f"kill{attempt}.spyglass")
            proxy = self.record(session, "--spool", "always")
            stop = threading.Event()
            answered = [0] * 4

            def client(slot):
                # Bodies of about 1 MB: applying one to SQLite takes the
                # writer longer than spooling it, so records wait there.
                answered[slot] = self.fetch(proxy, 100_000, seed0=slot * 100_000, stop=stop,
                                            progress=answered, slot=slot, base=1_000_000)

            clients = [threading.Thread(target=client, args=(s,)) for s in range(4)]
            for c in clients:
                c.start()
            # Kill while traffic flows, at a moment the spool holds records
            # its last commit did not cover (the writer commits at most
            # every 100 ms, so such moments come all the time; the kill
            # itself may still land right after a commit).
            wait_until(lambda: sum(answered) >= 20 + 5 * attempt, what="answers")
            wait_until(lambda: unapplied_frames(session) > 0, what="unapplied spooled records")
            stop.set()  # first: the clients then take the kill's resets as expected
            proxy.stop(signal.SIGKILL)
            for c in clients:
                c.join(STEP)
            pending = unapplied_frames(session)
            before = recorded(session)
            listed = self.cli("list", session).stdout.count(b"/bytes/")
            self.assertFalse(os.path.exists(f"{session}-spool"),
                             "the reader applied and removed the stale spool")
            after = recorded(session)
            complete, whole = self.assert_rows_whole(session)
            self.assertEqual(listed, after[0])
            self.assertGreaterEqual(after[0], before[0])
            if pending:
                # Each applied record adds a row, an end or body bytes.
                self.assertGreater(after, before, f"{pending} spooled records were not applied")
            print(f"attempt {attempt}: {pending} unapplied records in the spool; "
                  f"(rows, complete, body bytes) {before} before the reader, {after} after; "
                  f"{whole} of {complete} complete bodies whole; {sum(answered)} answered",
                  flush=True)
            self.assertGreater(whole, 0, "no exchange was recorded whole")
            if pending:
                recovered_once = True
                break
        self.assertTrue(recovered_once,
                        f"no kill in {ATTEMPTS} left unapplied records in the spool")

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
