"""Shared fixtures for the Spyglass integration tests (the one import for tests).

Everything runs on loopback only (127.0.0.1 and ::1), binds ephemeral
ports, bounds every loop in count and time, and cleans up every process and
socket it creates.  Pieces (each in its own module, re-exported here):

- ``ProxyProcess`` (harness_proxy): one ``spyglass-cli run``, stdout parsed.
- ``HttpOrigin`` (harness_http_origin): a threaded HTTP/1.1 origin, plain or
  TLS, on one port of both 127.0.0.1 and ::1, with routes that echo what
  arrived and serve deterministic bodies in every framing.
- ``TcpOrigin``, ``StalledListener``, ``RefusingPort`` (harness_tcp): raw TCP
  origins, a listener whose full accept queue drops SYNs, a refusing port.
- ``RawHttpClient`` (harness_rawhttp): exact bytes out, framed responses in.
- ``TestCA``, ``curl``, ``openssl`` (harness_common): a throwaway CA and real
  clients run with bounded time.
- ``IntegrationCase``: the unittest base class that owns fixtures.
"""

import shutil
import tempfile
import unittest
from pathlib import Path

from harness_common import (EXCHANGE_RE, EXIT_TIMEOUT, LISTENING_RE, PROCESS_TIMEOUT,
                            STEP_TIMEOUT, UNRESOLVABLE, TestCA, clean_env, cli_path, curl,
                            describe, file_sha256, free_loopback_port_is_v6_capable, openssl,
                            payload, require_tool, sha256_hex)
from harness_http_origin import HttpOrigin, OriginHandler, OriginState
from harness_proxy import ExchangeLine, ProxyProcess, run_cli
from harness_rawhttp import (HttpResponse, RawHttpClient, connect_request, get_request,
                             open_tunnel, parse_head)
from harness_tcp import (RefusingPort, StalledListener, TcpOrigin,
                         digest_until_eof_handler, echo_handler)

__all__ = [
    "EXCHANGE_RE",
    "EXIT_TIMEOUT",
    "ExchangeLine",
    "HttpOrigin",
    "HttpResponse",
    "LISTENING_RE",
    "OriginHandler",
    "OriginState",
    "PROCESS_TIMEOUT",
    "ProxyProcess",
    "RawHttpClient",
    "RefusingPort",
    "STEP_TIMEOUT",
    "StalledListener",
    "TcpOrigin",
    "TestCA",
    "UNRESOLVABLE",
    "clean_env",
    "cli_path",
    "connect_request",
    "curl",
    "describe",
    "digest_until_eof_handler",
    "echo_handler",
    "file_sha256",
    "free_loopback_port_is_v6_capable",
    "get_request",
    "open_tunnel",
    "openssl",
    "parse_head",
    "payload",
    "require_tool",
    "run_cli",
    "sha256_hex",
    "IntegrationCase",
]


class IntegrationCase(unittest.TestCase):
    """Base class: class-level fixtures registered for cleanup as they start."""

    maxDiff = 4000

    @classmethod
    def temp_dir(cls):
        path = tempfile.mkdtemp(prefix="spyglass-it-")
        cls.addClassCleanup(shutil.rmtree, path, True)
        return Path(path)

    @classmethod
    def make_ca(cls):
        return TestCA(cls.temp_dir())

    @classmethod
    def start_proxy(cls, *options, listen="127.0.0.1:0"):
        proxy = ProxyProcess(*options, listen=listen).start()
        cls.addClassCleanup(proxy.stop_checked)
        return proxy

    @classmethod
    def start_origin(cls, tls_context=None):
        origin = HttpOrigin(tls_context)
        origin.start()
        cls.addClassCleanup(origin.stop)
        return origin

    @classmethod
    def start_tcp_origin(cls, handler, host="127.0.0.1"):
        origin = TcpOrigin(handler, host)
        cls.addClassCleanup(origin.stop)
        return origin.start()

    @classmethod
    def stalled_listener(cls):
        listener = StalledListener()
        cls.addClassCleanup(listener.close)
        return listener

    @classmethod
    def refusing_port(cls, host="127.0.0.1"):
        port = RefusingPort(host)
        cls.addClassCleanup(port.close)
        return port

    def start_local_proxy(self, *options, listen="127.0.0.1:0"):
        """A proxy owned by one test; stopped (and checked) in its cleanup."""
        proxy = ProxyProcess(*options, listen=listen)
        self.addCleanup(proxy.kill)
        return proxy.start()

    def raw(self, proxy):
        client = RawHttpClient.to_proxy(proxy)
        self.addCleanup(client.close)
        return client

    def assertCurlOk(self, result):
        self.assertEqual(result.returncode, 0, describe(result))

    def assertReadableError(self, response, status):
        """The response has the status and a non-empty readable text body."""
        self.assertEqual(response.status, status, response.head + response.body[:500])
        content_type = response.header("Content-Type") or ""
        self.assertTrue(content_type.startswith("text/"),
                        f"error body should be text, Content-Type={content_type!r}")
        self.assertTrue(response.body.strip(), "error response has an empty body")
        response.body.decode("utf-8")
