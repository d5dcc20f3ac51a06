"""--max-connections and the timeouts: limits that protect the proxy (issue 2)."""

import unittest

import harness
from harness import IntegrationCase, RawHttpClient, get_request, open_tunnel

# How long the third client is watched for a (wrong) early answer or close.
# A correct proxy never answers in this window, so this is not a timing
# assertion: a slow wrong proxy can only make the test pass wrongly, never
# fail wrongly.
QUIET_WINDOW = 1.0


class MaxConnectionsTest(IntegrationCase):
    @classmethod
    def setUpClass(cls):
        cls.origin = cls.start_origin()
        cls.proxy = cls.start_proxy("--max-connections", "2")

    def served_client(self, name):
        """A client whose keep-alive connection has been served once and stays open."""
        client = self.raw(self.proxy)
        client.send(get_request(self.origin.url(f"/echo?{name}")))
        self.assertEqual(client.read_response().status, 200)
        return client

    def test_third_client_waits_then_is_served(self):
        """With 2 connections held, a third is neither served nor dropped until one closes."""
        first = self.served_client("first")
        second = self.served_client("second")
        third = RawHttpClient.to_proxy(self.proxy)
        self.addCleanup(third.close)
        third.send(get_request(self.origin.url("/echo?third")))
        self.assertFalse(third.wait_readable(QUIET_WINDOW),
                         f"third client answered or closed early: {bytes(third.buffer)[:200]!r}")
        first.close()
        response = third.read_response()
        self.assertEqual(response.json()["target"], "/echo?third")
        second.send(get_request(self.origin.url("/echo?second-again")))
        self.assertEqual(second.read_response().status, 200)
        self.proxy.assert_alive()


class TimeoutTest(IntegrationCase):
    """Each timeout closes what it guards; waits are bounded, never measured."""

    @classmethod
    def setUpClass(cls):
        cls.origin = cls.start_origin()
        cls.echo = cls.start_tcp_origin(harness.echo_handler)
        cls.proxy = cls.start_proxy("--header-timeout", "1", "--idle-timeout", "1",
                                    "--tunnel-idle-timeout", "1",
                                    "--allow-port", str(cls.echo.port))

    def test_header_timeout_closes_slow_head(self):
        """A request head never completed is ended by --header-timeout (408 or a close)."""
        client = self.raw(self.proxy)
        client.send(b"GET " + self.origin.url("/echo?slow").encode() + b" HTTP/1.1\r\nHost: x\r\n")
        try:
            answer = client.read_until_eof(limit=65536)
        except ConnectionResetError:
            answer = b""
        self.assertTrue(client.eof or answer == b"", "connection still open")
        self.assertTrue(answer == b"" or answer.startswith(b"HTTP/1.1 408 "), answer[:200])

    def test_idle_timeout_closes_kept_alive_connection(self):
        """An idle keep-alive client connection is closed by --idle-timeout."""
        client = self.raw(self.proxy)
        client.send(get_request(self.origin.url("/echo?idle")))
        self.assertEqual(client.read_response().status, 200)
        self.assertTrue(client.closed_by_peer(harness.STEP_TIMEOUT), "idle connection kept open")

    def test_tunnel_idle_timeout_closes_silent_tunnel(self):
        """A silent tunnel is closed by --tunnel-idle-timeout."""
        client, response = open_tunnel(self.proxy, f"127.0.0.1:{self.echo.port}")
        self.addCleanup(client.close)
        self.assertEqual(response.status, 200)
        client.send(b"ping")
        self.assertEqual(client.read_exact(4), b"ping")
        self.assertTrue(client.closed_by_peer(harness.STEP_TIMEOUT), "silent tunnel kept open")


if __name__ == "__main__":
    unittest.main()
