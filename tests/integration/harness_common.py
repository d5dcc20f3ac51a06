"""Constants, environment, data and real-client helpers shared by the harness."""

import functools
import hashlib
import os
import random
import re
import shutil
import socket
import ssl
import subprocess
from pathlib import Path

# Upper bound for any single network step (a connect, a response, a line).
STEP_TIMEOUT = 15.0
# Upper bound for a whole client process (curl, openssl).
PROCESS_TIMEOUT = 90.0
# How long a proxy gets to exit after SIGTERM/SIGINT before it is killed.
EXIT_TIMEOUT = 10.0

# A name that fails to resolve without any network traffic: its 64-octet
# label (the limit is 63) makes glibc's getaddrinfo fail before it builds a
# query. Names under .invalid are NOT used: on the reference machine glibc
# sends those to the configured (non-loopback) DNS server (checked with
# strace), which these tests must never talk to.
UNRESOLVABLE = "a" * 64 + ".invalid"

_PROXY_ENV_VARS = (
    "http_proxy", "https_proxy", "all_proxy", "no_proxy", "ftp_proxy",
    "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "FTP_PROXY",
)

LISTENING_RE = re.compile(r"listening on (\S+)$")
EXCHANGE_RE = re.compile(
    r"^(?P<time>\d\d:\d\d:\d\d\.\d{3}) (?P<client>\S+) (?P<method>\S+) "
    r"(?P<target>\S+) (?P<status>\d{3}|-) up=(?P<up>\d+) down=(?P<down>\d+) "
    r"time=(?P<ms>\d+)ms (?P<mode>tunnel|forward|intercepted)"
    r'(?: note="(?P<note>[^"]*)")?(?: error="(?P<error>.*)")?$'
)


def clean_env():
    """The environment for child processes, without proxy variables."""
    env = {k: v for k, v in os.environ.items() if k not in _PROXY_ENV_VARS}
    env["LC_ALL"] = "C"
    return env


for _name in _PROXY_ENV_VARS:
    os.environ.pop(_name, None)


def require_tool(name):
    """Path of an external tool; fails (never skips) when it is missing."""
    path = shutil.which(name)
    if path is None:
        raise AssertionError(f"required tool '{name}' is not installed "
                             f"(PATH={os.environ.get('PATH')})")
    return path


def cli_path():
    """Path of spyglass-cli from $SPYGLASS_CLI, else the dev build."""
    path = os.environ.get("SPYGLASS_CLI")
    if not path:
        path = str(Path(__file__).resolve().parents[2] / "build/dev/app/spyglass-cli")
    if not os.access(path, os.X_OK):
        raise AssertionError(f"spyglass-cli not found or not executable at {path!r}; "
                             "set SPYGLASS_CLI or build the spyglass-cli target")
    return path


# ---------------------------------------------------------------- data

@functools.lru_cache(maxsize=8)
def payload(size, seed=1):
    """Deterministic pseudo-random bytes of a given size."""
    return random.Random(seed).randbytes(size)


def sha256_hex(data):
    return hashlib.sha256(data).hexdigest()


def file_sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def free_loopback_port_is_v6_capable():
    """True if ::1 can be bound here (it is on the reference machine)."""
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
        return True
    except OSError:
        return False


# ---------------------------------------------------------------- certificates

class TestCA:
    """A throwaway CA and a server leaf for localhost, 127.0.0.1 and ::1."""

    def __init__(self, directory):
        self.dir = Path(directory)
        self.ca_pem = self.dir / "origin-ca.pem"
        self.ca_key = self.dir / "origin-ca.key"
        self.leaf_pem = self.dir / "origin-leaf.pem"
        self.leaf_key = self.dir / "origin-leaf.key"
        self._create()

    def _openssl(self, *args):
        result = subprocess.run([require_tool("openssl"), *args], cwd=self.dir,
                                capture_output=True, timeout=PROCESS_TIMEOUT, env=clean_env())
        if result.returncode != 0:
            raise AssertionError(f"openssl {' '.join(args)} failed: {result.stderr.decode()}")

    def _create(self):
        ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
        self._openssl("req", "-x509", *ec, "-keyout", str(self.ca_key), "-out", str(self.ca_pem),
                      "-days", "2", "-subj", "/CN=Spyglass Integration Test CA",
                      "-addext", "basicConstraints=critical,CA:TRUE",
                      "-addext", "keyUsage=critical,keyCertSign,cRLSign")
        csr = self.dir / "origin-leaf.csr"
        self._openssl("req", "-new", *ec, "-keyout", str(self.leaf_key), "-out", str(csr),
                      "-subj", "/CN=localhost")
        ext = self.dir / "leaf.ext"
        ext.write_text("subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\n"
                       "basicConstraints=critical,CA:FALSE\n"
                       "keyUsage=critical,digitalSignature\n"
                       "extendedKeyUsage=serverAuth\n")
        serial = "0x" + os.urandom(12).hex()
        self._openssl("x509", "-req", "-in", str(csr), "-CA", str(self.ca_pem),
                      "-CAkey", str(self.ca_key), "-set_serial", serial, "-days", "2",
                      "-sha256", "-extfile", str(ext), "-out", str(self.leaf_pem))

    def server_context(self):
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(str(self.leaf_pem), str(self.leaf_key))
        return context

    def client_context(self):
        context = ssl.create_default_context(cafile=str(self.ca_pem))
        return context


# ---------------------------------------------------------------- real clients

def curl(*args, timeout=PROCESS_TIMEOUT):
    """Runs curl (no curlrc, silent but errors shown) with a bounded time."""
    command = [require_tool("curl"), "-q", "-sS", "--max-time", str(int(timeout)),
               "--connect-timeout", str(int(STEP_TIMEOUT)), *args]
    return subprocess.run(command, capture_output=True, timeout=timeout + 15,
                          env=clean_env(), stdin=subprocess.DEVNULL)


def openssl(*args, input_bytes=b"", timeout=PROCESS_TIMEOUT):
    command = [require_tool("openssl"), *args]
    return subprocess.run(command, capture_output=True, timeout=timeout, input=input_bytes,
                          env=clean_env())


def describe(result):
    """Text for a failed CompletedProcess."""
    return (f"command: {' '.join(map(str, result.args))}\nexit: {result.returncode}\n"
            f"stderr:\n{result.stderr.decode('utf-8', 'replace')[-3000:]}")
