#!/usr/bin/env python3
"""Real-verifier checks for Spyglass certificates, driven by Qt tests.

  tls_check.py verify --ca CA.pem --key KEY.pem [--expect-fail] NAME=CHAIN.pem ...
      For each pair: serve CHAIN.pem + KEY.pem from a TLS server on
      127.0.0.1:<ephemeral>, connect with Python's ssl module trusting only
      CA.pem (VERIFY_X509_STRICT, hostname checking on), with NAME as
      server_hostname. Prints one line per name; exit 0 when every handshake
      had the expected outcome.

  tls_check.py serve --cert CHAIN.pem --key KEY.pem [--max-seconds N]
      HTTPS server on 127.0.0.1:<ephemeral> answering "spyglass-ok"; prints
      "PORT <n>" and serves until killed or N seconds pass (default 120).

  tls_check.py client-default --port N --name NAME
      A client that trusts only the platform's default store
      (ssl.create_default_context() with no cafile): exit 0 when the
      handshake and hostname check pass.

Loopback only, every socket has a timeout, every loop is bounded.
"""
import argparse
import socket
import ssl
import sys
import threading
import time

TIMEOUT = 10.0


def server_context(chain, key):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(chain, key)
    return ctx


def one_handshake(ca, chain, key, name):
    """Returns None on success or the error text."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.settimeout(TIMEOUT)
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]
    sctx = server_context(chain, key)

    def serve():
        try:
            conn, _ = listener.accept()
            conn.settimeout(TIMEOUT)
            with sctx.wrap_socket(conn, server_side=True) as tls:
                tls.sendall(b"ok")
        except (OSError, ssl.SSLError):
            pass  # the client's view is what the test judges
        finally:
            listener.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    cctx = ssl.create_default_context(cafile=ca)  # trusts only the exported CA
    cctx.verify_flags |= ssl.VERIFY_X509_STRICT
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as raw:
            with cctx.wrap_socket(raw, server_hostname=name) as tls:
                if tls.recv(2) != b"ok":
                    return "no payload after handshake"
        return None
    except (OSError, ssl.SSLError, ssl.CertificateError) as exc:
        return f"{type(exc).__name__}: {exc}"
    finally:
        thread.join(TIMEOUT)


def cmd_verify(args):
    failures = 0
    for pair in args.pairs:
        name, _, chain = pair.partition("=")
        err = one_handshake(args.ca, chain, args.key, name)
        ok = (err is None) != args.expect_fail
        print(f"{'OK' if ok else 'FAIL'} {name}: {err or 'verified'}", flush=True)
        failures += 0 if ok else 1
    return 1 if failures else 0


def cmd_serve(args):
    sctx = server_context(args.cert, args.key)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(1.0)
    print(f"PORT {listener.getsockname()[1]}", flush=True)
    deadline = time.monotonic() + args.max_seconds
    while time.monotonic() < deadline:
        try:
            conn, _ = listener.accept()
        except socket.timeout:
            continue
        conn.settimeout(TIMEOUT)
        try:
            with sctx.wrap_socket(conn, server_side=True) as tls:
                tls.recv(4096)
                body = b"spyglass-ok\n"
                tls.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n"
                            b"Connection: close\r\n\r\n%s" % (len(body), body))
        except (OSError, ssl.SSLError):
            pass  # a client that rejects our certificate aborts the handshake
    return 0


def cmd_client_default(args):
    ctx = ssl.create_default_context()  # the platform's default trust store only
    try:
        with socket.create_connection(("127.0.0.1", args.port), timeout=TIMEOUT) as raw:
            with ctx.wrap_socket(raw, server_hostname=args.name) as tls:
                tls.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                data = tls.recv(4096)
        print("OK" if b"spyglass-ok" in data else "FAIL no body", flush=True)
        return 0 if b"spyglass-ok" in data else 1
    except (OSError, ssl.SSLError, ssl.CertificateError) as exc:
        print(f"FAIL {type(exc).__name__}: {exc}", flush=True)
        return 1


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="cmd", required=True)
    v = sub.add_parser("verify")
    v.add_argument("--ca", required=True)
    v.add_argument("--key", required=True)
    v.add_argument("--expect-fail", action="store_true")
    v.add_argument("pairs", nargs="+")
    s = sub.add_parser("serve")
    s.add_argument("--cert", required=True)
    s.add_argument("--key", required=True)
    s.add_argument("--max-seconds", type=float, default=120.0)
    c = sub.add_parser("client-default")
    c.add_argument("--port", type=int, required=True)
    c.add_argument("--name", required=True)
    args = parser.parse_args()
    return {"verify": cmd_verify, "serve": cmd_serve, "client-default": cmd_client_default}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
