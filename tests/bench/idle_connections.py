#!/usr/bin/env python3
"""What an open, idle keep-alive connection costs a proxy in memory (issue 7).

A browser keeps several connections per host open between requests; a
slow reader's cost (the suite's `slow` rows) includes what any open
connection holds. For each proxy this opens COUNT connections through it
(CONNECT, TLS trusting what the proxy presents, one GET of 1 KiB, response
read and checked), keeps them open and idle, and reports the proxy's RSS
growth per connection (RSS one second after they all finished their GET,
against one second before the first; a few connections are opened and
closed first, so contexts and caches exist already).

    tests/bench/idle_connections.py --build-dir build/bench [--count 100] [--peers]
    tests/bench/idle_connections.py --build-dir build/test --smoke   # CI: it still works

Python standard library only.
"""

import argparse
import os
import shutil
import socket
import ssl
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_origin import KIB, Nginx  # noqa: E402
from bench_proxies import Launcher, ProxySpec, rss_bytes  # noqa: E402

HOST = "www.bench.test"


def open_idle(proxy_port, origin_port, ca):
    """A connection through the proxy that has done one GET /1k and stays open."""
    raw = socket.create_connection(("127.0.0.1", proxy_port), timeout=30)
    target = f"127.0.0.1:{origin_port}"
    raw.sendall(f"CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n\r\n".encode())
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = raw.recv(4096)
        if not chunk:
            raise RuntimeError("the proxy closed the CONNECT")
        head += chunk
    if b" 200 " not in head.split(b"\r\n", 1)[0]:
        raise RuntimeError(f"CONNECT refused: {head[:80]!r}")
    tls = ssl.create_default_context(cafile=ca).wrap_socket(raw, server_hostname=HOST)
    tls.sendall(f"GET /1k HTTP/1.1\r\nHost: {HOST}\r\n\r\n".encode())
    response = b""
    while True:
        chunk = tls.recv(65536)
        if not chunk:
            raise RuntimeError("closed before the response ended")
        response += chunk
        head, sep, body = response.partition(b"\r\n\r\n")
        if sep and len(body) >= KIB:
            break
    if not head.startswith(b"HTTP/1.1 200") or len(body) != KIB:
        raise RuntimeError(f"bad response: {head[:80]!r}, {len(body)} body bytes")
    return tls


def measure(launcher, spec, origin, count):
    running = launcher.start(spec)
    held = []
    try:
        for _ in range(5):
            open_idle(running.port, origin.tls_port, running.client_ca).close()
        time.sleep(1.0)
        before = rss_bytes([running.pid])
        held = [open_idle(running.port, origin.tls_port, running.client_ca)
                for _ in range(count)]
        time.sleep(1.0)
        after = rss_bytes([running.pid])
        return before, after
    finally:
        for connection in held:
            connection.close()
        running.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-dir", default="build/bench")
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--peers", action="store_true", help="also squid and mitmdump")
    parser.add_argument("--smoke", action="store_true", help="3 connections: it works")
    args = parser.parse_args()
    count = 3 if args.smoke else args.count
    cli = os.path.join(args.build_dir, "app", "spyglass-cli")
    if not os.path.exists(cli):
        sys.exit(f"idle_connections: {cli} is missing; build spyglass-cli")
    specs = [ProxySpec("spyglass tunnel", "spyglass_tunnel", False),
             ProxySpec("spyglass intercept rec", "spyglass_intercept_rec", True),
             ProxySpec("spyglass intercept norec", "spyglass_intercept_norec", True)]
    if args.peers:
        if shutil.which("squid"):
            specs.append(ProxySpec("squid tunnel", "squid", False))
        if shutil.which("mitmdump"):
            specs += [ProxySpec("mitmdump passthrough", "mitmdump_passthrough", False),
                      ProxySpec("mitmdump intercept", "mitmdump_intercept", True)]

    workdir = tempfile.mkdtemp(prefix="spyglass-idle-")
    origin = Nginx(workdir, smoke=True)
    origin.start()
    try:
        launcher = Launcher(workdir, origin.ca, cli)
        print(f"{count} idle keep-alive connections (CONNECT + TLS + one GET of 1 KiB each)\n")
        print("| proxy | RSS before | RSS with them open | per connection |")
        print("|---|---:|---:|---:|")
        for spec in specs:
            before, after = measure(launcher, spec, origin, count)
            print(f"| {spec.name} | {before / 2**20:.1f} MiB | {after / 2**20:.1f} MiB"
                  f" | {(after - before) / count / KIB:.1f} KiB |", flush=True)
    finally:
        origin.stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
