"""Interception extras with real clients: plain HTTP inside an intercepted
CONNECT, the TLS key log (SSLKEYLOGFILE) and the passthrough list commands
typed on spyglass-cli's standard input (issue 4), and the `record` commands
(issue 5)."""

import os
import subprocess
import threading
import time

from harness import STEP_TIMEOUT, IntegrationCase, cli_path, curl, describe, run_cli
from harness_common import LISTENING_RE
from harness_proxy import isolated_env


class ConsoleProxy:
    """spyglass-cli run with a writable stdin and a chosen environment."""

    def __init__(self, args, env):
        self.process = subprocess.Popen([cli_path(), "run", "--listen", "127.0.0.1:0", *args],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, env=env, text=True)
        self.lines = []
        self.lock = threading.Lock()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        line = self.wait_for(lambda l: LISTENING_RE.search(l))
        if line is None:
            self.stop()
            raise AssertionError("no listening line: " + self.process.stderr.read())
        self.address = LISTENING_RE.search(line).group(1)

    def _read(self):
        for line in self.process.stdout:
            with self.lock:
                self.lines.append(line.rstrip("\n"))

    def wait_for(self, predicate, timeout=STEP_TIMEOUT):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                for line in self.lines:
                    if predicate(line):
                        return line
            time.sleep(0.05)
        return None

    def command(self, text):
        self.process.stdin.write(text + "\n")
        self.process.stdin.flush()

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        self.reader.join(5)
        return self.process.returncode


class InterceptConsoleTest(IntegrationCase):
    @classmethod
    def setUpClass(cls):
        cls.origin_ca = cls.make_ca()
        cls.tls_origin = cls.start_origin(cls.origin_ca.server_context())
        cls.plain_origin = cls.start_origin()
        cls.ca_dir = cls.temp_dir() / "ca"
        cls.keylog = cls.temp_dir() / "keys.log"
        env = isolated_env(str(cls.temp_dir()))
        env["SSLKEYLOGFILE"] = str(cls.keylog)
        cls.proxy = ConsoleProxy(["--allow-any-port", "--no-record", "--ca-dir", str(cls.ca_dir),
                                  "--upstream-ca", str(cls.origin_ca.ca_pem),
                                  "--intercept", "localhost"], env)
        cls.addClassCleanup(cls.proxy.stop)
        cls.spyglass_ca = cls.temp_dir() / "spyglass.pem"
        result = run_cli("ca", "export", "--format", "pem", "--out", str(cls.spyglass_ca),
                         "--ca-dir", str(cls.ca_dir))
        assert result.returncode == 0, describe(result)

    def proxy_url(self):
        return "http://" + self.proxy.address

    def test_plain_http_inside_intercepted_connect_is_handled_as_http(self):
        """Non-TLS bytes that parse as HTTP/1 inside an intercepted CONNECT are
        relayed as HTTP exchanges (recorded as intercepted), not tunnelled."""
        url = f"http://localhost:{self.plain_origin.port}/echo"
        result = curl("-s", "-p", "-x", self.proxy_url(), url)
        self.assertEqual(result.returncode, 0, describe(result))
        self.assertIn(b'"method": "GET"', result.stdout)
        line = self.proxy.wait_for(lambda l: f"GET http://localhost:{self.plain_origin.port}/echo"
                                   in l and l.split()[-1] == "intercepted")
        self.assertIsNotNone(line, "\n".join(self.proxy.lines))

    def test_key_log_file_gets_secrets_of_both_legs(self):
        """SSLKEYLOGFILE receives NSS key log lines, owner-only, so Wireshark
        can decrypt the client and the server leg."""
        url = f"https://localhost:{self.tls_origin.port}/echo"
        result = curl("-s", "--cacert", str(self.spyglass_ca), "-x", self.proxy_url(), url)
        self.assertEqual(result.returncode, 0, describe(result))
        deadline = time.monotonic() + STEP_TIMEOUT
        text = ""
        while time.monotonic() < deadline:
            text = self.keylog.read_text() if self.keylog.exists() else ""
            if text.count("CLIENT_TRAFFIC_SECRET_0") >= 2:
                break
            time.sleep(0.05)
        # One TLS 1.3 session with the client and one with the origin.
        self.assertGreaterEqual(text.count("CLIENT_TRAFFIC_SECRET_0"), 2, text)
        self.assertEqual(os.stat(self.keylog).st_mode & 0o077, 0)

    def test_passthrough_list_is_printed_and_cleared(self):
        """A client that rejects the Spyglass certificate puts the host on the
        passthrough list; `passthrough` prints it, `passthrough clear` empties
        it and the host is intercepted again."""
        url = f"https://localhost:{self.tls_origin.port}/echo"
        rejected = curl("-s", "-x", self.proxy_url(), url)  # trusts the system store only
        self.assertEqual(rejected.returncode, 60, describe(rejected))
        self.proxy.command("passthrough")
        listed = self.proxy.wait_for(lambda l: l.startswith("passthrough: localhost until"))
        self.assertIsNotNone(listed, "\n".join(self.proxy.lines))
        self.proxy.command("passthrough clear")
        self.assertIsNotNone(self.proxy.wait_for(lambda l: l == "passthrough: cleared"))
        again = curl("-s", "--cacert", str(self.spyglass_ca), "-x", self.proxy_url(), url)
        self.assertEqual(again.returncode, 0, describe(again))


class RecordConsoleTest(IntegrationCase):
    """`record` and `record resume` typed on spyglass-cli's standard input
    (issue 5: the user asks to resume recording after a storage error)."""

    @classmethod
    def setUpClass(cls):
        cls.origin = cls.start_origin()
        cls.session = cls.temp_dir() / "console.spyglass"
        cls.proxy = ConsoleProxy(["--allow-any-port", "--session", str(cls.session)],
                                 isolated_env(str(cls.temp_dir())))
        cls.addClassCleanup(cls.proxy.stop)

    def test_record_prints_the_recorder_state_with_its_count(self):
        url = f"http://127.0.0.1:{self.origin.port}/echo"
        result = curl("-s", "-x", "http://" + self.proxy.address, url)
        self.assertEqual(result.returncode, 0, describe(result))
        expected = f"record: recorded to {self.session}: 1 exchanges"
        line = None
        # The writer commits within ~100 ms; ask again until it has.
        for _ in range(50):
            self.proxy.command("record")
            line = self.proxy.wait_for(lambda l: l == expected, timeout=0.2)
            if line:
                break
        self.assertIsNotNone(line, "\n".join(self.proxy.lines))

    def test_record_resume_is_acknowledged(self):
        self.proxy.command("record resume")
        self.assertIsNotNone(self.proxy.wait_for(lambda l: l == "record: resume requested"),
                             "\n".join(self.proxy.lines))


class NoRecordConsoleTest(IntegrationCase):
    def test_record_says_recording_is_off(self):
        proxy = ConsoleProxy(["--no-record"], isolated_env(str(self.temp_dir())))
        try:
            proxy.command("record")
            self.assertIsNotNone(
                proxy.wait_for(lambda l: l == "record: not recording (--no-record)"),
                "\n".join(proxy.lines))
        finally:
            self.assertEqual(proxy.stop(), 0)
