"""Self-tests of the harness: origins and clients talk directly, no proxy.

These prove that the origins and helpers the proxy tests rely on behave as
the proxy tests assume, so that a failing proxy test points at the proxy.
"""

import socket
import unittest

import requests

import harness
from harness import UNRESOLVABLE, IntegrationCase, RawHttpClient, curl, sha256_hex, payload


class OriginSelfTest(IntegrationCase):
    @classmethod
    def setUpClass(cls):
        cls.ca = cls.make_ca()
        cls.origin = cls.start_origin()
        cls.tls_origin = cls.start_origin(cls.ca.server_context())

    def test_echo_reports_request_line_and_headers(self):
        """The origin's /echo reports exactly the request line and fields it got."""
        with RawHttpClient("127.0.0.1", self.origin.port) as client:
            client.send(b"GET /echo?q=1 HTTP/1.1\r\nHost: x\r\nProxy-Authorization: Basic eA==\r\n"
                        b"Connection: keep-alive, X-Hop\r\nX-Hop: 1\r\n\r\n")
            info = client.read_response().json()
        self.assertEqual(info["request_line"], "GET /echo?q=1 HTTP/1.1")
        names = [name.lower() for name, _ in info["headers"]]
        self.assertIn("proxy-authorization", names)
        self.assertIn("x-hop", names)

    def test_bytes_chunked_close_routes(self):
        """Content-Length, chunked and close-delimited routes carry the payload."""
        expected = payload(300_000, 5)
        for route in ("bytes", "chunked", "close"):
            with self.subTest(route=route):
                with RawHttpClient("127.0.0.1", self.origin.port) as client:
                    client.send(f"GET /{route}/300000/5 HTTP/1.1\r\nHost: x\r\n\r\n".encode())
                    response = client.read_response()
                self.assertEqual(sha256_hex(response.body), sha256_hex(expected))

    def test_no_body_statuses_keep_connection_usable(self):
        """HEAD, 204 and 304 have no body; the next response parses cleanly."""
        with RawHttpClient("127.0.0.1", self.origin.port) as client:
            for method, path, status in (("HEAD", "/bytes/1000", 200),
                                         ("GET", "/status/204", 204),
                                         ("GET", "/status/304", 304)):
                client.send(f"{method} {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
                self.assertEqual(client.read_response(method).status, status)
            client.send(b"GET /echo HTTP/1.1\r\nHost: x\r\n\r\n")
            self.assertEqual(client.read_response().status, 200)

    def test_chunked_upload_with_curl(self):
        """A chunked POST from curl reaches /upload intact."""
        body = payload(200_000, 9)
        path = self.temp_dir() / "upload.bin"
        path.write_bytes(body)
        result = curl("-H", "Transfer-Encoding: chunked", "--data-binary", f"@{path}",
                      self.origin.url("/upload"))
        self.assertCurlOk(result)
        self.assertIn(sha256_hex(body), result.stdout.decode())

    def test_ipv6_and_tls_names(self):
        """The TLS origin answers on localhost, 127.0.0.1 and [::1] with a valid cert."""
        for host in ("localhost", "127.0.0.1", "::1"):
            with self.subTest(host=host):
                result = curl("--cacert", str(self.ca.ca_pem), self.tls_origin.url("/echo", host))
                self.assertCurlOk(result)
                self.assertIn(b"request_line", result.stdout)

    def test_openssl_s_client_direct(self):
        """s_client completes a verified exchange and sees a clean TLS close (close_notify)."""
        request = b"GET /echo HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
        result = harness.openssl("s_client", "-connect", f"localhost:{self.tls_origin.port}",
                                 "-CAfile", str(self.ca.ca_pem), "-servername", "localhost",
                                 "-verify_return_error", "-quiet", input_bytes=request)
        self.assertEqual(result.returncode, 0, harness.describe(result))
        self.assertIn(b"HTTP/1.1 200", result.stdout)

    def test_requests_reaches_origin(self):
        """Python requests reaches the plain origin over IPv6 too."""
        response = requests.get(self.origin.url("/echo", "::1"), timeout=harness.STEP_TIMEOUT)
        self.assertEqual(response.status_code, 200)


class SocketFixtureSelfTest(IntegrationCase):
    def test_tcp_echo_and_digest(self):
        """The echo and digest TCP origins do what the tunnel tests expect."""
        echo = self.start_tcp_origin(harness.echo_handler)
        with socket.create_connection(("127.0.0.1", echo.port), harness.STEP_TIMEOUT) as sock:
            sock.sendall(b"hello")
            self.assertEqual(sock.recv(5), b"hello")
        digest = self.start_tcp_origin(harness.digest_until_eof_handler)
        with socket.create_connection(("127.0.0.1", digest.port), harness.STEP_TIMEOUT) as sock:
            sock.sendall(b"abc")
            sock.shutdown(socket.SHUT_WR)
            self.assertEqual(sock.recv(100).strip(), sha256_hex(b"abc").encode())

    def test_refusing_port_refuses(self):
        """A bound, non-listening port refuses connections."""
        port = self.refusing_port()
        with self.assertRaises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", port.port), harness.STEP_TIMEOUT).close()

    def test_stalled_listener_stalls(self):
        """A connect to the stalled listener neither succeeds nor fails quickly."""
        listener = self.stalled_listener()
        with self.assertRaises(socket.timeout):
            socket.create_connection(("127.0.0.1", listener.port), 1.0).close()

    def test_unresolvable_name_fails(self):
        """The name used for DNS-failure tests does not resolve."""
        with self.assertRaises(socket.gaierror):
            socket.getaddrinfo(UNRESOLVABLE.encode(), 443)


if __name__ == "__main__":
    unittest.main()
