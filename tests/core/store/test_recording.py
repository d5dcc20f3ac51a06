"""Recording real traffic (issue 5): spyglass-cli run records forwarded
exchanges and CONNECT tunnels from real clients (curl, Python) into the
session file; list, show and export read it back; a full disk pauses
recording without stopping traffic.

Runs against loopback origins the tests start; reuses the integration
harness (tests/integration) for the proxy process, origins and clients.
"""

import http.client
import json
import os
import re
import resource
import sqlite3
import ssl
import stat
import subprocess
import tempfile
import time
import unittest
from pathlib import Path

import harness
from harness import (HttpOrigin, IntegrationCase, ProxyProcess, clean_env, cli_path, curl,
                     payload, run_cli, sha256_hex)
from recording_origin import TEXT, EncodingOrigin

STEP = 15.0


def wait_until(predicate, timeout=STEP, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def open_db(path):
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    db.row_factory = sqlite3.Row
    return db


def body_of(db, exchange_id, direction):
    rows = db.execute("SELECT data FROM body_parts WHERE exchange_id = ? AND direction = ? "
                      "ORDER BY seq", (exchange_id, direction)).fetchall()
    return b"".join(r["data"] for r in rows)


class RecordingCase(IntegrationCase):
    def session_path(self, name="s.spyglass"):
        directory = Path(tempfile.mkdtemp(prefix="spyglass-rec-"))
        self.addCleanup(lambda: subprocess.run(["rm", "-rf", str(directory)]))
        return directory / name

    def record(self, session, *options):
        proxy = ProxyProcess("--session", str(session), *options)
        self.addCleanup(proxy.kill)
        return proxy.start()

    def stop(self, proxy):
        self.assertEqual(proxy.stop(), 0, proxy.diagnostics())

    def cli(self, *args, check=True):
        result = run_cli(*[str(a) for a in args], timeout=120)
        if check:
            self.assertEqual(result.returncode, 0,
                             f"spyglass-cli {' '.join(map(str, args))}:\n"
                             f"{result.stderr.decode(errors='replace')}")
        return result


class ForwardRecordingTest(RecordingCase):
    @classmethod
    def setUpClass(cls):
        cls.origin = cls.start_origin()
        cls.encoded = EncodingOrigin().start()
        cls.addClassCleanup(cls.encoded.stop)

    def test_curl_exchanges_land_with_heads_bodies_sizes_and_timings(self):
        session = self.session_path()
        proxy = self.record(session)
        upload = payload(100_000, 7)
        results = [
            curl("-x", proxy.url, self.origin.url("/bytes/5000/3")),
            curl("-x", proxy.url, "--data-binary", "@-", "-H", "Content-Type: application/x-test",
                 self.origin.url("/upload")) if False else None,
            curl("-x", proxy.url, self.origin.url("/chunked/70000/5")),
            curl("-x", proxy.url, self.origin.url("/status/404")),
        ]
        post = subprocess.run(
            ["curl", "-q", "-sS", "-x", proxy.url, "--data-binary", "@-", "-H",
             "Content-Type: application/x-test", self.origin.url("/upload?kind=post")],
            input=upload, capture_output=True, timeout=60, env=clean_env())
        self.assertEqual(post.returncode, 0, post.stderr)
        for result in results:
            if result is not None:
                self.assertCurlOk(result)
        self.stop(proxy)

        mode = stat.S_IMODE(os.stat(session).st_mode)
        self.assertEqual(mode, 0o600)
        db = open_db(session)
        rows = {r["path"]: r for r in db.execute("SELECT * FROM exchanges")}
        self.assertEqual(set(rows), {"/bytes/5000/3", "/chunked/70000/5", "/status/404",
                                     "/upload?kind=post"})
        for row in rows.values():
            self.assertEqual((row["mode"], row["scheme"], row["host"], row["port"], row["state"]),
                             ("forward", "http", "127.0.0.1", self.origin.port, "complete"))
            self.assertGreater(row["duration_us"], 0)
            timing = db.execute("SELECT * FROM timings WHERE exchange_id = ?", (row["id"],)).fetchone()
            points = [timing[k] for k in ("accept_us", "request_start_us", "request_sent_us",
                                          "response_start_us", "done_us")]
            self.assertTrue(all(points), dict(timing))
            self.assertEqual(points, sorted(points), dict(timing))

        fixed = rows["/bytes/5000/3"]
        self.assertEqual((fixed["method"], fixed["status"], fixed["response_size"]), ("GET", 200, 5000))
        self.assertEqual(fixed["content_type"], "application/octet-stream")
        self.assertEqual(body_of(db, fixed["id"], "response"), payload(5000, 3))
        request_head = db.execute("SELECT raw, forwarded FROM heads WHERE exchange_id = ? AND "
                                  "direction = 'request'", (fixed["id"],)).fetchone()
        self.assertTrue(request_head["raw"].startswith(
            f"GET {self.origin.url('/bytes/5000/3')} HTTP/1.1\r\n".encode()), request_head["raw"])
        self.assertIn(b"Proxy-Connection", request_head["raw"])
        self.assertTrue(request_head["forwarded"].startswith(b"GET /bytes/5000/3 HTTP/1.1\r\n"))
        self.assertNotIn(b"Proxy-Connection", request_head["forwarded"])
        response_head = db.execute("SELECT raw, status FROM heads WHERE exchange_id = ? AND "
                                   "direction = 'response'", (fixed["id"],)).fetchone()
        self.assertEqual(response_head["status"], 200)
        self.assertIn(b"Content-Length: 5000", response_head["raw"])
        details = db.execute("SELECT * FROM details WHERE exchange_id = ?", (fixed["id"],)).fetchone()
        self.assertEqual(details["response_body_bytes"], 5000)
        self.assertEqual(details["response_wire_bytes"], len(response_head["raw"]) + 5000)

        chunked = rows["/chunked/70000/5"]
        body = db.execute("SELECT * FROM bodies WHERE exchange_id = ? AND direction = 'response'",
                          (chunked["id"],)).fetchone()
        self.assertEqual((body["size"], body["stored"], body["chunked"], body["truncated"]),
                         (70000, 70000, 1, ""))
        self.assertEqual(body_of(db, chunked["id"], "response"), payload(70000, 5))

        self.assertEqual(rows["/status/404"]["status"], 404)

        uploaded = rows["/upload?kind=post"]
        self.assertEqual((uploaded["method"], uploaded["request_size"]), ("POST", len(upload)))
        self.assertEqual(body_of(db, uploaded["id"], "request"), upload)
        echoed = json.loads(body_of(db, uploaded["id"], "response"))
        self.assertEqual(echoed["body_sha256"], sha256_hex(upload))
        self.assertEqual(db.execute("PRAGMA integrity_check").fetchone()[0], "ok")

    def test_python_keep_alive_requests_are_separate_exchanges(self):
        session = self.session_path()
        proxy = self.record(session)
        connection = http.client.HTTPConnection(proxy.host, proxy.port, timeout=STEP)
        self.addCleanup(connection.close)
        for i in range(20):
            connection.request("GET", self.origin.url(f"/bytes/{100 + i}/{i}"))
            response = connection.getresponse()
            self.assertEqual(response.read(), payload(100 + i, i))
        connection.close()
        self.stop(proxy)
        db = open_db(session)
        rows = db.execute("SELECT id, path, client, response_size, state FROM exchanges ORDER BY id").fetchall()
        self.assertEqual(len(rows), 20)
        self.assertEqual(len({r["client"] for r in rows}), 1)  # one client connection
        for i, row in enumerate(rows):
            self.assertEqual((row["path"], row["response_size"], row["state"]),
                             (f"/bytes/{100 + i}/{i}", 100 + i, "complete"))
            self.assertEqual(body_of(db, row["id"], "response"), payload(100 + i, i))

    def test_body_cap_truncates_with_the_true_size(self):
        for cap, stored in (("1000", 1000), ("1k", 1024), ("0", 0)):
            with self.subTest(cap=cap):
                session = self.session_path()
                proxy = self.record(session, "--body-cap", cap)
                self.assertCurlOk(curl("-x", proxy.url, self.origin.url("/bytes/300000/9")))
                self.stop(proxy)
                db = open_db(session)
                body = db.execute("SELECT size, stored, truncated FROM bodies WHERE "
                                  "direction = 'response'").fetchone()
                self.assertEqual(tuple(body), (300000, stored, "cap"))
                self.assertEqual(body_of(db, 1, "response"), payload(300000, 9)[:stored])
                self.assertEqual(db.execute("SELECT response_size FROM exchanges").fetchone()[0],
                                 300000)

    def test_each_content_encoding_decodes_for_show_and_export(self):
        session = self.session_path()
        proxy = self.record(session)
        for coding in ("gzip", "deflate", "br", "zstd"):
            # Plain curl: the proxy must record the encoded bytes as sent.
            self.assertCurlOk(curl("-x", proxy.url, "-o", os.devnull,
                                   self.encoded.url(f"/enc/{coding}")))
        self.stop(proxy)
        db = open_db(session)
        for row in db.execute("SELECT e.id, e.path, b.content_encoding, b.size FROM exchanges e "
                              "JOIN bodies b ON b.exchange_id = e.id"):
            coding = row["path"].rsplit("/", 1)[1]
            self.assertEqual(row["content_encoding"], coding)
            self.assertLess(row["size"], len(TEXT))  # stored encoded
            shown = self.cli("show", session, row["id"]).stdout
            self.assertIn(f"decoded from {coding}".encode(), shown)
            self.assertIn(TEXT[-200:], shown)
        har = session.parent / "enc.har"
        self.cli("export", session, "--har", har)
        entries = json.loads(har.read_text())["log"]["entries"]
        self.assertEqual(len(entries), 4)
        for entry in entries:
            content = entry["response"]["content"]
            self.assertEqual(content["text"].encode(), TEXT)
            self.assertEqual(content["size"], len(TEXT))
            self.assertEqual(entry["response"]["bodySize"], len(TEXT) - content["compression"])

    def test_a_decompression_bomb_is_stopped_when_shown(self):
        session = self.session_path()
        proxy = self.record(session)
        self.assertCurlOk(curl("-x", proxy.url, "-o", os.devnull, self.encoded.url("/bomb")))
        self.stop(proxy)
        result = self.cli("show", session, "1")
        self.assertIn(b"decompression bomb", result.stdout)
        self.assertLess(len(result.stdout), 8 << 20)
        har = session.parent / "bomb.har"
        self.cli("export", session, "--har", har)
        content = json.loads(har.read_text())["log"]["entries"][0]["response"]["content"]
        self.assertIn("decompression bomb", content["comment"])
        self.assertLess(len(content.get("text", "")), 80 << 20)

    def test_list_filter_show_export_and_curl(self):
        session = self.session_path()
        proxy = self.record(session)
        self.assertCurlOk(curl("-x", proxy.url, "-H", "Authorization: Bearer top-secret",
                               "-H", "Cookie: sid=cookie-secret", "--data-binary", "hello=world",
                               self.origin.url("/echo?x=1")))
        self.assertCurlOk(curl("-x", proxy.url, self.origin.url("/status/503")))
        self.assertCurlOk(curl("-x", proxy.url, self.origin.url("/bytes/10/1")))
        self.stop(proxy)

        listed = self.cli("list", session).stdout.decode()
        self.assertEqual(len([l for l in listed.splitlines() if re.match(r"\s+\d+\s", l)]), 3, listed)
        only = self.cli("list", session, "--filter", "status:5xx").stdout.decode()
        self.assertIn("/status/503", only)
        self.assertNotIn("/echo", only)
        bad = self.cli("list", session, "--filter", "stauts:5xx", check=False)
        self.assertEqual(bad.returncode, 2)
        self.assertIn(b'did you mean "status"', bad.stderr)

        shown = self.cli("show", session, "1").stdout.decode()
        for expected in ("POST", "/echo?x=1", "Request head (as received)", "hello=world",
                         "Timings", "Response body"):
            self.assertIn(expected, shown)
        missing = self.cli("show", session, "99", check=False)
        self.assertEqual(missing.returncode, 1)

        # HAR, loaded back by a real consumer (Python's json) and checked
        # against HAR 1.2's required fields.
        har_path = session.parent / "all.har"
        self.cli("export", session, "--har", har_path)
        self.assertEqual(stat.S_IMODE(os.stat(har_path).st_mode), 0o600)
        har = json.loads(har_path.read_text())
        assert_har_12(self, har)
        entries = har["log"]["entries"]
        self.assertEqual([e["request"]["url"] for e in entries],
                         [self.origin.url(p) for p in ("/echo?x=1", "/status/503", "/bytes/10/1")])
        post = entries[0]
        self.assertEqual(post["request"]["postData"]["text"], "hello=world")
        self.assertIn({"name": "Authorization", "value": "Bearer top-secret"},
                      post["request"]["headers"])
        self.assertEqual(entries[1]["response"]["status"], 503)
        binary = entries[2]["response"]["content"]
        self.assertEqual(binary["encoding"], "base64")

        redacted_path = session.parent / "redacted.har"
        self.cli("export", session, "--har", redacted_path, "--redact", "--filter", "method:POST")
        redacted = json.loads(redacted_path.read_text())
        # Heads and cookies are masked (the echo origin's body repeats the
        # request headers; bodies are not redacted).
        request_part = json.dumps(redacted["log"]["entries"][0]["request"])
        self.assertNotIn("top-secret", request_part)
        self.assertNotIn("cookie-secret", request_part)
        assert_har_12(self, redacted)
        self.assertEqual(len(redacted["log"]["entries"]), 1)
        self.assertIn({"name": "Authorization", "value": "Bearer [redacted]"},
                      redacted["log"]["entries"][0]["request"]["headers"])

        # --curl: the printed command, run by a shell, repeats the request.
        command = self.cli("export", session, "--curl", "1").stdout.decode()
        before = len(self.origin.requests())
        rerun = subprocess.run(["sh", "-c", command.strip() + " -sS -o /dev/null"],
                               capture_output=True, timeout=60, env=clean_env())
        self.assertEqual(rerun.returncode, 0, rerun.stderr)
        again = self.origin.requests()[before]
        self.assertEqual((again["method"], again["target"], again["body_length"]),
                         ("POST", "/echo?x=1", len("hello=world")))
        self.assertIn(["Authorization", "Bearer top-secret"], again["headers"])


def assert_har_12(test, har):
    """The HAR 1.2 structure (http://www.softwareishard.com/blog/har-12-spec/)."""
    log = har["log"]
    test.assertEqual(log["version"], "1.2")
    test.assertTrue(log["creator"]["name"] and log["creator"]["version"])
    for entry in log["entries"]:
        test.assertTrue(re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}(Z|[+-]\d\d:\d\d)$",
                                 entry["startedDateTime"]), entry["startedDateTime"])
        test.assertIsInstance(entry["time"], (int, float))
        request, response = entry["request"], entry["response"]
        for key, kind in (("method", str), ("url", str), ("httpVersion", str), ("cookies", list),
                          ("headers", list), ("queryString", list), ("headersSize", (int, float)),
                          ("bodySize", (int, float))):
            test.assertIsInstance(request[key], kind, key)
        for key, kind in (("status", int), ("statusText", str), ("httpVersion", str),
                          ("cookies", list), ("headers", list), ("content", dict),
                          ("redirectURL", str), ("headersSize", (int, float)),
                          ("bodySize", (int, float))):
            test.assertIsInstance(response[key], kind, key)
        for header in request["headers"] + response["headers"]:
            test.assertEqual(set(header), {"name", "value"})
        content = response["content"]
        test.assertIsInstance(content["size"], (int, float))
        test.assertIsInstance(content["mimeType"], str)
        if "encoding" in content:
            test.assertEqual(content["encoding"], "base64")
        test.assertIsInstance(entry["cache"], dict)
        timings = entry["timings"]
        for phase in ("send", "wait", "receive"):
            test.assertGreaterEqual(timings[phase], 0, phase)
        for phase in ("blocked", "dns", "connect", "ssl"):
            test.assertTrue(timings[phase] == -1 or timings[phase] >= 0, phase)
        total = sum(timings[p] for p in ("blocked", "dns", "connect", "send", "wait", "receive")
                    if timings[p] >= 0)
        test.assertAlmostEqual(entry["time"], total, places=3)
        for key in entry:
            test.assertTrue(key in {"pageref", "startedDateTime", "time", "request", "response",
                                    "cache", "timings", "serverIPAddress", "connection", "comment"}
                            or key.startswith("_"), key)


class TunnelRecordingTest(RecordingCase):
    @classmethod
    def setUpClass(cls):
        cls.ca = cls.make_ca()
        cls.tls_origin = cls.start_origin(cls.ca.server_context())

    def test_a_connect_tunnel_is_a_record(self):
        session = self.session_path()
        proxy = self.record(session, "--allow-port", str(self.tls_origin.port))
        result = curl("-x", proxy.url, "--cacert", str(self.ca.ca_pem),
                      self.tls_origin.url("/bytes/20000/2", "localhost"))
        self.assertCurlOk(result)
        self.stop(proxy)
        db = open_db(session)
        row = db.execute("SELECT * FROM exchanges").fetchone()
        self.assertEqual((row["mode"], row["method"], row["host"], row["port"], row["status"],
                          row["state"]),
                         ("tunnel", "CONNECT", "localhost", self.tls_origin.port, 200, "complete"))
        # Bytes relayed each way (TLS records, so more than the content).
        self.assertGreater(row["request_size"], 0)
        self.assertGreater(row["response_size"], 20000)
        self.assertEqual(db.execute("SELECT count(*) FROM bodies").fetchone()[0], 0)
        listed = self.cli("list", session, "--filter", "mode:tunnel").stdout.decode()
        self.assertIn(f"localhost:{self.tls_origin.port}", listed)


    def test_a_tunnel_open_when_the_proxy_stops_is_recorded_whole(self):
        """Stopping spyglass-cli ends the tunnels still open; each is
        recorded with its status, byte counts and why it ended, not left
        without an end."""
        import socket
        session = self.session_path()
        proxy = self.record(session, "--allow-port", str(self.tls_origin.port))
        raw = socket.create_connection((proxy.host, proxy.port), timeout=STEP)
        self.addCleanup(raw.close)
        raw.sendall(f"CONNECT localhost:{self.tls_origin.port} HTTP/1.1\r\n"
                    f"Host: localhost:{self.tls_origin.port}\r\n\r\n".encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = raw.recv(1024)
            self.assertTrue(chunk, head)
            head += chunk
        self.assertTrue(head.startswith(b"HTTP/1.1 200"), head)
        tls = self.ca.client_context().wrap_socket(raw, server_hostname="localhost")
        tls.sendall(b"GET /bytes/5000/3 HTTP/1.1\r\nHost: localhost\r\n\r\n")
        received = b""
        while not received.endswith(payload(5000, 3)):
            chunk = tls.recv(65536)
            self.assertTrue(chunk, received[:200])
            received += chunk
        # The tunnel is still open (keep-alive) when the proxy stops.
        self.stop(proxy)
        row = open_db(session).execute(
            "SELECT e.*, d.note FROM exchanges e JOIN details d ON d.exchange_id = e.id"
        ).fetchone()
        self.assertEqual((row["mode"], row["status"], row["state"], row["error"]),
                         ("tunnel", 200, "complete", ""))
        self.assertGreater(row["response_size"], 5000)
        self.assertIn("Spyglass stopped", row["note"])


class RecordingOptionsTest(RecordingCase):
    @classmethod
    def setUpClass(cls):
        cls.origin = cls.start_origin()

    def run_proxy_with_data_home(self, data_home, *options):
        env = clean_env()
        env["XDG_DATA_HOME"] = str(data_home)
        env["HOME"] = str(data_home)
        process = subprocess.Popen([cli_path(), "run", "--listen", "127.0.0.1:0", *options],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   stdin=subprocess.DEVNULL, env=env)
        self.addCleanup(process.kill)
        line = process.stdout.readline().decode()
        match = re.search(r"listening on (\S+)$", line.strip())
        if match is None:
            process.kill()
            raise AssertionError(f"no 'listening on' line: {line!r} {process.communicate()[1]!r}")
        return process, f"http://{match.group(1)}"

    def test_default_session_in_the_app_data_dir(self):
        home = Path(tempfile.mkdtemp(prefix="spyglass-home-"))
        self.addCleanup(lambda: subprocess.run(["rm", "-rf", str(home)]))
        process, url = self.run_proxy_with_data_home(home)
        self.assertCurlOk(curl("-x", url, self.origin.url("/bytes/10/1")))
        process.terminate()
        _, err = process.communicate(timeout=STEP)
        self.assertEqual(process.returncode, 0, err)
        sessions = home / "Spyglass" / "sessions"
        files = list(sessions.glob("*.spyglass"))
        self.assertEqual(len(files), 1, list(sessions.iterdir()))
        self.assertEqual(stat.S_IMODE(os.stat(sessions).st_mode), 0o700)
        self.assertEqual(stat.S_IMODE(os.stat(files[0]).st_mode), 0o600)
        self.assertIn(f"Recording to {files[0]}".encode(), err)
        self.assertIn(b"1 exchanges", err)
        self.assertEqual(open_db(files[0]).execute("SELECT count(*) FROM exchanges").fetchone()[0], 1)

    def test_no_record_writes_nothing(self):
        home = Path(tempfile.mkdtemp(prefix="spyglass-home-"))
        self.addCleanup(lambda: subprocess.run(["rm", "-rf", str(home)]))
        process, url = self.run_proxy_with_data_home(home, "--no-record")
        self.assertCurlOk(curl("-x", url, self.origin.url("/bytes/10/1")))
        process.terminate()
        process.communicate(timeout=STEP)
        self.assertEqual(list(home.rglob("*.spyglass")), [])

    def test_bad_recording_options(self):
        for args, message in ((("--body-cap", "lots"), b"--body-cap"),
                              (("--no-record", "--session", "x"), b"--no-record cannot"),
                              (("--session", "/nonexistent-dir/x.spyglass"), b"/nonexistent-dir")):
            with self.subTest(args=args):
                result = run_cli("run", "--listen", "127.0.0.1:0", *args)
                self.assertNotEqual(result.returncode, 0)
                self.assertIn(message, result.stderr)

    def test_a_full_disk_pauses_recording_and_traffic_flows(self):
        """RLIMIT_FSIZE makes the session file 'fill the disk' at 2 MiB: writes
        fail as on a full filesystem. Traffic keeps flowing; lifting the limit
        (space returns) resumes recording by itself."""
        session = self.session_path()
        limit = 2 << 20

        def limit_file_size():
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))

        command = [cli_path(), "run", "--listen", "127.0.0.1:0", "--session", str(session)]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   stdin=subprocess.DEVNULL, env=clean_env(),
                                   preexec_fn=limit_file_size)
        self.addCleanup(process.kill)
        line = process.stdout.readline().decode()
        url = "http://" + re.search(r"listening on (\S+)$", line.strip()).group(1)
        stderr_lines = []

        import threading

        def collect():
            for raw in iter(process.stderr.readline, b""):
                stderr_lines.append(raw.decode(errors="replace"))

        reader = threading.Thread(target=collect, daemon=True)
        reader.start()
        # 64 bodies of 100 KB: more than the limit allows.
        for i in range(64):
            self.assertCurlOk(curl("-x", url, "-o", os.devnull, self.origin.url(f"/bytes/100000/{i}")))
        wait_until(lambda: any("recording paused" in l for l in stderr_lines), what="a pause")
        paused = next(l for l in stderr_lines if "recording paused" in l)
        self.assertRegex(paused, r"(disk full|I/O error) writing " + re.escape(str(session)))
        # The proxy still relays while paused.
        result = curl("-x", url, self.origin.url("/bytes/1000/1"))
        self.assertCurlOk(result)
        self.assertEqual(result.stdout, payload(1000, 1))
        # Space returns: recording resumes by itself (the writer retries every 5 s).
        resource.prlimit(process.pid, resource.RLIMIT_FSIZE,
                         (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
        wait_until(lambda: any("recording resumed" in l for l in stderr_lines), timeout=30,
                   what="recording to resume")
        self.assertCurlOk(curl("-x", url, self.origin.url("/bytes/10/77")))
        time.sleep(0.3)
        process.terminate()
        process.wait(STEP)
        reader.join(5)
        self.assertEqual(process.returncode, 0, "".join(stderr_lines))
        summary = stderr_lines[-1]
        self.assertIn("not recorded while paused", summary)
        db = open_db(session)
        self.assertEqual(db.execute("PRAGMA integrity_check").fetchone()[0], "ok")
        self.assertEqual(db.execute("SELECT count(*) FROM exchanges WHERE path = '/bytes/10/77' "
                                    "AND state = 'complete'").fetchone()[0], 1)
        lost = db.execute("SELECT value FROM session WHERE key = 'recorder_lost_while_paused'").fetchone()
        self.assertGreater(int(lost[0]), 0)


class InterceptedRecordingTest(RecordingCase):
    """HTTPS decrypted by Spyglass lands in the file with both TLS legs and
    the server's certificate chain (issue 5: 'TLS details')."""

    @classmethod
    def setUpClass(cls):
        cls.ca = cls.make_ca()
        cls.tls_origin = cls.start_origin(cls.ca.server_context())

    def test_intercepted_exchange_has_both_tls_legs_and_the_chain(self):
        session = self.session_path()
        ca_dir = session.parent / "ca"
        proxy = self.record(session, "--allow-port", str(self.tls_origin.port), "--intercept",
                            "localhost", "--upstream-ca", str(self.ca.ca_pem), "--ca-dir",
                            str(ca_dir))
        spyglass_ca = session.parent / "spyglass.pem"
        self.cli("ca", "export", "--format", "pem", "--out", spyglass_ca, "--ca-dir", ca_dir)
        result = curl("-x", proxy.url, "--cacert", str(spyglass_ca),
                      self.tls_origin.url("/bytes/3000/5", "localhost"))
        self.assertCurlOk(result)
        self.assertEqual(result.stdout, payload(3000, 5))
        self.stop(proxy)

        db = open_db(session)
        rows = db.execute("SELECT * FROM exchanges ORDER BY id").fetchall()
        # The intercepted CONNECT is a row of its own, then the GET inside it.
        self.assertEqual([(r["method"], r["mode"]) for r in rows],
                         [("CONNECT", "intercepted"), ("GET", "intercepted")])
        row = rows[-1]
        self.assertEqual((row["mode"], row["method"], row["scheme"], row["host"], row["path"],
                          row["status"], row["response_size"], row["state"]),
                         ("intercepted", "GET", "https", "localhost", "/bytes/3000/5", 200, 3000,
                          "complete"))
        self.assertIn(row["tls_version"], ("TLSv1.2", "TLSv1.3"))
        legs = {r["leg"]: r for r in db.execute(
            "SELECT * FROM tls WHERE exchange_id = ?", (row["id"],))}
        self.assertEqual(set(legs), {"client", "server"})
        for leg in legs.values():
            self.assertIn(leg["version"], ("TLSv1.2", "TLSv1.3"))
            self.assertTrue(leg["cipher"])
        # curl offers http/1.1 and Spyglass accepts it; the test origin
        # (Python's ssl) negotiates no ALPN at all.
        self.assertEqual(legs["client"]["alpn"], "http/1.1")
        self.assertEqual(legs["server"]["alpn"], "")
        self.assertEqual(legs["client"]["sni"], "localhost")
        self.assertEqual(legs["server"]["verified"], 1)
        # The server's chain as it sent it, leaf first, stored as DER.
        chain = db.execute(
            "SELECT c.der FROM tls_chains t JOIN certificates c ON c.id = t.certificate_id "
            "WHERE t.exchange_id = ? AND t.leg = 'server' ORDER BY t.position",
            (row["id"],)).fetchall()
        self.assertGreaterEqual(len(chain), 1)
        origin_leaf = ssl.PEM_cert_to_DER_cert(self.ca.leaf_pem.read_text())
        self.assertEqual(chain[0]["der"], origin_leaf)
        self.assertEqual(body_of(db, row["id"], "response"), payload(3000, 5))
        shown = self.cli("show", session, str(row["id"])).stdout.decode()
        self.assertIn("TLSv1.", shown)
        self.assertIn("localhost", shown)


if __name__ == "__main__":
    unittest.main()
