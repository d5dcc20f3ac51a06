"""Upstream proxy chaining: B --upstream-proxy A (issue 2)."""

import json
import unittest

from harness import IntegrationCase, curl, get_request


class ChainCase(IntegrationCase):
    """Base: origins plus proxy A; subclasses choose auth and B's upstream URL."""

    a_options = ()
    upstream_credentials = ""

    @classmethod
    def setUpClass(cls):
        cls.ca = cls.make_ca()
        cls.origin = cls.start_origin()
        cls.tls_origin = cls.start_origin(cls.ca.server_context())
        allow = ("--allow-port", str(cls.tls_origin.port))
        cls.proxy_a = cls.start_proxy(*allow, *cls.a_options)
        prefix = f"{cls.upstream_credentials}@" if cls.upstream_credentials else ""
        upstream = f"http://{prefix}127.0.0.1:{cls.proxy_a.port}"
        cls.proxy_b = cls.start_proxy(*allow, "--upstream-proxy", upstream)

    def assert_connect_via_chain(self):
        url = self.tls_origin.url("/echo?chained-connect", "localhost")
        result = curl("-x", self.proxy_b.url, "--cacert", str(self.ca.ca_pem), url)
        self.assertCurlOk(result)
        self.assertEqual(json.loads(result.stdout)["target"], "/echo?chained-connect")
        target = f"localhost:{self.tls_origin.port}"
        line = self.proxy_a.wait_for_exchange(
            lambda e: e.method == "CONNECT" and e.target == target)
        self.assertEqual((line.status, line.mode), ("200", "tunnel"), line.raw)
        self.assertGreater(line.down, 0, line.raw)

    def assert_get_via_chain(self):
        url = self.origin.url("/echo?chained-get")
        result = curl("-x", self.proxy_b.url, url)
        self.assertCurlOk(result)
        info = json.loads(result.stdout)
        self.assertEqual(info["request_line"], "GET /echo?chained-get HTTP/1.1")
        names = [name.lower() for name, _ in info["headers"]]
        self.assertNotIn("proxy-authorization", names)
        line = self.proxy_a.wait_for_exchange(lambda e: e.method == "GET" and e.target == url)
        self.assertEqual((line.status, line.mode), ("200", "forward"), line.raw)


class ChainTest(ChainCase):
    def test_connect_through_chain(self):
        """CONNECT through B reaches the HTTPS origin via A (A logs the tunnel)."""
        self.assert_connect_via_chain()

    def test_get_through_chain(self):
        """A plain GET through B reaches the origin via A (A logs the forward)."""
        self.assert_get_via_chain()


class AuthenticatedChainTest(ChainCase):
    a_options = ("--auth", "u:p")
    upstream_credentials = "u:p"

    def test_upstream_requires_auth(self):
        """Control: A itself refuses a request without credentials (407)."""
        client = self.raw(self.proxy_a)
        client.send(get_request(self.origin.url("/echo?direct")))
        self.assertEqual(client.read_response().status, 407)

    def test_connect_through_authenticated_chain(self):
        """CONNECT through B reaches the origin via A, B presenting u:p to A."""
        self.assert_connect_via_chain()

    def test_get_through_authenticated_chain(self):
        """A GET through B reaches the origin via A; the origin sees no Proxy-Authorization."""
        self.assert_get_via_chain()


if __name__ == "__main__":
    unittest.main()
