"""The spyglass-cli command line: help, version, options, listen, signals (issue 2)."""

import signal
import subprocess
import unittest

import harness
from harness import (EXIT_TIMEOUT, LISTENING_RE, IntegrationCase, curl, get_request,
                     open_tunnel, run_cli)

RUN_OPTIONS = ("--listen", "--allow-lan", "--allow-port", "--allow-any-port", "--auth",
               "--upstream-proxy", "--max-connections", "--connect-timeout", "--header-timeout",
               "--idle-timeout", "--tunnel-idle-timeout", "--quiet", "--help")


def output_of(result):
    return result.stdout.decode("utf-8", "replace") + result.stderr.decode("utf-8", "replace")


class CommandLineTest(IntegrationCase):
    def test_help_exits_zero(self):
        """`spyglass-cli --help` exits 0 and mentions the run command."""
        result = run_cli("--help")
        self.assertEqual(result.returncode, 0, output_of(result))
        self.assertIn("run", result.stdout.decode())

    def test_run_help_documents_every_option(self):
        """`spyglass-cli run --help` exits 0 and documents every option of the contract."""
        result = run_cli("run", "--help")
        self.assertEqual(result.returncode, 0, output_of(result))
        text = result.stdout.decode()
        missing = [option for option in RUN_OPTIONS if option not in text]
        self.assertEqual(missing, [], text)

    def test_version(self):
        """`spyglass-cli --version` prints `spyglass-cli X.Y.Z` and exits 0."""
        result = run_cli("--version")
        self.assertEqual(result.returncode, 0, output_of(result))
        self.assertRegex(result.stdout.decode(), r"^spyglass-cli \d+\.\d+\.\d+")

    def test_unknown_option_exits_2(self):
        """An unknown option exits with code 2 and an error on stderr."""
        for args in (("run", "--no-such-option"), ("--no-such-option",)):
            with self.subTest(args=args):
                result = run_cli(*args)
                self.assertEqual(result.returncode, 2, output_of(result))
                self.assertIn("no-such-option", result.stderr.decode())

    def test_non_loopback_listen_needs_allow_lan(self):
        """Binding a non-loopback address without --allow-lan fails, naming --allow-lan."""
        for listen in ("0.0.0.0:0", "[::]:0"):
            with self.subTest(listen=listen):
                try:
                    result = run_cli("run", "--listen", listen, timeout=harness.STEP_TIMEOUT)
                except subprocess.TimeoutExpired:
                    self.fail(f"spyglass-cli kept running with --listen {listen}")
                self.assertNotEqual(result.returncode, 0, output_of(result))
                self.assertIn("--allow-lan", output_of(result))
                self.assertIsNone(LISTENING_RE.search(result.stdout.decode()))


class RunLifecycleTest(IntegrationCase):
    @classmethod
    def setUpClass(cls):
        cls.origin = cls.start_origin()

    def test_ipv6_listen(self):
        """`--listen [::1]:0` reports `[::1]:PORT` and serves clients over IPv6."""
        proxy = self.start_local_proxy(listen="[::1]:0")
        self.assertRegex(proxy.address, r"^\[::1\]:\d+$")
        self.assertNotEqual(proxy.port, 0)
        url = self.origin.url("/echo?v6")
        result = curl("-x", proxy.url, url)
        self.assertCurlOk(result)
        line = proxy.wait_for_exchange(lambda e: e.target == url)
        self.assertTrue(line.client.startswith("[::1]:"), line.raw)

    def test_exactly_one_listening_line(self):
        """The listening line with the real port is printed exactly once."""
        proxy = self.start_local_proxy()
        self.assertRegex(proxy.address, r"^127\.0\.0\.1:\d+$")
        self.assertCurlOk(curl("-x", proxy.url, self.origin.url("/echo?once")))
        proxy.wait_for_exchange(lambda e: e.target.endswith("/echo?once"))
        rc = proxy.stop()
        self.assertEqual(rc, 0, proxy.diagnostics())
        listening = [line for line in proxy.lines() if LISTENING_RE.search(line)]
        self.assertEqual(len(listening), 1, proxy.lines())

    def assert_signal_exits_zero(self, sig):
        proxy = self.start_local_proxy("--allow-port", str(self.origin.port))
        idle = self.raw(proxy)
        idle.send(get_request(self.origin.url("/echo?idle")))
        self.assertEqual(idle.read_response().status, 200)
        tunnel, response = open_tunnel(proxy, self.origin.authority())
        self.addCleanup(tunnel.close)
        self.assertEqual(response.status, 200)
        rc = proxy.stop(sig, timeout=EXIT_TIMEOUT)
        self.assertEqual(rc, 0, proxy.diagnostics())

    def test_sigterm_exits_zero(self):
        """SIGTERM with an idle keep-alive client and an open tunnel: exit code 0, promptly."""
        self.assert_signal_exits_zero(signal.SIGTERM)

    def test_sigint_exits_zero(self):
        """SIGINT with an idle keep-alive client and an open tunnel: exit code 0, promptly."""
        self.assert_signal_exits_zero(signal.SIGINT)

    def test_quiet_prints_no_exchange_lines(self):
        """With --quiet, exchanges produce no per-exchange lines."""
        proxy = self.start_local_proxy("--quiet")
        self.assertCurlOk(curl("-x", proxy.url, self.origin.url("/echo?quiet")))
        self.assertEqual(proxy.stop(), 0, proxy.diagnostics())
        self.assertEqual(proxy.exchanges(), [])
        self.assertTrue(any("/echo?quiet" in r["target"] for r in self.origin.requests()))


if __name__ == "__main__":
    unittest.main()
