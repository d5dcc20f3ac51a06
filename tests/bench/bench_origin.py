"""The loopback origin of the benchmark suite: nginx (Debian's nginx-light)
with TLS from a throwaway CA, keep-alive, fixed-size files and a wildcard
certificate (*.bench.test) so every connection can name a new host.

The generator connects to 127.0.0.1 and sends the host name only in SNI and
Host (and proxies are sent `CONNECT 127.0.0.1:PORT`), so no name has to
resolve: /etc/hosts is never touched. Spyglass and mitmproxy take the host
to mint a certificate for, and to verify the origin against, from the SNI.
"""

import os
import shutil
import socket
import subprocess
import time

KIB = 1024
MIB = 1024 * 1024
FILES = {"1k": KIB, "64k": 64 * KIB, "16m": 16 * MIB, "256m": 256 * MIB}
SMOKE_FILES = ("1k", "64k")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, proc=None, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.05)
    return False


def run(cmd, **kw):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, **kw)


def make_pki(d):
    """A throwaway CA and one ECDSA leaf for *.bench.test, bench.test,
    localhost and 127.0.0.1, valid for two days."""
    os.makedirs(d, exist_ok=True)
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    run(["openssl", "req", "-x509", *ec, "-keyout", f"{d}/ca.key", "-out", f"{d}/ca.pem",
         "-days", "2", "-subj", "/CN=Spyglass bench throwaway CA",
         "-addext", "basicConstraints=critical,CA:TRUE",
         "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
    run(["openssl", "req", *ec, "-keyout", f"{d}/leaf.key", "-out", f"{d}/leaf.csr",
         "-subj", "/CN=bench.test"])
    with open(f"{d}/leaf.ext", "w") as f:
        f.write("subjectAltName=DNS:*.bench.test,DNS:bench.test,DNS:localhost,IP:127.0.0.1\n"
                "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n"
                "extendedKeyUsage=serverAuth\n")
    run(["openssl", "x509", "-req", "-in", f"{d}/leaf.csr", "-CA", f"{d}/ca.pem",
         "-CAkey", f"{d}/ca.key", "-set_serial", str(int.from_bytes(os.urandom(8), "big")),
         "-days", "2", "-sha256", "-extfile", f"{d}/leaf.ext", "-out", f"{d}/leaf.pem"])
    with open(f"{d}/chain.pem", "w") as out:
        for name in ("leaf.pem", "ca.pem"):
            with open(f"{d}/{name}") as f:
                out.write(f.read())
    return f"{d}/ca.pem"


def write_files(www, names):
    os.makedirs(www, exist_ok=True)
    block = os.urandom(MIB)
    for name in names:
        size = FILES[name]
        path = os.path.join(www, name)
        if os.path.exists(path) and os.path.getsize(path) == size:
            continue
        with open(path, "wb") as f:
            left = size
            while left:
                n = min(left, len(block))
                f.write(block[:n])
                left -= n
        os.chmod(path, 0o644)


def find_nginx():
    return shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)


class Nginx:
    """nginx in the foreground (daemon off), one worker, its own prefix."""

    def __init__(self, workdir, smoke, tickets=False):
        self.dir = os.path.join(workdir, "nginx")
        self.smoke = smoke
        # Off by default: every handshake is a full one, for every proxy.
        # On (--origin-tickets), a proxy that resumes its own upstream
        # sessions (Spyglass intercepting) skips the origin's certificate.
        self.tickets = tickets
        self.proc = None
        self.tls_port = free_port()
        self.plain_port = free_port()
        self.ca = None

    def start(self):
        d = self.dir
        os.makedirs(f"{d}/logs", exist_ok=True)
        self.ca = make_pki(f"{d}/pki")
        write_files(f"{d}/www", SMOKE_FILES if self.smoke else FILES)
        # The worker runs as nobody when started by root: it must read www.
        for path in (d, f"{d}/www"):
            os.chmod(path, 0o755)
        os.chmod(os.path.dirname(d), 0o755)
        conf = f"""
worker_processes 1;
daemon off;
pid {d}/nginx.pid;
error_log {d}/logs/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_timeout 600s;
    keepalive_requests 100000000;
    default_type application/octet-stream;
    client_body_temp_path {d}/tmp-body;
    proxy_temp_path {d}/tmp-proxy;
    fastcgi_temp_path {d}/tmp-fastcgi;
    uwsgi_temp_path {d}/tmp-uwsgi;
    scgi_temp_path {d}/tmp-scgi;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_session_cache off;
    ssl_session_tickets {"on" if self.tickets else "off"};
    server {{
        listen 127.0.0.1:{self.tls_port} ssl default_server;
        listen 127.0.0.1:{self.plain_port} default_server;
        server_name _;
        ssl_certificate {d}/pki/chain.pem;
        ssl_certificate_key {d}/pki/leaf.key;
        root {d}/www;
        location / {{ }}
    }}
}}
"""
        with open(f"{d}/nginx.conf", "w") as f:
            f.write(conf)
        self.proc = subprocess.Popen(
            [find_nginx(), "-p", d, "-c", f"{d}/nginx.conf", "-e", f"{d}/logs/error.log"],
            stdout=subprocess.DEVNULL, stderr=open(f"{d}/logs/stderr.log", "w"))
        if not (wait_port(self.tls_port, self.proc) and wait_port(self.plain_port, self.proc)):
            raise RuntimeError("nginx did not start; see " + f"{d}/logs/")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def version(self):
        out = subprocess.run([find_nginx(), "-v"], capture_output=True, text=True)
        return (out.stderr or out.stdout).strip().replace("nginx version: ", "")
