"""Proxy Basic authentication with --auth (issue 2)."""

import base64
import json
import unittest

import requests

import harness
from harness import IntegrationCase, connect_request, curl, get_request

CHALLENGE = 'Basic realm="Spyglass"'


def basic(credentials):
    return b"Proxy-Authorization: Basic " + base64.b64encode(credentials) + b"\r\n"


class ProxyAuthTest(IntegrationCase):
    @classmethod
    def setUpClass(cls):
        cls.ca = cls.make_ca()
        cls.origin = cls.start_origin()
        cls.tls_origin = cls.start_origin(cls.ca.server_context())
        cls.proxy = cls.start_proxy("--auth", "user:pass",
                                    "--allow-port", str(cls.tls_origin.port),
                                    "--allow-port", str(cls.origin.port))

    def forward(self, extra=b"", marker="auth"):
        client = self.raw(self.proxy)
        client.send(get_request(self.origin.url(f"/echo?{marker}"), extra=extra))
        return client.read_response()

    def connect(self, extra=b""):
        client = self.raw(self.proxy)
        client.send(connect_request(self.origin.authority(), extra))
        return client.read_response("CONNECT")

    def assert_challenge(self, response):
        self.assertReadableError(response, 407)
        self.assertEqual(response.header("Proxy-Authenticate"), CHALLENGE)

    def origin_targets(self):
        return [r["target"] for r in self.origin.requests()]

    def test_forward_without_credentials_is_407(self):
        """A forward without credentials gets 407 + Basic challenge; the origin sees nothing."""
        self.assert_challenge(self.forward(marker="nocreds"))
        self.assertNotIn("/echo?nocreds", self.origin_targets())

    def test_connect_without_credentials_is_407(self):
        """A CONNECT without credentials gets 407 with the Basic challenge."""
        self.assert_challenge(self.connect())

    def test_wrong_credentials_are_407(self):
        """Wrong or malformed credentials get 407 for forward and CONNECT."""
        bad = {"wrong password": basic(b"user:wrong"), "wrong user": basic(b"other:pass"),
               "no colon": basic(b"userpass"), "not base64": b"Proxy-Authorization: Basic !!!\r\n",
               "other scheme": b"Proxy-Authorization: Bearer dXNlcjpwYXNz\r\n"}
        for name, field in bad.items():
            with self.subTest(name=name, mode="forward"):
                self.assert_challenge(self.forward(field, marker="badcreds"))
            with self.subTest(name=name, mode="connect"):
                self.assert_challenge(self.connect(field))
        self.assertNotIn("/echo?badcreds", self.origin_targets())

    def test_right_credentials_forward_and_strip(self):
        """curl --proxy-user forwards; the origin never sees Proxy-Authorization."""
        result = curl("-x", self.proxy.url, "--proxy-user", "user:pass",
                      self.origin.url("/echo?goodcreds"))
        self.assertCurlOk(result)
        info = json.loads(result.stdout)
        self.assertEqual(info["target"], "/echo?goodcreds")
        names = [name.lower() for name, _ in info["headers"]]
        self.assertNotIn("proxy-authorization", names)

    def test_right_credentials_connect_https(self):
        """curl --proxytunnel --proxy-user reaches the HTTPS origin through CONNECT."""
        result = curl("-x", self.proxy.url, "--proxytunnel", "--proxy-user", "user:pass",
                      "--cacert", str(self.ca.ca_pem), self.tls_origin.url("/echo", "localhost"))
        self.assertCurlOk(result)
        self.assertEqual(json.loads(result.stdout)["target"], "/echo")

    def test_right_credentials_tunnel_plain_http(self):
        """--proxytunnel to a plain-HTTP origin: the origin sees no Proxy-Authorization."""
        result = curl("-x", self.proxy.url, "--proxytunnel", "--proxy-user", "user:pass",
                      self.origin.url("/echo?tunnelled"))
        self.assertCurlOk(result)
        names = [name.lower() for name, _ in json.loads(result.stdout)["headers"]]
        self.assertNotIn("proxy-authorization", names)

    def test_requests_with_credentials_in_proxy_url(self):
        """Python requests with http://user:pass@proxy is accepted."""
        with requests.Session() as session:
            session.trust_env = False
            response = session.get(self.origin.url("/echo?requests"),
                                   proxies={"http": self.proxy.url_with_credentials("user:pass")},
                                   timeout=harness.STEP_TIMEOUT)
        self.assertEqual(response.status_code, 200)


if __name__ == "__main__":
    unittest.main()
