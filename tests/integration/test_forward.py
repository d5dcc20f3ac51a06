"""Plain HTTP forwarding through the proxy (issue 2)."""

import json
import unittest

import requests

import harness
from harness import (IntegrationCase, curl, file_sha256, get_request, payload, sha256_hex)

TWENTY_MB = 20 * 1024 * 1024
HOP_BY_HOP = ("connection", "x-hop", "proxy-connection", "keep-alive", "te", "trailer",
              "upgrade", "proxy-authorization")


class ForwardTest(IntegrationCase):
    @classmethod
    def setUpClass(cls):
        cls.origin = cls.start_origin()
        cls.proxy = cls.start_proxy()

    def curl_proxy(self, *args):
        return curl("-x", self.proxy.url, *args)

    def session(self):
        session = requests.Session()
        session.trust_env = False
        session.proxies = {"http": self.proxy.url}
        self.addCleanup(session.close)
        return session

    def assert_logged(self, url, status="200"):
        """The proxy logged a forward of url: the client really went through it."""
        line = self.proxy.wait_for_exchange(lambda e: e.target == url)
        self.assertEqual((line.status, line.mode), (status, "forward"), line.raw)

    def echo_via_raw(self, request):
        """Sends one request on a raw socket; returns (response, echo info)."""
        client = self.raw(self.proxy)
        client.send(request)
        response = client.read_response()
        self.assertEqual(response.status, 200, response.head)
        return response, response.json()

    def test_curl_get(self):
        """curl -x forwards a GET and returns the origin's answer."""
        url = self.origin.url("/echo?tool=curl")
        result = self.curl_proxy(url)
        self.assertCurlOk(result)
        self.assertEqual(json.loads(result.stdout)["request_line"], "GET /echo?tool=curl HTTP/1.1")
        self.assert_logged(url)

    def test_requests_get_and_post(self):
        """Python requests with proxies={'http': ...} can GET and POST."""
        session = self.session()
        got = session.get(self.origin.url("/echo?requests"), timeout=harness.STEP_TIMEOUT)
        self.assertEqual(got.status_code, 200)
        self.assert_logged(self.origin.url("/echo?requests"))
        body = payload(50_000, 11)
        posted = session.post(self.origin.url("/upload?requests"), data=body,
                              timeout=harness.STEP_TIMEOUT)
        self.assertEqual(posted.json()["body_sha256"], sha256_hex(body))
        self.assert_logged(self.origin.url("/upload?requests"))

    def test_ipv6_origin(self):
        """An origin addressed as [::1]:PORT is reached."""
        url = self.origin.url("/echo?v6", "::1")
        response = self.session().get(url, timeout=harness.STEP_TIMEOUT)
        self.assertEqual(response.status_code, 200)
        self.assert_logged(url)

    def test_request_is_rewritten_to_origin_form(self):
        """The origin sees `GET /path?query HTTP/1.1`, not the absolute-form target."""
        url = self.origin.url("/echo/a/b?q=1&r=%20x")
        _, info = self.echo_via_raw(get_request(url))
        self.assertEqual(info["request_line"], "GET /echo/a/b?q=1&r=%20x HTTP/1.1")

    def test_host_is_regenerated_from_target(self):
        """A misleading Host field is replaced by the target's authority, exactly once."""
        for host in ("127.0.0.1", "localhost"):
            with self.subTest(host=host):
                url = self.origin.url("/echo", host)
                _, info = self.echo_via_raw(get_request(url, host_header="wrong.example:1"))
                hosts = [v for k, v in info["headers"] if k.lower() == "host"]
                self.assertEqual(hosts, [f"{host}:{self.origin.port}"])

    def test_hop_by_hop_fields_are_stripped(self):
        """Connection, the fields it names and fixed hop-by-hop fields never reach the origin."""
        extra = (b"Connection: close, X-Hop\r\nX-Hop: secret\r\nProxy-Connection: keep-alive\r\n"
                 b"Keep-Alive: timeout=5\r\nTE: trailers\r\nTrailer: X-Checksum\r\n"
                 b"Upgrade: websocket\r\nProxy-Authorization: Basic dXNlcjpwYXNz\r\n"
                 b"X-End-To-End: kept\r\n")
        client = self.raw(self.proxy)
        client.send(get_request(self.origin.url("/echo"), extra=extra))
        info = client.read_response().json()
        received = {k.lower(): v for k, v in info["headers"]}
        for name in HOP_BY_HOP[1:]:
            self.assertNotIn(name, received, f"{name} reached the origin: {info['headers']}")
        self.assertNotIn("x-hop", received.get("connection", "").lower())
        self.assertEqual(received.get("x-end-to-end"), "kept")
        self.assertTrue(client.closed_by_peer(), "Connection: close was not honoured")

    def test_chunked_post_arrives_intact(self):
        """curl's chunked POST body reaches the origin with the same sha256."""
        body = payload(3_000_000, 21)
        path = self.temp_dir() / "post.bin"
        path.write_bytes(body)
        result = self.curl_proxy("-H", "Transfer-Encoding: chunked", "--data-binary", f"@{path}",
                                 self.origin.url("/upload"))
        self.assertCurlOk(result)
        info = json.loads(result.stdout)
        self.assertEqual(info["method"], "POST")
        self.assertEqual((info["body_length"], info["body_sha256"]), (len(body), sha256_hex(body)))

    def test_response_framings_arrive_intact(self):
        """Content-Length, chunked and close-delimited (HTTP/1.0) bodies arrive intact."""
        expected = sha256_hex(payload(1_500_000, 4))
        for route in ("bytes", "chunked", "close"):
            with self.subTest(route=route, client="curl"):
                result = self.curl_proxy(self.origin.url(f"/{route}/1500000/4"))
                self.assertCurlOk(result)
                self.assertEqual(sha256_hex(result.stdout), expected)
            with self.subTest(route=route, client="raw"):
                client = self.raw(self.proxy)
                client.send(get_request(self.origin.url(f"/{route}/1500000/4")))
                self.assertEqual(sha256_hex(client.read_response().body), expected)

    def test_head_204_304_have_no_body(self):
        """HEAD, 204 and 304 answers carry no body: the next response on the connection parses."""
        client = self.raw(self.proxy)
        for method, path, status in (("HEAD", "/bytes/1000", 200), ("HEAD", "/chunked/1000", 200),
                                     ("GET", "/status/204", 204), ("GET", "/status/304", 304)):
            with self.subTest(method=method, path=path):
                url = self.origin.url(path)
                client.send(f"{method} {url} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
                self.assertEqual(client.read_response(method).status, status)
        client.send(get_request(self.origin.url("/echo?after=nobody")))
        response = client.read_response()
        self.assertEqual(response.json()["request_line"], "GET /echo?after=nobody HTTP/1.1")
        self.assertFalse(client.wait_readable(0.2), f"stray bytes: {bytes(client.buffer)[:200]!r}")

    def test_keep_alive_reuses_client_connection(self):
        """Three URLs in one curl command reuse one client connection to the proxy."""
        urls = [self.origin.url(f"/echo?n={n}&keepalive") for n in range(3)]
        result = self.curl_proxy("-v", *urls)
        self.assertCurlOk(result)
        self.assertEqual(result.stderr.count(b"Re-using existing connection"), 2,
                         harness.describe(result))
        lines = [self.proxy.wait_for_exchange(lambda e, u=u: e.target == u) for u in urls]
        self.assertEqual(len({line.client for line in lines}), 1, [l.raw for l in lines])

    def test_pipelined_requests_answered_in_order(self):
        """Three requests in one send get three responses in order."""
        client = self.raw(self.proxy)
        urls = [self.origin.url("/echo?n=1"), self.origin.url("/bytes/70000/3"),
                self.origin.url("/echo?n=3")]
        client.send(b"".join(get_request(url) for url in urls))
        first, second, third = (client.read_response() for _ in urls)
        self.assertEqual(first.json()["target"], "/echo?n=1")
        self.assertEqual(sha256_hex(second.body), sha256_hex(payload(70000, 3)))
        self.assertEqual(third.json()["target"], "/echo?n=3")

    def test_curl_proxy10_works(self):
        """curl --proxy1.0 (HTTP/1.0 to the proxy) gets the origin's answer."""
        url = self.origin.url("/echo?curl10")
        result = curl("--proxy1.0", self.proxy.address, url)
        self.assertCurlOk(result)
        self.assertEqual(json.loads(result.stdout)["target"], "/echo?curl10")
        self.assert_logged(url)

    def test_http10_client_connection_is_closed(self):
        """An HTTP/1.0 request without keep-alive gets its answer and then the close."""
        client = self.raw(self.proxy)
        client.send(get_request(self.origin.url("/echo?v=10"), version="HTTP/1.0"))
        response = client.read_response()
        self.assertEqual(response.json()["target"], "/echo?v=10")
        self.assertTrue(client.closed_by_peer(), "proxy kept an HTTP/1.0 connection open")

    def test_http10_client_never_gets_chunked(self):
        """A chunked origin answer is not sent chunked to an HTTP/1.0 client (RFC 9112 §6.1)."""
        client = self.raw(self.proxy)
        client.send(get_request(self.origin.url("/chunked/100000/6"), version="HTTP/1.0"))
        response = client.read_response()
        self.assertNotIn("chunked", (response.header("Transfer-Encoding") or "").lower())
        self.assertEqual(sha256_hex(response.body), sha256_hex(payload(100000, 6)))

    def test_20mb_response_is_intact(self):
        """A 20 MB response through the forward path has the origin's sha256."""
        target = self.temp_dir() / "twenty.bin"
        result = self.curl_proxy("-o", str(target), self.origin.url(f"/bytes/{TWENTY_MB}/20"))
        self.assertCurlOk(result)
        self.assertEqual(file_sha256(target), sha256_hex(payload(TWENTY_MB, 20)))


if __name__ == "__main__":
    unittest.main()
