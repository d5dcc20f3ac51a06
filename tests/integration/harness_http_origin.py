"""A threaded HTTP/1.1 origin (plain or TLS) on one port of 127.0.0.1 and ::1."""

import http.server
import json
import socket
import socketserver
import ssl
import threading

from harness_common import STEP_TIMEOUT, payload, sha256_hex

class OriginState:
    """What an origin saw, shared by its IPv4 and IPv6 listeners."""

    def __init__(self):
        self.lock = threading.Lock()
        self.connections = 0
        self.requests = []  # dicts as returned by /echo

    def new_connection(self):
        with self.lock:
            self.connections += 1
            return self.connections

    def record(self, info):
        with self.lock:
            self.requests.append(info)

    def snapshot(self):
        with self.lock:
            return list(self.requests)


def read_chunked(reader, limit=256 << 20):
    """Decodes a chunked body from a file-like reader (trailers discarded)."""
    body = bytearray()
    for _ in range(1_000_000):
        size_line = reader.readline(1024)
        if not size_line:
            raise ConnectionError("EOF inside chunked body")
        size = int(size_line.split(b";")[0].strip(), 16)
        if size == 0:
            break
        body += _read_exact_file(reader, size)
        _read_exact_file(reader, 2)
        if len(body) > limit:
            raise ValueError("chunked body too large")
    for _ in range(1000):
        trailer = reader.readline(8192)
        if trailer in (b"\r\n", b"\n", b""):
            break
    return bytes(body)


def _read_exact_file(reader, size):
    data = reader.read(size)
    if data is None or len(data) != size:
        raise ConnectionError("short read")
    return data


class OriginHandler(http.server.BaseHTTPRequestHandler):
    """Routes: /echo, /bytes/N[/SEED], /chunked/N, /close/N, /status/CODE, /upload."""

    protocol_version = "HTTP/1.1"
    timeout = 30
    server_version = "SpyglassTestOrigin/1"

    def setup(self):
        super().setup()
        self.connection_id = self.server.state.new_connection()

    def log_message(self, *args):
        pass

    def do_GET(self):
        self._dispatch()

    def do_HEAD(self):
        self._dispatch()

    def do_POST(self):
        self._dispatch()

    def do_PUT(self):
        self._dispatch()

    def do_DELETE(self):
        self._dispatch()

    def _read_body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return read_chunked(self.rfile)
        length = int(self.headers.get("Content-Length", "0") or 0)
        return _read_exact_file(self.rfile, length) if length else b""

    def _info(self, body):
        return {
            "request_line": self.requestline,
            "method": self.command,
            "target": self.path,
            "version": self.request_version,
            "headers": [[k, v] for k, v in self.headers.items()],
            "body_sha256": sha256_hex(body),
            "body_length": len(body),
            "connection_id": self.connection_id,
        }

    def _dispatch(self):
        body = self._read_body()
        info = self._info(body)
        self.server.state.record(info)
        path = self.path.split("?")[0]
        parts = [p for p in path.split("/") if p]
        route = parts[0] if parts else ""
        handler = {
            "echo": self._echo, "upload": self._echo, "bytes": self._bytes,
            "chunked": self._chunked, "close": self._close_delimited, "status": self._status,
        }.get(route, self._not_found)
        handler(info, parts[1:])

    def _send(self, status, body, content_type="application/octet-stream", extra=()):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in extra:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self._write(body)

    def _write(self, data):
        view = memoryview(data)
        for offset in range(0, len(view), 256 * 1024):
            self.wfile.write(view[offset:offset + 256 * 1024])

    def _echo(self, info, _args):
        self._send(200, json.dumps(info).encode(), "application/json")

    def _bytes(self, _info, args):
        size = int(args[0])
        seed = int(args[1]) if len(args) > 1 else 1
        self._send(200, payload(size, seed))

    def _chunked(self, _info, args):
        data = payload(int(args[0]), int(args[1]) if len(args) > 1 else 1)
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        if self.command == "HEAD":
            return
        sizes = [1, 7, 100, 8192]
        offset, turn = 0, 0
        while offset < len(data):
            size = sizes[turn % len(sizes)] if turn < 8 else 64 * 1024
            piece = data[offset:offset + size]
            self.wfile.write(b"%x\r\n" % len(piece) + piece + b"\r\n")
            offset += len(piece)
            turn += 1
        self.wfile.write(b"0\r\n\r\n")

    def _close_delimited(self, _info, args):
        """HTTP/1.0-style answer: no Content-Length, the close ends the body."""
        data = payload(int(args[0]), int(args[1]) if len(args) > 1 else 1)
        self.wfile.write(b"HTTP/1.0 200 OK\r\nContent-Type: application/octet-stream\r\n\r\n")
        self._write(data)
        self.close_connection = True

    def _status(self, _info, args):
        code = int(args[0])
        self.send_response(code)
        if code == 304:
            # A 304 may carry the Content-Length of the representation; it
            # still has no body (RFC 9110 §8.6). A proxy that waits for 10
            # bytes here hangs.
            self.send_header("Content-Length", "10")
            self.end_headers()
        elif code == 204 or 100 <= code < 200:
            self.end_headers()
        else:
            text = f"status {code}\n".encode()
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(text)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(text)

    def _not_found(self, _info, _args):
        self._send(404, b"no such route\n", "text/plain")


class _OriginServer(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, address, family, state, tls_context):
        self.address_family = family
        self.state = state
        self.tls_context = tls_context
        super().__init__(address, OriginHandler)

    def server_bind(self):
        # HTTPServer.server_bind would call getfqdn(), a reverse DNS lookup.
        if self.address_family == socket.AF_INET6:
            self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        socketserver.TCPServer.server_bind(self)
        self.server_name = "localhost"
        self.server_port = self.server_address[1]

    def get_request(self):
        conn, addr = self.socket.accept()
        if self.tls_context is not None:
            conn = self.tls_context.wrap_socket(conn, server_side=True,
                                                do_handshake_on_connect=False)
        return conn, addr

    def finish_request(self, request, client_address):
        request.settimeout(STEP_TIMEOUT * 2)
        if self.tls_context is not None:
            try:
                request.do_handshake()
            except (OSError, ssl.SSLError):
                return
        super().finish_request(request, client_address)

    def shutdown_request(self, request):
        # Send TLS close_notify before closing: clients such as OpenSSL 3
        # treat a bare TCP close as a truncation attack.
        if isinstance(request, ssl.SSLSocket):
            try:
                request.settimeout(2.0)
                request.unwrap()
            except (OSError, ValueError):
                pass
        super().shutdown_request(request)

    def handle_error(self, request, client_address):
        pass  # peers that vanish mid-exchange are expected in these tests


class HttpOrigin:
    """An HTTP/1.1 origin (TLS if given a context) on one port of 127.0.0.1 and ::1."""

    def __init__(self, tls_context=None):
        self.state = OriginState()
        self.tls_context = tls_context
        self.servers = []
        self.threads = []
        self.port = None

    @property
    def scheme(self):
        return "https" if self.tls_context else "http"

    def url(self, path="/", host="127.0.0.1"):
        shown = f"[{host}]" if ":" in host else host
        return f"{self.scheme}://{shown}:{self.port}{path}"

    def authority(self, host="127.0.0.1"):
        shown = f"[{host}]" if ":" in host else host
        return f"{shown}:{self.port}"

    def start(self):
        for _attempt in range(20):
            v4 = _OriginServer(("127.0.0.1", 0), socket.AF_INET, self.state, self.tls_context)
            port = v4.server_address[1]
            try:
                v6 = _OriginServer(("::1", port), socket.AF_INET6, self.state, self.tls_context)
            except OSError:
                v4.server_close()
                continue
            self.port = port
            self.servers = [v4, v6]
            break
        else:
            raise AssertionError("could not bind one port on both 127.0.0.1 and ::1")
        for server in self.servers:
            thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                                      daemon=True)
            thread.start()
            self.threads.append(thread)
        return self

    def requests(self):
        return self.state.snapshot()

    def stop(self):
        for server in self.servers:
            server.shutdown()
            server.server_close()
        for thread in self.threads:
            thread.join(5.0)
