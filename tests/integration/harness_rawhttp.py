"""A socket client that sends exact bytes and reads exactly framed HTTP/1 responses."""

import json
import select
import socket
from dataclasses import dataclass, field

from harness_common import STEP_TIMEOUT

@dataclass
class HttpResponse:
    version: str
    status: int
    reason: str
    headers: list = field(default_factory=list)
    body: bytes = b""
    head: bytes = b""

    def header(self, name):
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    def header_names(self):
        return [key.lower() for key, _ in self.headers]

    def text(self):
        return self.body.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.body)


def parse_head(head):
    """Parses a response head (bytes ending with CRLFCRLF)."""
    lines = head.decode("latin-1").split("\r\n")
    version, _, rest = lines[0].partition(" ")
    status, _, reason = rest.partition(" ")
    headers = []
    for line in lines[1:]:
        if line:
            name, _, value = line.partition(":")
            headers.append((name, value.strip()))
    return HttpResponse(version=version, status=int(status), reason=reason, headers=headers,
                        head=head)


class RawHttpClient:
    """A plain socket client that reads exactly framed HTTP/1 responses."""

    def __init__(self, host, port, timeout=STEP_TIMEOUT):
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.sock = socket.socket(family, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        self.sock.connect((host, port))
        self.buffer = bytearray()
        self.eof = False

    @classmethod
    def to_proxy(cls, proxy, timeout=STEP_TIMEOUT):
        return cls(proxy.host, proxy.port, timeout)

    @property
    def local_address(self):
        host, port = self.sock.getsockname()[:2]
        return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        self.sock.close()

    def send(self, data):
        self.sock.sendall(data)

    def _fill(self):
        data = self.sock.recv(256 * 1024)
        if not data:
            self.eof = True
            return False
        self.buffer += data
        return True

    def read_head(self, limit=1 << 20):
        """Bytes up to and including the blank line; fails on EOF."""
        while b"\r\n\r\n" not in self.buffer:
            if len(self.buffer) > limit or not self._fill():
                raise ConnectionError("connection closed before a complete head; "
                                      f"got {bytes(self.buffer)[:300]!r}")
        end = self.buffer.index(b"\r\n\r\n") + 4
        head = bytes(self.buffer[:end])
        del self.buffer[:end]
        return head

    def read_exact(self, size):
        while len(self.buffer) < size:
            if not self._fill():
                raise ConnectionError(f"EOF after {len(self.buffer)} of {size} bytes")
        data = bytes(self.buffer[:size])
        del self.buffer[:size]
        return data

    def read_line(self):
        while b"\r\n" not in self.buffer:
            if not self._fill():
                raise ConnectionError("EOF inside a line")
        end = self.buffer.index(b"\r\n") + 2
        line = bytes(self.buffer[:end])
        del self.buffer[:end]
        return line

    def read_until_eof(self, limit=256 << 20):
        while not self.eof and len(self.buffer) <= limit:
            self._fill()
        data = bytes(self.buffer)
        self.buffer.clear()
        return data

    def _read_chunked(self):
        body = bytearray()
        for _ in range(1_000_000):
            size = int(self.read_line().split(b";")[0].strip(), 16)
            if size == 0:
                break
            body += self.read_exact(size)
            self.read_exact(2)
        for _ in range(1000):
            if self.read_line() == b"\r\n":
                break
        return bytes(body)

    def read_response(self, method="GET"):
        """Reads one response; the body is framed per RFC 9112 §6.3."""
        response = parse_head(self.read_head())
        if self._has_no_body(method, response.status):
            return response
        if "chunked" in (response.header("Transfer-Encoding") or "").lower():
            response.body = self._read_chunked()
        elif response.header("Content-Length") is not None:
            response.body = self.read_exact(int(response.header("Content-Length")))
        else:
            response.body = self.read_until_eof()
        return response

    @staticmethod
    def _has_no_body(method, status):
        if method == "HEAD" or status in (204, 304) or 100 <= status < 200:
            return True
        return method == "CONNECT" and 200 <= status < 300

    def wait_readable(self, timeout):
        """True if data or EOF is pending within timeout."""
        if self.buffer or self.eof:
            return True
        readable, _, _ = select.select([self.sock], [], [], timeout)
        return bool(readable)

    def closed_by_peer(self, timeout=STEP_TIMEOUT):
        """True if the peer closes (EOF) within timeout with no further data."""
        self.sock.settimeout(timeout)
        try:
            return not self.buffer and not self._fill()
        except (ConnectionResetError, BrokenPipeError):
            return True
        except socket.timeout:
            return False


def connect_request(authority, extra=b""):
    """A CONNECT request head for host:port."""
    return (f"CONNECT {authority} HTTP/1.1\r\nHost: {authority}\r\n".encode()
            + extra + b"\r\n")


def open_tunnel(proxy, authority, extra=b""):
    """Opens a CONNECT tunnel through proxy; returns (client, response)."""
    client = RawHttpClient.to_proxy(proxy)
    client.send(connect_request(authority, extra))
    response = client.read_response("CONNECT")
    return client, response


def get_request(url, host_header=None, extra=b"", version="HTTP/1.1"):
    """An absolute-form GET for url with an optional Host override."""
    authority = url.split("/")[2]
    host = host_header or authority
    return f"GET {url} {version}\r\nHost: {host}\r\n".encode() + extra + b"\r\n"
