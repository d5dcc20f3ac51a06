"""TLS origins and broken certificates for the interception tests (issue 4).

- ``BadCertificates``: server leaves that fail verification for exactly one
  reason each (expired, not yet valid, wrong host, self-signed, unknown
  issuer); everything else about them is right, and all but the last two are
  issued by the good ``TestCA`` that the proxy is told to trust.
- ``RawTlsOrigin``: a small TLS origin written on raw sockets for what
  ``HttpOrigin`` cannot do: a chunked response with trailer fields, and a
  WebSocket echo endpoint.
- ``leaf_fingerprint`` / ``pem_blocks``: SHA-256 of certificates.
"""

import hashlib
import re
import socket
import ssl
import subprocess
import threading
from pathlib import Path

import harness_websocket as ws
from harness_common import (PROCESS_TIMEOUT, STEP_TIMEOUT, clean_env, payload, require_tool,
                            sha256_hex)

_EC = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
_LEAF_EXT = ("basicConstraints=critical,CA:FALSE\n"
             "keyUsage=critical,digitalSignature\n"
             "extendedKeyUsage=serverAuth\n")
_CA_CONFIG = """[ ca ]
default_ca = test_ca
[ test_ca ]
database = index.txt
serial = serial
new_certs_dir = .
default_md = sha256
policy = policy_any
unique_subject = no
copy_extensions = none
[ policy_any ]
commonName = supplied
"""


def pem_blocks(text):
    """The PEM certificate blocks in text, in order."""
    return re.findall(r"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", text, re.S)


def fingerprint_of_pem(pem):
    """SHA-256 (hex, upper case) of one PEM certificate's DER."""
    return hashlib.sha256(ssl.PEM_cert_to_DER_cert(pem)).hexdigest().upper()


def leaf_fingerprint(path):
    return fingerprint_of_pem(pem_blocks(Path(path).read_text())[0])


class BadCertificates:
    """Leaves for localhost (127.0.0.1, ::1) that each fail verification once."""

    KINDS = ("expired", "not_yet_valid", "wrong_host", "self_signed", "unknown_issuer")

    def __init__(self, directory, good_ca):
        self.dir = Path(directory)
        self.good_ca = good_ca
        (self.dir / "ca.cnf").write_text(_CA_CONFIG)
        (self.dir / "index.txt").write_text("")
        (self.dir / "serial").write_text("01\n")
        self.paths = {}
        self._sign_with_dates("expired", "20200101000000Z", "20200102000000Z")
        self._sign_with_dates("not_yet_valid", "20990101000000Z", "20990102000000Z")
        self._wrong_host()
        self._self_signed()
        self._unknown_issuer()

    def _openssl(self, *args):
        result = subprocess.run([require_tool("openssl"), *args], cwd=self.dir,
                                capture_output=True, timeout=PROCESS_TIMEOUT, env=clean_env())
        if result.returncode != 0:
            raise AssertionError(f"openssl {' '.join(args)} failed: {result.stderr.decode()}")

    def _ext(self, name, san="DNS:localhost,IP:127.0.0.1,IP:::1"):
        path = self.dir / f"{name}.ext"
        path.write_text(f"subjectAltName={san}\n" + _LEAF_EXT)
        return path

    def _csr(self, name, cn="localhost"):
        key = self.dir / f"{name}.key"
        csr = self.dir / f"{name}.csr"
        self._openssl("req", "-new", *_EC, "-keyout", str(key), "-out", str(csr),
                      "-subj", f"/CN={cn}")
        return key, csr

    def _sign_with_dates(self, name, start, end):
        """`openssl x509 -req` cannot date a certificate in the past; `openssl ca` can."""
        key, csr = self._csr(name)
        leaf = self.dir / f"{name}.pem"
        self._openssl("ca", "-batch", "-config", "ca.cnf", "-cert", str(self.good_ca.ca_pem),
                      "-keyfile", str(self.good_ca.ca_key), "-in", str(csr), "-out", str(leaf),
                      "-startdate", start, "-enddate", end, "-extfile", str(self._ext(name)),
                      "-notext", "-rand_serial")
        self.paths[name] = (leaf, key)

    def _sign(self, name, csr, ca_pem, ca_key, ext):
        leaf = self.dir / f"{name}.pem"
        self._openssl("x509", "-req", "-in", str(csr), "-CA", str(ca_pem), "-CAkey", str(ca_key),
                      "-CAcreateserial", "-days", "2", "-sha256", "-extfile", str(ext),
                      "-out", str(leaf))
        return leaf

    def _wrong_host(self):
        key, csr = self._csr("wrong_host", cn="wrong.test")
        leaf = self._sign("wrong_host", csr, self.good_ca.ca_pem, self.good_ca.ca_key,
                          self._ext("wrong_host", san="DNS:wrong.test"))
        self.paths["wrong_host"] = (leaf, key)

    def _self_signed(self):
        key = self.dir / "self_signed.key"
        leaf = self.dir / "self_signed.pem"
        self._openssl("req", "-x509", *_EC, "-keyout", str(key), "-out", str(leaf), "-days", "2",
                      "-subj", "/CN=localhost",
                      "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1",
                      "-addext", "extendedKeyUsage=serverAuth")
        self.paths["self_signed"] = (leaf, key)

    def _unknown_issuer(self):
        ca_key = self.dir / "unknown-ca.key"
        ca_pem = self.dir / "unknown-ca.pem"
        self._openssl("req", "-x509", *_EC, "-keyout", str(ca_key), "-out", str(ca_pem),
                      "-days", "2", "-subj", "/CN=Spyglass Integration Unknown CA",
                      "-addext", "basicConstraints=critical,CA:TRUE",
                      "-addext", "keyUsage=critical,keyCertSign,cRLSign")
        key, csr = self._csr("unknown_issuer")
        leaf = self._sign("unknown_issuer", csr, ca_pem, ca_key, self._ext("unknown_issuer"))
        self.paths["unknown_issuer"] = (leaf, key)

    def server_context(self, kind):
        leaf, key = self.paths[kind]
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(str(leaf), str(key))
        return context


class _Conn:
    """A TLS connection on the origin side with a read buffer."""

    def __init__(self, sock):
        self.sock = sock
        self.buffer = bytearray()

    def fill(self):
        data = self.sock.recv(65536)
        if not data:
            raise ConnectionError("EOF")
        self.buffer += data

    def read_exact(self, size):
        while len(self.buffer) < size:
            self.fill()
        data = bytes(self.buffer[:size])
        del self.buffer[:size]
        return data

    def read_head(self, limit=64 * 1024):
        while b"\r\n\r\n" not in self.buffer:
            if len(self.buffer) > limit:
                raise ConnectionError("head too long")
            self.fill()
        end = self.buffer.index(b"\r\n\r\n") + 4
        head = bytes(self.buffer[:end])
        del self.buffer[:end]
        return head


def _parse_request_head(head):
    lines = head.decode("latin-1").split("\r\n")
    method, target, version = lines[0].split(" ", 2)
    headers = []
    for line in lines[1:]:
        if line:
            name, _, value = line.partition(":")
            headers.append((name.strip(), value.strip()))
    return method, target, version, headers


def _header(headers, name):
    values = [v for k, v in headers if k.lower() == name.lower()]
    return ", ".join(values) if values else None


class RawTlsOrigin:
    """A TLS origin on 127.0.0.1 with two routes, written on raw sockets.

    - ``GET /trailers/N``: N bytes of ``payload(N, 5)`` as a chunked body
      whose last chunk carries the trailer fields ``X-Body-Sha256`` (the
      body's SHA-256) and ``X-Trailer-Two: yes``.
    - ``GET /ws``: a WebSocket (RFC 6455) endpoint that echoes each data
      frame back unmasked and answers a close with a close.

    ``requests`` records (method, target, headers) for each request head;
    ``notes`` records what the WebSocket side saw.
    """

    def __init__(self, tls_context):
        self.tls_context = tls_context
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.listener.settimeout(0.1)
        self.port = self.listener.getsockname()[1]
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.connections = []
        self.requests = []
        self.notes = []
        self.thread = threading.Thread(target=self._accept_loop, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def url(self, path, host="localhost"):
        return f"https://{host}:{self.port}{path}"

    def seen(self):
        with self.lock:
            return list(self.requests), list(self.notes)

    def _note(self, event):
        with self.lock:
            self.notes.append(event)

    def _accept_loop(self):
        while not self.stopping.is_set():
            try:
                conn, _ = self.listener.accept()
            except (socket.timeout, OSError):
                continue
            conn.settimeout(STEP_TIMEOUT * 2)
            with self.lock:
                self.connections.append(conn)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, raw):
        try:
            sock = self.tls_context.wrap_socket(raw, server_side=True)
        except (OSError, ssl.SSLError):
            raw.close()
            return
        conn = _Conn(sock)
        try:
            for _ in range(100):
                method, target, _version, headers = _parse_request_head(conn.read_head())
                with self.lock:
                    self.requests.append((method, target, headers))
                path = target.split("?")[0]
                if path == "/ws":
                    self._websocket(conn, headers)
                    return
                if path.startswith("/trailers/"):
                    self._trailers(conn, int(path.rsplit("/", 1)[1]), method)
                else:
                    body = b"no such route\n"
                    sock.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\n"
                                 b"Content-Length: %d\r\n\r\n" % len(body) + body)
        except (OSError, ValueError, ssl.SSLError):
            pass
        finally:
            try:
                sock.close()
            except OSError:
                pass

    @staticmethod
    def _trailers(conn, size, method):
        data = payload(size, 5)
        head = (b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
                b"Transfer-Encoding: chunked\r\nTrailer: X-Body-Sha256, X-Trailer-Two\r\n\r\n")
        if method == "HEAD":
            conn.sock.sendall(head)
            return
        out = bytearray(head)
        offset = 0
        for piece_size in [1, 10, 1000] + [16384] * 1_000_000:
            if offset >= len(data):
                break
            piece = data[offset:offset + piece_size]
            out += b"%x\r\n" % len(piece) + piece + b"\r\n"
            offset += len(piece)
        out += (b"0\r\nX-Body-Sha256: " + sha256_hex(data).encode()
                + b"\r\nX-Trailer-Two: yes\r\n\r\n")
        conn.sock.sendall(out)

    def _websocket(self, conn, headers):
        key = _header(headers, "Sec-WebSocket-Key")
        upgrade = (_header(headers, "Upgrade") or "").lower()
        connection = [t.strip().lower() for t in (_header(headers, "Connection") or "").split(",")]
        self._note(("handshake", upgrade, connection, key))
        if key is None or upgrade != "websocket" or "upgrade" not in connection:
            body = b"not a websocket upgrade\n"
            conn.sock.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\n"
                              b"Connection: close\r\nContent-Length: %d\r\n\r\n" % len(body)
                              + body)
            return
        conn.sock.sendall(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                          b"Connection: Upgrade\r\nSec-WebSocket-Accept: "
                          + ws.accept_for(key).encode() + b"\r\n\r\n")
        for _ in range(10_000):
            _fin, opcode, data, masked = ws.read_frame(conn.read_exact)
            self._note(("frame", opcode, len(data), masked))
            if opcode == ws.OP_CLOSE:
                conn.sock.sendall(ws.encode_frame(ws.OP_CLOSE, data[:2]))
                return
            if opcode == ws.OP_PING:
                conn.sock.sendall(ws.encode_frame(ws.OP_PONG, data))
            elif opcode in (ws.OP_TEXT, ws.OP_BINARY):
                conn.sock.sendall(ws.encode_frame(opcode, data))

    def stop(self):
        self.stopping.set()
        self.thread.join(5.0)
        self.listener.close()
        with self.lock:
            for conn in self.connections:
                try:
                    conn.close()
                except OSError:
                    pass
