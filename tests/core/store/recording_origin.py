"""A loopback origin for the recording tests that serves content-encoded
bodies (gzip, deflate, br, zstd) and a decompression bomb. Brotli and zstd
come from the system libraries through ctypes (libbrotli-dev and libzstd-dev
are build dependencies already), so no Python packages are needed."""

import ctypes
import ctypes.util
import gzip
import http.server
import socket
import socketserver
import threading
import zlib


def _library(name, soname):
    path = ctypes.util.find_library(name) or soname
    return ctypes.CDLL(path)


def brotli_compress(data, quality=5):
    lib = _library("brotlienc", "libbrotlienc.so.1")
    lib.BrotliEncoderMaxCompressedSize.restype = ctypes.c_size_t
    lib.BrotliEncoderMaxCompressedSize.argtypes = [ctypes.c_size_t]
    lib.BrotliEncoderCompress.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_size_t,
                                          ctypes.c_char_p, ctypes.POINTER(ctypes.c_size_t),
                                          ctypes.c_char_p]
    size = ctypes.c_size_t(lib.BrotliEncoderMaxCompressedSize(len(data)) + 1024)
    out = ctypes.create_string_buffer(size.value)
    if not lib.BrotliEncoderCompress(quality, 22, 0, len(data), data, ctypes.byref(size), out):
        raise RuntimeError("brotli compression failed")
    return out.raw[:size.value]


def zstd_compress(data, level=3):
    lib = _library("zstd", "libzstd.so.1")
    lib.ZSTD_compressBound.restype = ctypes.c_size_t
    lib.ZSTD_compressBound.argtypes = [ctypes.c_size_t]
    lib.ZSTD_compress.restype = ctypes.c_size_t
    lib.ZSTD_compress.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_char_p,
                                  ctypes.c_size_t, ctypes.c_int]
    lib.ZSTD_isError.argtypes = [ctypes.c_size_t]
    bound = lib.ZSTD_compressBound(len(data))
    out = ctypes.create_string_buffer(bound)
    size = lib.ZSTD_compress(out, bound, data, len(data), level)
    if lib.ZSTD_isError(size):
        raise RuntimeError("zstd compression failed")
    return out.raw[:size]


def encode(coding, data):
    if coding == "gzip":
        return gzip.compress(data, mtime=0)
    if coding == "deflate":
        return zlib.compress(data)
    if coding == "br":
        return brotli_compress(data)
    if coding == "zstd":
        return zstd_compress(data)
    raise ValueError(coding)


TEXT = b"".join(b"line %d: the quick brown fox jumps over the lazy dog\n" % i for i in range(2000))
# 256 MiB of zeros as gzip (about 250 KiB): decoding it whole would be a bomb.
BOMB = None
_bomb_lock = threading.Lock()


def bomb():
    global BOMB
    with _bomb_lock:
        if BOMB is None:
            compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
            chunk = bytes(1 << 20)
            BOMB = b"".join(compressor.compress(chunk) for _ in range(256)) + compressor.flush()
        return BOMB


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        parts = [p for p in self.path.split("?")[0].split("/") if p]
        if len(parts) == 2 and parts[0] == "enc":
            body = encode(parts[1], TEXT)
            coding = parts[1]
        elif parts == ["bomb"]:
            body, coding = bomb(), "gzip"
        else:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Encoding", coding)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class _Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    block_on_close = False

    def server_bind(self):
        socketserver.TCPServer.server_bind(self)  # no reverse DNS lookup
        self.server_name = "localhost"
        self.server_port = self.server_address[1]


class EncodingOrigin:
    def __init__(self):
        self.server = _Server(("127.0.0.1", 0), _Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       kwargs={"poll_interval": 0.1}, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5.0)
