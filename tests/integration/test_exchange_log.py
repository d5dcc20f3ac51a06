"""The per-exchange stdout line for tunnels and forwards (issue 2)."""

import unittest

import harness
from harness import IntegrationCase, get_request, open_tunnel


class ExchangeLogTest(IntegrationCase):
    @classmethod
    def setUpClass(cls):
        cls.origin = cls.start_origin()
        cls.echo = cls.start_tcp_origin(harness.echo_handler)
        cls.refusing = cls.refusing_port()
        cls.proxy = cls.start_proxy("--allow-port", str(cls.echo.port))

    def test_tunnel_line(self):
        """A finished tunnel logs client, CONNECT host:port, 200, exact byte counts, `tunnel`."""
        target = f"127.0.0.1:{self.echo.port}"
        client, response = open_tunnel(self.proxy, target)
        self.addCleanup(client.close)
        self.assertEqual(response.status, 200)
        client.send(b"hello")
        self.assertEqual(client.read_exact(5), b"hello")
        me = client.local_address
        client.close()
        line = self.proxy.wait_for_exchange(lambda e: e.client == me)
        self.assertEqual((line.method, line.target, line.status, line.mode),
                         ("CONNECT", target, "200", "tunnel"), line.raw)
        self.assertEqual((line.up, line.down), (5, 5), line.raw)

    def test_forward_line(self):
        """A forwarded GET logs client, GET, the absolute URL, 200 and `forward`."""
        url = self.origin.url("/echo?logged")
        client = self.raw(self.proxy)
        client.send(get_request(url))
        response = client.read_response()
        self.assertEqual(response.status, 200)
        line = self.proxy.wait_for_exchange(lambda e: e.client == client.local_address)
        self.assertEqual((line.method, line.target, line.status, line.mode),
                         ("GET", url, "200", "forward"), line.raw)
        self.assertGreaterEqual(line.down, len(response.body), line.raw)

    def test_failed_forward_line(self):
        """A forward to a refusing origin logs the 502 sent to the client."""
        url = f"http://127.0.0.1:{self.refusing.port}/nothing"
        client = self.raw(self.proxy)
        client.send(get_request(url))
        self.assertEqual(client.read_response().status, 502)
        line = self.proxy.wait_for_exchange(lambda e: e.client == client.local_address)
        self.assertEqual((line.method, line.target, line.status, line.mode),
                         ("GET", url, "502", "forward"), line.raw)

    def test_every_exchange_line_is_well_formed(self):
        """Every stdout line is the listening line or a well-formed exchange line."""
        self.test_forward_line()
        for line in self.proxy.lines():
            with self.subTest(line=line):
                self.assertTrue(harness.LISTENING_RE.search(line)
                                or harness.ExchangeLine.parse(line), line)


if __name__ == "__main__":
    unittest.main()
