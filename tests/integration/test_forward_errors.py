"""Plain-proxy errors: bad requests and unreachable origins (issue 2)."""

import unittest

from harness import UNRESOLVABLE, IntegrationCase, get_request

MALFORMED_HEADS = {
    "space before colon": b"X-Bad : value\r\n",
    "bare CR in value": b"X-Bad: a\rb\r\n",
    "obs-fold": b"X-Bad: a\r\n  folded\r\n",
    "non-token field name": b"X(Bad): value\r\n",
    "NUL in value": b"X-Bad: a\x00b\r\n",
}


class ForwardErrorTest(IntegrationCase):
    @classmethod
    def setUpClass(cls):
        cls.origin = cls.start_origin()
        cls.stalled = cls.stalled_listener()
        cls.refusing = cls.refusing_port()
        cls.proxy = cls.start_proxy("--connect-timeout", "1")

    def exchange(self, request, method="GET"):
        client = self.raw(self.proxy)
        try:
            client.send(request)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the proxy may answer and close before reading an oversized head
        return client, client.read_response(method)

    def assert_origin_untouched(self, marker):
        targets = [r["target"] for r in self.origin.requests()]
        self.assertFalse([t for t in targets if marker in t], f"origin got {targets}")

    def test_origin_form_at_proxy_is_400_with_advice(self):
        """`GET / HTTP/1.1` + Host at the proxy is 400 explaining proxy setup, not forwarded."""
        request = (f"GET /echo?originform HTTP/1.1\r\nHost: 127.0.0.1:{self.origin.port}\r\n\r\n"
                   .encode())
        _, response = self.exchange(request)
        self.assertReadableError(response, 400)
        self.assertIn("proxy", response.text().lower())
        self.assert_origin_untouched("originform")

    def test_https_absolute_form_is_400_requiring_connect(self):
        """`GET https://...` is 400 saying that CONNECT is required."""
        _, response = self.exchange(get_request(f"https://127.0.0.1:{self.origin.port}/echo"))
        self.assertReadableError(response, 400)
        self.assertIn("CONNECT", response.text())

    def test_long_request_line_is_414(self):
        """A request line over 8 KiB is 414."""
        url = self.origin.url("/echo?" + "a" * 9000)
        _, response = self.exchange(get_request(url))
        self.assertReadableError(response, 414)

    def test_too_many_fields_is_431(self):
        """More than 100 header fields is 431."""
        fields = b"".join(b"X-F%d: v\r\n" % i for i in range(150))
        _, response = self.exchange(get_request(self.origin.url("/echo?many"), extra=fields))
        self.assertReadableError(response, 431)
        self.assert_origin_untouched("many")

    def test_huge_head_is_431(self):
        """A head over 64 KiB (in fewer than 100 fields) is 431."""
        fields = b"".join(b"X-Big%d: %s\r\n" % (i, b"v" * 2000) for i in range(40))
        _, response = self.exchange(get_request(self.origin.url("/echo?huge"), extra=fields))
        self.assertReadableError(response, 431)
        self.assert_origin_untouched("huge")

    def test_malformed_heads_are_400_and_closed(self):
        """Malformed field lines get 400, the connection is closed, nothing is forwarded."""
        for index, (name, field) in enumerate(MALFORMED_HEADS.items()):
            with self.subTest(name=name):
                marker = f"malformed{index}x"
                request = get_request(self.origin.url(f"/echo?{marker}"), extra=field)
                client, response = self.exchange(request)
                self.assertReadableError(response, 400)
                self.assertTrue(client.closed_by_peer(), "connection left open after 400")
                self.assert_origin_untouched(marker)

    def test_garbage_request_line_is_400(self):
        """A request line that is not HTTP is 400 and the connection is closed."""
        client, response = self.exchange(b"HELLO THERE\r\n\r\n")
        self.assertReadableError(response, 400)
        self.assertTrue(client.closed_by_peer())

    def test_refused_origin_is_502(self):
        """An origin port that refuses connections gives 502."""
        _, response = self.exchange(get_request(f"http://127.0.0.1:{self.refusing.port}/"))
        self.assertReadableError(response, 502)

    def test_unresolvable_origin_is_502(self):
        """An origin name that does not resolve gives 502."""
        _, response = self.exchange(get_request(f"http://{UNRESOLVABLE}:{self.origin.port}/"))
        self.assertReadableError(response, 502)

    def test_connect_timeout_is_504(self):
        """An origin whose SYNs are dropped gives 504 after --connect-timeout."""
        _, response = self.exchange(get_request(f"http://127.0.0.1:{self.stalled.port}/"))
        self.assertReadableError(response, 504)

    def test_proxy_still_serves_after_errors(self):
        """After error answers on other connections, a normal request still works."""
        self.exchange(get_request(f"http://127.0.0.1:{self.refusing.port}/"))
        self.exchange(b"HELLO THERE\r\n\r\n")
        _, response = self.exchange(get_request(self.origin.url("/echo?after-errors")))
        self.assertEqual(response.status, 200)
        self.assertEqual(response.json()["target"], "/echo?after-errors")


if __name__ == "__main__":
    unittest.main()
