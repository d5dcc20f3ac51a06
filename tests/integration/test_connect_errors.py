"""CONNECT errors: each has the right status and a readable body (issue 2)."""

import unittest

import harness
from harness import UNRESOLVABLE, IntegrationCase, connect_request, open_tunnel


class ConnectErrorTest(IntegrationCase):
    @classmethod
    def setUpClass(cls):
        cls.echo = cls.start_tcp_origin(harness.echo_handler)
        cls.other_echo = cls.start_tcp_origin(harness.echo_handler)
        cls.stalled = cls.stalled_listener()
        cls.refusing = cls.refusing_port()
        ports = (cls.echo.port, cls.stalled.port, cls.refusing.port)
        options = [arg for port in ports for arg in ("--allow-port", str(port))]
        cls.proxy = cls.start_proxy(*options, "--connect-timeout", "1")

    def connect(self, authority, extra=b""):
        client, response = open_tunnel(self.proxy, authority, extra)
        self.addCleanup(client.close)
        return response

    def test_port_not_allowed_is_403(self):
        """A port outside the allow-list gets 403 naming --allow-port; nothing is relayed."""
        response = self.connect(f"127.0.0.1:{self.other_echo.port}")
        self.assertReadableError(response, 403)
        self.assertIn("--allow-port", response.text())

    def test_default_allow_list_is_443_only(self):
        """Without --allow-port, CONNECT to a non-443 port is refused with 403."""
        proxy = self.start_local_proxy()
        client, response = open_tunnel(proxy, f"127.0.0.1:{self.echo.port}")
        self.addCleanup(client.close)
        self.assertReadableError(response, 403)
        self.assertIn("--allow-port", response.text())

    def test_bad_authority_is_400(self):
        """CONNECT targets without a valid host:port are 400."""
        for target in ("localhost", "127.0.0.1:", ":443", "127.0.0.1:99999",
                       "127.0.0.1:https", "/index.html", f"http://127.0.0.1:{self.echo.port}/"):
            with self.subTest(target=target):
                client = self.raw(self.proxy)
                client.send(f"CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n\r\n".encode())
                self.assertReadableError(client.read_response("CONNECT"), 400)

    def test_connect_with_body_is_400(self):
        """A CONNECT carrying Content-Length: 5 is rejected, not tunnelled."""
        client = self.raw(self.proxy)
        client.send(connect_request(f"127.0.0.1:{self.echo.port}", b"Content-Length: 5\r\n")
                    + b"hello")
        self.assertReadableError(client.read_response("CONNECT"), 400)

    def test_refused_is_502(self):
        """A closed local port (connection refused) gives 502."""
        self.assertReadableError(self.connect(f"127.0.0.1:{self.refusing.port}"), 502)

    def test_connect_timeout_is_504(self):
        """A target whose SYNs are dropped gives 504 after --connect-timeout."""
        self.assertReadableError(self.connect(f"127.0.0.1:{self.stalled.port}"), 504)

    def test_dns_failure_is_502(self):
        """A name that does not resolve gives 502."""
        self.assertReadableError(self.connect(f"{UNRESOLVABLE}:{self.echo.port}"), 502)

    def test_errors_do_not_disturb_other_connections(self):
        """A tunnel opened before a burst of failed CONNECTs keeps working, and new ones work."""
        tunnel, response = open_tunnel(self.proxy, f"127.0.0.1:{self.echo.port}")
        self.addCleanup(tunnel.close)
        self.assertEqual(response.status, 200)
        for target, status in ((f"127.0.0.1:{self.other_echo.port}", 403), ("localhost", 400),
                               (f"127.0.0.1:{self.refusing.port}", 502),
                               (f"127.0.0.1:{self.stalled.port}", 504),
                               (f"{UNRESOLVABLE}:{self.echo.port}", 502)):
            with self.subTest(target=target):
                self.assertEqual(self.connect(target).status, status)
        tunnel.send(b"still here")
        self.assertEqual(tunnel.read_exact(10), b"still here")
        self.assertEqual(self.connect(f"127.0.0.1:{self.echo.port}").status, 200)


class ConnectLoopTest(IntegrationCase):
    @classmethod
    def setUpClass(cls):
        # --allow-any-port, so a 403 can only come from the loop check.
        cls.proxy = cls.start_proxy("--allow-any-port")

    def test_connect_to_own_address_is_403(self):
        """CONNECT to the proxy's own listen address:port is refused instead of looping."""
        for host in ("127.0.0.1", "localhost"):
            with self.subTest(host=host):
                client, response = open_tunnel(self.proxy, f"{host}:{self.proxy.port}")
                self.addCleanup(client.close)
                self.assertReadableError(response, 403)
        self.proxy.assert_alive()

    def test_allow_any_port_allows_other_ports(self):
        """With --allow-any-port an arbitrary loopback port is tunnelled (the control case)."""
        echo = self.start_tcp_origin(harness.echo_handler)
        client, response = open_tunnel(self.proxy, f"127.0.0.1:{echo.port}")
        self.addCleanup(client.close)
        self.assertEqual(response.status, 200)
        client.send(b"x")
        self.assertEqual(client.read_exact(1), b"x")


if __name__ == "__main__":
    unittest.main()
