"""HTTPS interception (MITM) with real clients (issue 4).

Every proxy here gets its own temporary --ca-dir, --no-record and
--upstream-ca = the origins' throwaway CA, so the only certificate property
that can fail upstream is the one a test broke on purpose. Clients trust
either the exported Spyglass CA (interception expected) or the origin CA
(blind tunnel expected), never both, so a success tells which one happened.
"""

import json
import os
import re
import ssl
import unittest

import requests

import harness
import harness_websocket as ws
from harness import (STEP_TIMEOUT, IntegrationCase, curl, describe, open_tunnel, openssl,
                     payload, run_cli, sha256_hex)
from harness_tls_origins import (BadCertificates, RawTlsOrigin, fingerprint_of_pem,
                                 leaf_fingerprint, pem_blocks)

# The exchange line of `spyglass-cli run`, with the modes and the optional
# note that interception adds (harness.EXCHANGE_RE predates both).
LINE_RE = re.compile(
    r"^(?P<time>\d\d:\d\d:\d\d\.\d{3}) (?P<client>\S+) (?P<method>\S+) "
    r"(?P<target>\S+) (?P<status>\d{3}|-) up=(?P<up>\d+) down=(?P<down>\d+) "
    r"time=(?P<ms>\d+)ms (?P<mode>tunnel|forward|intercepted)"
    r'(?: note="(?P<note>[^"]*)")?'
    r'(?: error="(?P<error>.*)")?$'
)

TWENTY_MB = 20 * 1024 * 1024
TRUST_ERROR = "does not trust the Spyglass CA"


def parse_line(text):
    match = LINE_RE.match(text)
    return match.groupdict() if match else None


class InterceptCase(IntegrationCase):
    """Shared setup: an origin CA, a Spyglass CA dir and the exported CA."""

    @classmethod
    def setup_cas(cls):
        cls.origin_ca = cls.make_ca()
        cls.ca_dir = cls.temp_dir() / "spyglass-ca"

    @classmethod
    def start_intercepting_proxy(cls, *options, ca_dir=None):
        ca_dir = ca_dir or cls.ca_dir
        proxy = cls.start_proxy("--allow-any-port", "--no-record", "--ca-dir", str(ca_dir),
                                "--upstream-ca", str(cls.origin_ca.ca_pem), *options)
        return proxy

    @classmethod
    def export_spyglass_ca(cls, ca_dir=None):
        ca_dir = ca_dir or cls.ca_dir
        out = cls.temp_dir() / "spyglass-ca.pem"
        result = run_cli("ca", "export", "--format", "pem", "--out", str(out),
                         "--ca-dir", str(ca_dir))
        if result.returncode != 0 or not out.exists():
            raise AssertionError(f"ca export failed: {describe(result)}\n"
                                 f"stdout: {result.stdout.decode('utf-8', 'replace')}")
        return out

    # -- exchange lines

    def wait_line(self, proxy, predicate, what, timeout=STEP_TIMEOUT):
        """The first exchange line (parsed) satisfying predicate; fails after timeout."""
        def matches(text):
            parsed = parse_line(text)
            return parsed is not None and predicate(parsed)
        line = proxy.stdout.wait_for(matches, timeout)
        if line is None:
            self.fail(f"no exchange line for {what}\n{proxy.diagnostics()}")
        return parse_line(line)

    def wait_intercepted(self, proxy, method, target, status=None):
        line = self.wait_line(
            proxy, lambda p: p["mode"] == "intercepted" and p["method"] == method
            and p["target"] == target, f"intercepted {method} {target}")
        if status is not None:
            self.assertEqual(line["status"], str(status), line)
        return line

    def lines_for(self, proxy, needle):
        return [p for p in map(parse_line, proxy.lines()) if p and needle in p["target"]]

    # -- clients

    def curl_via(self, proxy, cacert, *args):
        return curl("-x", proxy.url, "--cacert", str(cacert), *args)

    def s_client(self, proxy, connect, *args, input_bytes=b""):
        return openssl("s_client", "-proxy", proxy.address, "-connect", connect, *args,
                       input_bytes=input_bytes, timeout=60)

    def leaf_from_s_client(self, result):
        text = result.stdout.decode("utf-8", "replace")
        blocks = pem_blocks(text)
        self.assertTrue(blocks, f"s_client printed no certificate\n{describe(result)}\n"
                                f"stdout:\n{text[-3000:]}")
        return blocks[0]

    def issuer_of(self, pem):
        result = openssl("x509", "-noout", "-issuer", input_bytes=pem.encode())
        self.assertEqual(result.returncode, 0, describe(result))
        return result.stdout.decode()


# ====================================================================== curl


class InterceptHttpTest(InterceptCase):
    """curl, requests and raw sockets through an intercepting proxy (--intercept localhost)."""

    @classmethod
    def setUpClass(cls):
        cls.setup_cas()
        cls.origin = cls.start_origin(cls.origin_ca.server_context())
        cls.raw_origin = RawTlsOrigin(cls.origin_ca.server_context()).start()
        cls.addClassCleanup(cls.raw_origin.stop)
        cls.proxy = cls.start_intercepting_proxy("--intercept", "localhost")
        cls.spyglass_ca = cls.export_spyglass_ca()

    def curl(self, *args):
        return self.curl_via(self.proxy, self.spyglass_ca, *args)

    def url(self, path):
        return self.origin.url(path, "localhost")

    def test_exported_ca_is_a_spyglass_ca_not_the_origin_ca(self):
        """The exported CA is Spyglass's own root, distinct from the origin's CA."""
        text = self.spyglass_ca.read_text()
        self.assertEqual(len(pem_blocks(text)), 1, text)
        self.assertNotIn("PRIVATE KEY", text)
        self.assertRegex(self.issuer_of(text), r'CN\s*=\s*"?Spyglass CA')
        self.assertNotEqual(leaf_fingerprint(self.spyglass_ca),
                            leaf_fingerprint(self.origin_ca.ca_pem))

    def test_get_is_intercepted(self):
        """GET with --cacert = Spyglass CA: 200 from the origin and an intercepted line."""
        result = self.curl(self.url("/echo?t=get"))
        self.assertCurlOk(result)
        info = json.loads(result.stdout)
        self.assertEqual(info["request_line"], "GET /echo?t=get HTTP/1.1")
        line = self.wait_intercepted(self.proxy, "GET",
                                     f"https://localhost:{self.origin.port}/echo?t=get", 200)
        self.assertGreater(int(line["down"]), 0, line)

    def strict_local_proxy(self):
        """A proxy of this test only that never falls back to passthrough."""
        return self.start_local_proxy("--allow-any-port", "--no-record", "--ca-dir",
                                      str(self.ca_dir), "--upstream-ca",
                                      str(self.origin_ca.ca_pem), "--intercept", "localhost",
                                      "--no-passthrough-on-reject")

    def test_clients_trusting_only_the_origin_ca_fail(self):
        """Control: curl and requests trusting only the origin CA fail: we really intercept."""
        proxy = self.strict_local_proxy()
        result = curl("-x", proxy.url, "--cacert", str(self.origin_ca.ca_pem),
                      self.url("/echo?t=control"))
        self.assertEqual(result.returncode, 60, describe(result))
        with requests.Session() as session:
            session.trust_env = False
            with self.assertRaises(requests.exceptions.SSLError):
                session.get(self.url("/echo?t=requests-untrusted"), proxies={"https": proxy.url},
                            verify=str(self.origin_ca.ca_pem), timeout=STEP_TIMEOUT)
        self.assertEqual([r for r in self.origin.requests() if "untrusted" in r["target"]
                          or r["target"].endswith("t=control")], [])

    def test_post_20mb_body_checksum_at_origin(self):
        """A 20 MB POST arrives intact: the origin's sha256 and length match."""
        body = payload(TWENTY_MB, 21)
        path = self.temp_dir() / "upload.bin"
        path.write_bytes(body)
        result = self.curl("--data-binary", f"@{path}", "-H",
                           "Content-Type: application/octet-stream", self.url("/upload?t=post"))
        self.assertCurlOk(result)
        info = json.loads(result.stdout)
        self.assertEqual(info["method"], "POST")
        self.assertEqual(info["body_length"], TWENTY_MB)
        self.assertEqual(info["body_sha256"], sha256_hex(body))
        line = self.wait_intercepted(self.proxy, "POST",
                                     f"https://localhost:{self.origin.port}/upload?t=post", 200)
        self.assertGreaterEqual(int(line["up"]), TWENTY_MB, line)

    def test_large_chunked_download_is_intact(self):
        """A 3 MB chunked response (odd chunk sizes) arrives with the origin's sha256."""
        size = 3 * 1024 * 1024 + 7
        result = self.curl(self.url(f"/chunked/{size}/9"))
        self.assertCurlOk(result)
        self.assertEqual(len(result.stdout), size)
        self.assertEqual(sha256_hex(result.stdout), sha256_hex(payload(size, 9)))

    def test_chunked_response_with_trailers(self):
        """A chunked response's body and its trailer fields reach curl."""
        size = 100_000
        directory = self.temp_dir()
        body_path, head_path = directory / "body", directory / "headers"
        result = self.curl("-D", str(head_path), "-o", str(body_path),
                           self.raw_origin.url(f"/trailers/{size}?t=trailers"))
        self.assertCurlOk(result)
        body = body_path.read_bytes()
        self.assertEqual(sha256_hex(body), sha256_hex(payload(size, 5)))
        headers = head_path.read_text("latin-1")
        self.assertRegex(headers, r"(?i)transfer-encoding:\s*chunked")
        self.assertIn(f"X-Body-Sha256: {sha256_hex(body)}", headers,
                      "the trailer fields did not reach the client")
        self.assertIn("X-Trailer-Two: yes", headers)
        self.wait_intercepted(self.proxy, "GET",
                              f"https://localhost:{self.raw_origin.port}/trailers/{size}"
                              "?t=trailers", 200)

    def test_keep_alive_reuses_connections(self):
        """Three URLs in one curl: one client connection, one upstream connection."""
        urls = [self.url(f"/echo?t=keepalive{i}") for i in range(3)]
        separator = "\n--info--"
        result = self.curl("-w", separator + "%{num_connects}\n", *urls)
        self.assertCurlOk(result)
        parts = result.stdout.decode().split(separator)
        self.assertEqual(len(parts), 4, result.stdout[-500:])
        infos = [json.loads(parts[0])] + [json.loads(p.split("\n", 1)[1]) for p in parts[1:3]]
        connects = [int(p.split("\n", 1)[0]) for p in parts[1:]]
        self.assertEqual(connects, [1, 0, 0], "curl did not reuse its connection to the proxy")
        self.assertEqual([i["request_line"] for i in infos],
                         [f"GET /echo?t=keepalive{i} HTTP/1.1" for i in range(3)])
        self.assertEqual(len({i["connection_id"] for i in infos}), 1,
                         f"the proxy opened several upstream connections: {infos}")
        for i in range(3):
            self.wait_intercepted(self.proxy, "GET",
                                  f"https://localhost:{self.origin.port}/echo?t=keepalive{i}",
                                  200)

    def curl_then_echo(self, first_args, tag):
        """Runs a first request, then /echo on the same connection (--next)."""
        directory = self.temp_dir()
        head_path = directory / "headers"
        result = self.curl("-D", str(head_path), "-o", os.devnull, "-w", "%{http_code}",
                           *first_args, "--next", "-x", self.proxy.url, "--cacert",
                           str(self.spyglass_ca), "-w", "|%{num_connects}",
                           self.url(f"/echo?t={tag}-next"))
        self.assertCurlOk(result)
        out = result.stdout.decode()
        first_status, _, rest = out.partition("{")
        echo_text, _, connects = ("{" + rest).rpartition("|")
        info = json.loads(echo_text)
        self.assertEqual(info["request_line"], f"GET /echo?t={tag}-next HTTP/1.1")
        self.assertEqual(connects, "0", "the connection was not reused after the first answer")
        return first_status, head_path.read_text("latin-1")

    def test_head(self):
        """HEAD gets the GET's Content-Length and no body; the connection stays usable."""
        status, headers = self.curl_then_echo(["-I", self.url("/bytes/12345?t=head")], "head")
        self.assertEqual(status, "200")
        self.assertRegex(headers, r"(?i)content-length:\s*12345")
        self.wait_intercepted(self.proxy, "HEAD",
                              f"https://localhost:{self.origin.port}/bytes/12345?t=head", 200)

    def test_204(self):
        """204 has no body; the next request on the connection works."""
        status, _ = self.curl_then_echo([self.url("/status/204?t=204")], "204")
        self.assertEqual(status, "204")
        self.wait_intercepted(self.proxy, "GET",
                              f"https://localhost:{self.origin.port}/status/204?t=204", 204)

    def test_304(self):
        """304 with a Content-Length has no body; the next request works."""
        status, _ = self.curl_then_echo([self.url("/status/304?t=304")], "304")
        self.assertEqual(status, "304")
        self.wait_intercepted(self.proxy, "GET",
                              f"https://localhost:{self.origin.port}/status/304?t=304", 304)

    def test_100_continue_upload(self):
        """Expect: 100-continue: the 100 reaches curl and the body arrives intact."""
        body = payload(1_000_000, 31)
        directory = self.temp_dir()
        path, head_path = directory / "body.bin", directory / "headers"
        path.write_bytes(body)
        result = self.curl("-D", str(head_path), "-H", "Expect: 100-continue",
                           "--expect100-timeout", "60", "--data-binary", f"@{path}",
                           self.url("/upload?t=continue"))
        self.assertCurlOk(result)
        info = json.loads(result.stdout)
        self.assertEqual(info["body_sha256"], sha256_hex(body))
        self.assertIn(["Expect", "100-continue"], info["headers"])
        headers = head_path.read_text("latin-1")
        self.assertRegex(headers, r"(?s)^HTTP/1\.1 200 Connection established\r?\n\r?\n"
                         r"HTTP/1\.1 100 [^\n]*\n\r?\nHTTP/1\.1 200 ",
                         "no 100 Continue reached the client before the 200")
        self.wait_intercepted(self.proxy, "POST",
                              f"https://localhost:{self.origin.port}/upload?t=continue", 200)

    def test_python_requests_verify_spyglass_ca(self):
        """Python requests with verify= the Spyglass CA: 200 and an intercepted line."""
        with requests.Session() as session:
            session.trust_env = False
            response = session.get(self.url("/bytes/250000/4?t=requests"),
                                   proxies={"https": self.proxy.url},
                                   verify=str(self.spyglass_ca), timeout=STEP_TIMEOUT)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(sha256_hex(response.content), sha256_hex(payload(250000, 4)))
        self.wait_intercepted(self.proxy, "GET",
                              f"https://localhost:{self.origin.port}/bytes/250000/4?t=requests",
                              200)

    def tls_tunnel(self, port):
        """A raw client: CONNECT, then TLS trusting only the Spyglass CA."""
        client, response = open_tunnel(self.proxy, f"localhost:{port}")
        self.addCleanup(client.close)
        self.assertEqual(response.status, 200, response.head)
        context = ssl.create_default_context(cafile=str(self.spyglass_ca))
        context.set_alpn_protocols(["http/1.1"])
        client.sock = context.wrap_socket(client.sock, server_hostname="localhost")
        return client

    def test_websocket_upgrade_and_echo(self):
        """WebSocket through interception: 101 with the right accept, frames echo both ways."""
        client = self.tls_tunnel(self.raw_origin.port)
        key = ws.new_key()
        client.send(("GET /ws?t=ws HTTP/1.1\r\nHost: localhost:%d\r\nUpgrade: websocket\r\n"
                     "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
                     "Sec-WebSocket-Version: 13\r\n\r\n" % (self.raw_origin.port, key)).encode())
        response = harness.parse_head(client.read_head())
        self.assertEqual(response.status, 101, response.head)
        self.assertEqual(response.header("Sec-WebSocket-Accept"), ws.accept_for(key))
        self.assertEqual((response.header("Upgrade") or "").lower(), "websocket")
        messages = [(ws.OP_TEXT, "hello, spyglass \u2603".encode()),
                    (ws.OP_BINARY, payload(70_000, 12)),
                    (ws.OP_TEXT, b"last")]
        for opcode, data in messages:
            client.send(ws.client_frame(opcode, data))
            fin, got_opcode, got, masked = ws.read_frame(client.read_exact)
            self.assertEqual((fin, got_opcode, masked), (True, opcode, False))
            self.assertEqual(sha256_hex(got), sha256_hex(data))
        client.send(ws.client_frame(ws.OP_CLOSE, b"\x03\xe8"))
        _fin, opcode, data, _masked = ws.read_frame(client.read_exact)
        self.assertEqual((opcode, data), (ws.OP_CLOSE, b"\x03\xe8"))
        _requests, notes = self.raw_origin.seen()
        handshakes = [n for n in notes if n[0] == "handshake" and n[3] == key]
        self.assertEqual(len(handshakes), 1, notes)
        self.assertEqual(handshakes[0][1], "websocket")
        self.assertIn("upgrade", handshakes[0][2])
        self.assertIn(("frame", ws.OP_BINARY, 70_000, True), notes)
        client.close()
        self.wait_line(self.proxy, lambda p: p["mode"] == "intercepted"
                       and p["target"].endswith("/ws?t=ws") and p["status"] == "101",
                       "the WebSocket exchange")

    def test_h2_only_client_is_refused_cleanly(self):
        """A client offering only ALPN h2 gets a TLS alert; the line names HTTP/2."""
        proxy = self.strict_local_proxy()
        result = self.s_client(proxy, f"localhost:{self.origin.port}",
                               "-servername", "localhost", "-alpn", "h2",
                               "-CAfile", str(self.spyglass_ca))
        self.assertNotEqual(result.returncode, 0, describe(result))
        self.assertRegex(result.stderr.decode("utf-8", "replace"),
                         r"(?i)no application protocol|alert number 120", describe(result))
        line = self.wait_line(proxy, lambda p: p["mode"] == "intercepted"
                              and p["method"] == "CONNECT" and p["error"]
                              and "HTTP/2" in p["error"]
                              and p["target"].endswith(f":{self.origin.port}"),
                              "the h2-only CONNECT")
        self.assertIn("localhost", line["target"])


# ====================================================================== decisions


class InterceptDecisionTest(InterceptCase):
    """Which CONNECTs are intercepted: SNI first, include list, blind tunnels."""

    @classmethod
    def setUpClass(cls):
        cls.setup_cas()
        cls.origin = cls.start_origin(cls.origin_ca.server_context())
        cls.by_name = cls.start_intercepting_proxy("--intercept", "localhost")
        cls.by_ip = cls.start_intercepting_proxy("--intercept", "127.0.0.1")
        cls.other = cls.start_intercepting_proxy("--intercept", "other.test")
        cls.spyglass_ca = cls.export_spyglass_ca()
        cls.origin_fingerprint = leaf_fingerprint(cls.origin_ca.leaf_pem)

    def showcerts(self, proxy, connect, servername, cafile, tag):
        """s_client -showcerts: a verified handshake, then GET /echo?t=TAG answered."""
        request = (f"GET /echo?t={tag} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                   "\r\n").encode()
        result = self.s_client(proxy, connect, "-servername", servername, "-showcerts",
                               "-CAfile", str(cafile), "-verify_return_error", "-ign_eof",
                               input_bytes=request)
        self.assertEqual(result.returncode, 0, describe(result))
        self.assertIn(b"Verify return code: 0 (ok)", result.stdout)
        self.assertIn(f'"GET /echo?t={tag} HTTP/1.1"'.encode(), result.stdout)
        return result

    def test_sni_differs_from_connect_host_sni_is_intercepted(self):
        """CONNECT 127.0.0.1, SNI localhost, --intercept localhost → Spyglass leaf, verified."""
        result = self.showcerts(self.by_name, f"127.0.0.1:{self.origin.port}", "localhost",
                                self.spyglass_ca, "sni-localhost")
        leaf = self.leaf_from_s_client(result)
        self.assertRegex(self.issuer_of(leaf), r'CN\s*=\s*"?Spyglass CA')
        self.assertNotEqual(fingerprint_of_pem(leaf), self.origin_fingerprint)
        self.wait_line(self.by_name, lambda p: p["mode"] == "intercepted"
                       and p["method"] == "GET"
                       and p["target"] == f"https://localhost:{self.origin.port}"
                                          "/echo?t=sni-localhost",
                       "the s_client GET named by its SNI")

    def test_sni_decides_over_connect_ip(self):
        """CONNECT 127.0.0.1, SNI localhost, --intercept 127.0.0.1 only → blind tunnel."""
        result = self.showcerts(self.by_ip, f"127.0.0.1:{self.origin.port}", "localhost",
                                self.origin_ca.ca_pem, "sni-over-ip")
        leaf = self.leaf_from_s_client(result)
        self.assertEqual(fingerprint_of_pem(leaf), self.origin_fingerprint)
        self.wait_line(self.by_ip, lambda p: p["mode"] == "tunnel" and p["method"] == "CONNECT"
                       and p["target"] == f"127.0.0.1:{self.origin.port}",
                       "the blind CONNECT")
        self.assertEqual([p for p in self.lines_for(self.by_ip, "sni-over-ip")], [],
                         "the exchange inside the tunnel was intercepted")

    def test_ip_rule_without_sni_intercepts(self):
        """Control for the test above: no SNI, CONNECT 127.0.0.1, --intercept 127.0.0.1 → intercepted."""
        request = b"GET /echo?t=nosni HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        result = self.s_client(self.by_ip, f"127.0.0.1:{self.origin.port}", "-noservername",
                               "-showcerts", "-CAfile", str(self.spyglass_ca),
                               "-verify_return_error", "-verify_ip", "127.0.0.1", "-ign_eof",
                               input_bytes=request)
        self.assertEqual(result.returncode, 0, describe(result))
        leaf = self.leaf_from_s_client(result)
        self.assertRegex(self.issuer_of(leaf), r'CN\s*=\s*"?Spyglass CA')
        self.assertIn(b'"GET /echo?t=nosni HTTP/1.1"', result.stdout)

    def test_host_not_in_include_list_is_blind_tunnel(self):
        """--intercept other.test; CONNECT localhost → the origin's own leaf (fingerprint)."""
        result = self.showcerts(self.other, f"localhost:{self.origin.port}", "localhost",
                                self.origin_ca.ca_pem, "not-included")
        leaf = self.leaf_from_s_client(result)
        self.assertEqual(fingerprint_of_pem(leaf), self.origin_fingerprint)
        self.assertEqual(self.lines_for(self.other, "not-included"), [])
        self.wait_line(self.other, lambda p: p["mode"] == "tunnel" and p["method"] == "CONNECT"
                       and p["target"] == f"localhost:{self.origin.port}", "the blind CONNECT")

    def test_curl_through_not_included_host_trusts_origin_ca(self):
        """curl with the origin CA succeeds through a proxy that does not intercept localhost."""
        result = self.curl_via(self.other, self.origin_ca.ca_pem,
                               self.origin.url("/echo?t=blind-curl", "localhost"))
        self.assertCurlOk(result)
        self.assertEqual(json.loads(result.stdout)["request_line"],
                         "GET /echo?t=blind-curl HTTP/1.1")


# ====================================================================== client rejects


class ClientRejectsTest(InterceptCase):
    """A client that does not trust the Spyglass CA: recorded, then passthrough."""

    @classmethod
    def setUpClass(cls):
        cls.setup_cas()
        cls.origin = cls.start_origin(cls.origin_ca.server_context())
        cls.proxy = cls.start_intercepting_proxy("--intercept", "localhost")
        cls.strict = cls.start_intercepting_proxy("--intercept", "localhost",
                                                  "--no-passthrough-on-reject")
        cls.spyglass_ca = cls.export_spyglass_ca()

    def reject_once(self, proxy, tag):
        """curl without --cacert: exit 60 and an intercepted CONNECT line with the trust error."""
        result = curl("-x", proxy.url, self.origin.url(f"/echo?t={tag}", "localhost"))
        self.assertEqual(result.returncode, 60, describe(result))
        line = self.wait_line(proxy, lambda p: p["mode"] == "intercepted"
                              and p["method"] == "CONNECT"
                              and p["target"] == f"localhost:{self.origin.port}",
                              "the rejected CONNECT")
        self.assertIsNotNone(line["error"], line)
        self.assertIn(TRUST_ERROR, line["error"])
        self.assertEqual([r["target"] for r in self.origin.requests()
                          if r["target"] == f"/echo?t={tag}"], [],
                         "the request reached the origin although the client rejected us")

    def test_rejection_recorded_then_next_connection_tunnels(self):
        """After a rejection the host is tunnelled blindly: the origin's own certificate."""
        self.reject_once(self.proxy, "reject")
        result = self.curl_via(self.proxy, self.origin_ca.ca_pem,
                               self.origin.url("/echo?t=after-reject", "localhost"))
        self.assertCurlOk(result)
        self.assertEqual(json.loads(result.stdout)["request_line"],
                         "GET /echo?t=after-reject HTTP/1.1")
        self.wait_line(self.proxy, lambda p: p["mode"] == "tunnel" and p["method"] == "CONNECT"
                       and p["target"] == f"localhost:{self.origin.port}",
                       "the passthrough CONNECT")
        shown = self.s_client(self.proxy, f"localhost:{self.origin.port}",
                              "-servername", "localhost", "-showcerts",
                              "-CAfile", str(self.origin_ca.ca_pem), "-verify_return_error",
                              input_bytes=b"Q\n")
        self.assertEqual(shown.returncode, 0, describe(shown))
        self.assertEqual(fingerprint_of_pem(self.leaf_from_s_client(shown)),
                         leaf_fingerprint(self.origin_ca.leaf_pem))

    def test_no_passthrough_on_reject_keeps_intercepting(self):
        """With --no-passthrough-on-reject the next connection is intercepted again."""
        self.reject_once(self.strict, "strict-reject")
        result = self.curl_via(self.strict, self.origin_ca.ca_pem,
                               self.origin.url("/echo?t=strict-after", "localhost"))
        self.assertEqual(result.returncode, 60, describe(result))
        result = self.curl_via(self.strict, self.spyglass_ca,
                               self.origin.url("/echo?t=strict-trusting", "localhost"))
        self.assertCurlOk(result)
        self.wait_intercepted(self.strict, "GET",
                              f"https://localhost:{self.origin.port}/echo?t=strict-trusting",
                              200)
        self.assertEqual([p for p in map(parse_line, self.strict.lines())
                          if p and p["mode"] == "tunnel"], [])


# ====================================================================== upstream certificates


class UpstreamCertificateTest(InterceptCase):
    """Broken origin certificates: a 502 inside the client's TLS session naming the reason."""

    REASONS = {
        "expired": "has expired",
        "not_yet_valid": "not yet valid",
        "wrong_host": "host name mismatch",
        "self_signed": "self-signed",
        "unknown_issuer": "unknown authority",
    }

    @classmethod
    def setUpClass(cls):
        cls.setup_cas()
        cls.bad = BadCertificates(cls.temp_dir(), cls.origin_ca)
        cls.good_origin = cls.start_origin(cls.origin_ca.server_context())
        cls.origins = {kind: cls.start_origin(cls.bad.server_context(kind))
                       for kind in BadCertificates.KINDS}
        cls.proxy = cls.start_intercepting_proxy("--intercept", "localhost")
        cls.insecure = cls.start_intercepting_proxy("--intercept", "localhost",
                                                    "--insecure-upstream", "localhost")
        cls.spyglass_ca = cls.export_spyglass_ca()

    def fetch(self, proxy, origin, tag):
        directory = self.temp_dir()
        body_path, head_path = directory / "body", directory / "headers"
        result = self.curl_via(proxy, self.spyglass_ca, "-D", str(head_path),
                               "-o", str(body_path), "-w", "%{http_code}",
                               origin.url(f"/echo?t={tag}", "localhost"))
        self.assertCurlOk(result)
        return result.stdout.decode(), head_path.read_text("latin-1"), body_path.read_bytes()

    def test_good_origin_verifies(self):
        """Control: the good origin (its CA given by --upstream-ca) answers 200 unmarked."""
        status, _, body = self.fetch(self.proxy, self.good_origin, "good")
        self.assertEqual(status, "200", body[:500])
        line = self.wait_intercepted(self.proxy, "GET",
                                     f"https://localhost:{self.good_origin.port}/echo?t=good",
                                     200)
        self.assertIsNone(line["error"], line)
        self.assertNotIn("insecure", line["note"] or "")

    def check_bad(self, kind):
        origin = self.origins[kind]
        status, headers, body = self.fetch(self.proxy, origin, kind)
        text = body.decode("utf-8", "replace")
        self.assertEqual(status, "502", text[:500])
        self.assertRegex(headers, r"(?i)content-type:\s*text/")
        self.assertIn(self.REASONS[kind], text)
        self.assertEqual(origin.requests(), [], "the request reached an unverified origin")
        line = self.wait_line(self.proxy, lambda p: p["target"].endswith(
            f":{origin.port}/echo?t={kind}") or p["target"] == f"localhost:{origin.port}",
            f"the {kind} exchange")
        self.assertEqual(line["mode"], "intercepted", line)
        self.assertEqual(line["status"], "502", line)
        self.assertIn(self.REASONS[kind], line["error"] or "", line)

        status, _, body = self.fetch(self.insecure, origin, f"{kind}-insecure")
        self.assertEqual(status, "200", body[:500])
        self.assertEqual(json.loads(body)["request_line"],
                         f"GET /echo?t={kind}-insecure HTTP/1.1")
        line = self.wait_intercepted(
            self.insecure, "GET", f"https://localhost:{origin.port}/echo?t={kind}-insecure", 200)
        self.assertIn("insecure-upstream", line["note"] or "",
                      f"the exchange is not marked as unverified: {line}")

    def test_expired(self):
        self.check_bad("expired")

    def test_not_yet_valid(self):
        self.check_bad("not_yet_valid")

    def test_wrong_host(self):
        self.check_bad("wrong_host")

    def test_self_signed(self):
        self.check_bad("self_signed")

    def test_unknown_issuer(self):
        self.check_bad("unknown_issuer")


if __name__ == "__main__":
    unittest.main()
