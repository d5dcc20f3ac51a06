"""The intercepting proxy loads its CA key on the first intercepted connection.

`spyglass-cli run --intercept ...` checks at start what a user must hear
about (a missing CA is created, an incomplete one is refused), but reads the
CA key, makes the leaf key and builds the TLS contexts only when the first
connection is intercepted (docs/performance.md, finding 5). These tests see
that from outside: a key broken after the start breaks only a proxy that has
not intercepted yet, and is reported clearly on its first use.
"""

import os
import shutil
import time
import unittest
from unittest import mock

from harness import STEP_TIMEOUT, curl, describe, openssl, run_cli
from test_intercept import InterceptCase, parse_line

CA_KEY = "spyglass-ca.key"
CA_CERT = "spyglass-ca.pem"


class LazyCaTest(InterceptCase):

    @classmethod
    def setUpClass(cls):
        cls.origin_ca = cls.make_ca()
        cls.origin = cls.start_origin(cls.origin_ca.server_context())

    def fresh_ca_dir(self):
        """A CA directory holding a CA made by `spyglass-cli ca export`, and the exported root."""
        ca_dir = self.temp_dir() / "spyglass-ca"
        return ca_dir, self.export_spyglass_ca(ca_dir)

    def proxy(self, ca_dir):
        return self.start_local_proxy("--allow-any-port", "--no-record", "--ca-dir", str(ca_dir),
                                      "--upstream-ca", str(self.origin_ca.ca_pem), "--intercept",
                                      "localhost")

    def url(self, path):
        return self.origin.url(path, "localhost")

    @staticmethod
    def tunnel_lines(proxy):
        return [p for p in map(parse_line, proxy.lines()) if p and p["mode"] == "tunnel"]

    @staticmethod
    def break_key(ca_dir):
        """Overwrites the CA key (mode 0600 kept) with bytes that are no key."""
        with open(ca_dir / CA_KEY, "w") as f:
            f.write("-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n")
        os.chmod(ca_dir / CA_KEY, 0o600)

    def test_first_intercepted_connection_works_and_later_ones_reuse_the_ca(self):
        ca_dir, spyglass_ca = self.fresh_ca_dir()
        proxy = self.proxy(ca_dir)
        first = curl("-x", proxy.url, "--cacert", str(spyglass_ca), self.url("/echo?n=1"))
        self.assertCurlOk(first)
        self.wait_intercepted(proxy, "GET", self.url("/echo?n=1"), 200)
#Loaded once and kept : a key broken now is never read again.
        self.break_key(ca_dir)
        for n in (2, 3):
            again = curl("-x", proxy.url, "--cacert", str(spyglass_ca), self.url(f"/echo?n={n}"))
            self.assertCurlOk(again)
            self.wait_intercepted(proxy, "GET", self.url(f"/echo?n={n}"), 200)
        self.assertFalse([l for l in proxy.stderr.snapshot() if "interception is off" in l],
                         proxy.diagnostics())

    def test_key_is_read_on_first_use_and_a_broken_one_is_reported_once(self):
        ca_dir, _ = self.fresh_ca_dir()
        proxy = self.proxy(ca_dir)
#Broken after a successful start : only a proxy that has not read the
#key yet notices, on its first intercepted connection.
        self.break_key(ca_dir)
        for n in (1, 2):
#Tunnelled blindly, so a client trusting the origin's CA succeeds.
            result = curl("-x", proxy.url, "--cacert", str(self.origin_ca.ca_pem),
                          self.url(f"/echo?n={n}"))
            self.assertCurlOk(result)
        # Both were tunnels (the reason is each tunnel's recorded note).
        deadline = time.monotonic() + STEP_TIMEOUT
        while len(self.tunnel_lines(proxy)) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertEqual(len(self.tunnel_lines(proxy)), 2, proxy.diagnostics())
        reports = [l for l in proxy.stderr.snapshot() if "interception is off" in l]
        self.assertEqual(len(reports), 1, proxy.diagnostics())
        self.assertIn(str(ca_dir / CA_KEY), reports[0])

    def test_incomplete_ca_is_refused_at_start(self):
        ca_dir, _ = self.fresh_ca_dir()
        os.remove(ca_dir / CA_KEY)
        result = run_cli("run", "--listen", "127.0.0.1:0", "--no-record", "--ca-dir", str(ca_dir),
                         "--intercept", "localhost")
        self.assertEqual(result.returncode, 1, describe(result))
        self.assertIn("incomplete", result.stderr.decode("utf-8", "replace"))

    def test_unreadable_certificate_is_refused_at_start(self):
        ca_dir, _ = self.fresh_ca_dir()
        (ca_dir / CA_CERT).write_text("not a certificate\n")
        result = run_cli("run", "--listen", "127.0.0.1:0", "--no-record", "--ca-dir", str(ca_dir),
                         "--intercept", "localhost")
        self.assertEqual(result.returncode, 1, describe(result))
        self.assertIn(CA_CERT, result.stderr.decode("utf-8", "replace"))

    def test_missing_ca_is_created_at_start(self):
        ca_dir = self.temp_dir() / "new-ca"
        proxy = self.proxy(ca_dir)
        created = proxy.stderr.wait_for(lambda l: "Created a new Spyglass root CA" in l, 10)
        self.assertIsNotNone(created, proxy.diagnostics())
#Written at start, before any connection, so it can be exported and
#trusted first; the first intercepted connection then uses it.
        self.assertTrue((ca_dir / CA_KEY).exists() and (ca_dir / CA_CERT).exists())
        spyglass_ca = self.export_spyglass_ca(ca_dir)
        result = curl("-x", proxy.url, "--cacert", str(spyglass_ca), self.url("/echo?n=new"))
        self.assertCurlOk(result)
        self.wait_intercepted(proxy, "GET", self.url("/echo?n=new"), 200)

    def test_upstream_ca_file_without_pem_is_refused_at_start(self):
        ca_dir, _ = self.fresh_ca_dir()
        bogus = self.temp_dir() / "bogus.pem"
        bogus.write_text("no certificate here\n")
        result = run_cli("run", "--listen", "127.0.0.1:0", "--no-record", "--ca-dir", str(ca_dir),
                         "--intercept", "localhost", "--upstream-ca", str(bogus))
        self.assertEqual(result.returncode, 1, describe(result))
        self.assertIn("--upstream-ca", result.stderr.decode("utf-8", "replace"))


    # The TLS contexts made on first use look system roots up per issuer in
    # the hashed certificate directory (core/tls/SystemTrust) instead of
    # parsing the whole bundle; SSL_CERT_DIR points it at a directory here.
    def proxy_trusting_dir(self, ca_dir, cert_dir):
        environment = {"SSL_CERT_DIR": str(cert_dir)}
        with mock.patch.dict(os.environ, environment):
            os.environ.pop("SSL_CERT_FILE", None)
            return self.start_local_proxy("--allow-any-port", "--no-record", "--ca-dir",
                                          str(ca_dir), "--intercept", "localhost")

    def hashed_dir(self, *pems):
        cert_dir = self.temp_dir() / "certs"
        cert_dir.mkdir()
        for n, pem in enumerate(pems):
            shutil.copy(pem, cert_dir / f"root{n}.pem")
        result = openssl("rehash", str(cert_dir))
        self.assertEqual(result.returncode, 0, describe(result))
        self.assertTrue([p for p in os.listdir(cert_dir) if p.endswith(".0")])
        return cert_dir

    def test_system_roots_are_looked_up_in_the_hashed_directory(self):
        ca_dir, spyglass_ca = self.fresh_ca_dir()
        proxy = self.proxy_trusting_dir(ca_dir, self.hashed_dir(self.origin_ca.ca_pem))
        result = curl("-x", proxy.url, "--cacert", str(spyglass_ca), self.url("/echo?n=dir"))
        self.assertCurlOk(result)
        line = self.wait_intercepted(proxy, "GET", self.url("/echo?n=dir"), 200)
        self.assertIsNone(line["error"], line)

    def test_a_root_missing_from_the_hashed_directory_is_not_trusted(self):
        ca_dir, spyglass_ca = self.fresh_ca_dir()
        other = self.make_ca()
        proxy = self.proxy_trusting_dir(ca_dir, self.hashed_dir(other.ca_pem))
        result = curl("-x", proxy.url, "--cacert", str(spyglass_ca), "-w", "%{http_code}",
                      "-o", os.devnull, self.url("/echo?n=untrusted"))
        self.assertEqual(result.stdout.decode().strip(), "502", describe(result))


if __name__ == "__main__":
    unittest.main()
