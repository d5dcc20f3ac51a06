"""The proxies under test, each started on a free loopback port with its own
throwaway configuration, and a sampler of their CPU time and RSS from /proc.

A proxy is described by `ProxySpec`; `start()` returns a running instance
with `.port`, `.pid` and `.client_ca` (the CA a client must trust to talk
TLS through it: the origin's for tunnels, the proxy's own when intercepting).
"""

import os
import re
import shutil
import subprocess
import threading
import time

from bench_origin import free_port, wait_port

CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


# ---------------------------------------------------------------- sampling

def _children_map():
    kids = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(")") + 2:].split()[1])
        kids.setdefault(ppid, []).append(int(name))
    return kids


def process_tree(pid):
    kids = _children_map()
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(kids.get(p, []))
    return out


def cpu_seconds(pids):
    """utime+stime of every process (all threads), plus reaped children."""
    total = 0
    for p in pids:
        try:
            with open(f"/proc/{p}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        total += sum(int(x) for x in fields[11:15])  # utime stime cutime cstime
    return total / CLK_TCK


def rss_bytes(pids):
    total = 0
    for p in pids:
        try:
            with open(f"/proc/{p}/statm") as f:
                total += int(f.read().split()[1]) * PAGE
        except OSError:
            pass
    return total


def wait_spool_drained(pid, session, timeout=300.0):
    """Waits until a recording Spyglass has indexed what it spooled (SESSION-spool is gone).

    While every core is busy, the recorder appends records to the spool and
    indexes them into SQLite once the machine has room; that CPU belongs to
    the traffic that caused it. Returns (seconds waited, proxy CPU seconds
    used meanwhile); (0, 0) when nothing was spooled.
    """
    spool = session + "-spool"
    if not session or not os.path.exists(spool):
        return 0.0, 0.0
    pids = process_tree(pid)
    cpu0, t0 = cpu_seconds(pids), time.monotonic()
    while os.path.exists(spool) and time.monotonic() - t0 < timeout:
        time.sleep(0.05)
    return time.monotonic() - t0, cpu_seconds(pids) - cpu0


class Sampler:
    """CPU time before/after and peak RSS (every 50 ms) of a process tree."""

    def __init__(self, pid):
        self.pid = pid
        self.pids = process_tree(pid) if pid else []
        self._stop = threading.Event()
        self.peak_rss = 0
        self.cpu0 = self.cpu1 = 0.0
        self.rss_end = 0

    def __enter__(self):
        if self.pid:
            self.cpu0 = cpu_seconds(self.pids)
            self.peak_rss = rss_bytes(self.pids)
            self._thread = threading.Thread(target=self._loop, daemon=True)
            self._thread.start()
        return self

    def _loop(self):
        n = 0
        while not self._stop.wait(0.05):
            n += 1
            if n % 20 == 0:  # new threads/children (squid helpers) once a second
                self.pids = process_tree(self.pid)
            self.peak_rss = max(self.peak_rss, rss_bytes(self.pids))

    def __exit__(self, *exc):
        if self.pid:
            self._stop.set()
            self._thread.join()
            self.pids = process_tree(self.pid)
            self.cpu1 = cpu_seconds(self.pids)
            self.rss_end = rss_bytes(self.pids)
            self.peak_rss = max(self.peak_rss, self.rss_end)

    @property
    def cpu(self):
        return self.cpu1 - self.cpu0


# ---------------------------------------------------------------- proxies

class Running:
    def __init__(self, spec, proc, port, client_ca, logdir):
        self.spec, self.proc, self.port, self.client_ca, self.logdir = (
            spec, proc, port, client_ca, logdir)

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

    def alive(self):
        return self.proc is None or self.proc.poll() is None

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def _drain(stream):
    for _ in iter(stream.readline, b""):
        pass


class ProxySpec:
    def __init__(self, name, kind, intercepting, available=True, note=""):
        self.name, self.kind, self.intercepting = name, kind, intercepting
        self.available, self.note = available, note
        self.version = ""


class Launcher:
    """Knows how to start each kind of proxy in `workdir`."""

    def __init__(self, workdir, origin_ca, spyglass_cli):
        self.workdir = workdir
        self.origin_ca = origin_ca
        self.cli = spyglass_cli
        self._counter = 0
        self.spyglass_ca = None
        help_text = subprocess.run([self.cli, "run", "--help"], capture_output=True,
                                   text=True).stdout
        self.can_record = "--no-record" in help_text and "--session" in help_text

    def _dir(self, name):
        self._counter += 1
        d = os.path.join(self.workdir, f"{self._counter:02d}-{name}")
        os.makedirs(d, exist_ok=True)
        os.chmod(d, 0o777)  # squid and tinyproxy drop privileges and write logs here
        return d

    def start(self, spec):
        return getattr(self, "_start_" + spec.kind)(spec, self._dir(spec.name))

    # Spyglass: blind tunnel (recording the CONNECTs, as by default),
    # intercepting with recording on, intercepting with recording off.
    def _spyglass(self, spec, d, extra):
        args = [self.cli, "run", "--listen", "127.0.0.1:0", "--allow-any-port", "--quiet",
                *extra]
        stderr = open(f"{d}/stderr.log", "w")
        proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=stderr)
        deadline = time.monotonic() + 30
        port = None
        while time.monotonic() < deadline:
            line = proc.stdout.readline().decode(errors="replace")
            if not line:
                break
            m = re.search(r"listening on (\S+):(\d+)", line)
            if m:
                port = int(m.group(2))
                break
        if port is None:
            proc.kill()
            proc.wait()
            raise RuntimeError(f"{spec.name} did not start: see {d}/stderr.log")
        threading.Thread(target=_drain, args=(proc.stdout,), daemon=True).start()
        return proc, port

    def _record_args(self, d, record):
        if not self.can_record:
            return []
        return ["--session", f"{d}/session.sqlite"] if record else ["--no-record"]

    def _start_spyglass_tunnel(self, spec, d):
        proc, port = self._spyglass(spec, d, self._record_args(d, True))
        return Running(spec, proc, port, self.origin_ca, d)

    def _intercept_args(self):
        return ["--intercept", "*.bench.test", "--intercept", "127.0.0.1",
                "--upstream-ca", self.origin_ca,
                "--ca-dir", os.path.join(self.workdir, "spyglass-ca")]

    def _export_spyglass_ca(self):
        if self.spyglass_ca:
            return self.spyglass_ca
        out = os.path.join(self.workdir, "spyglass-ca.pem")
        subprocess.run([self.cli, "ca", "export", "--format", "pem", "--out", out, "--ca-dir",
                        os.path.join(self.workdir, "spyglass-ca")], check=True,
                       stdout=subprocess.DEVNULL)
        self.spyglass_ca = out
        return out

    def _start_spyglass_intercept_rec(self, spec, d):
        proc, port = self._spyglass(spec, d, self._intercept_args() + self._record_args(d, True))
        return Running(spec, proc, port, self._export_spyglass_ca(), d)

    def _start_spyglass_intercept_norec(self, spec, d):
        proc, port = self._spyglass(spec, d, self._intercept_args() + self._record_args(d, False))
        return Running(spec, proc, port, self._export_spyglass_ca(), d)

    def _start_squid(self, spec, d):
        port = free_port()
        with open(f"{d}/squid.conf", "w") as f:
            f.write(f"""http_port 127.0.0.1:{port}
http_access allow all
cache deny all
cache_mem 8 MB
access_log none
cache_store_log none
cache_log {d}/cache.log
pid_filename {d}/squid.pid
coredump_dir {d}
shutdown_lifetime 0 seconds
max_filedescriptors 4096
""")
        proc = subprocess.Popen(["squid", "-N", "-f", f"{d}/squid.conf"],
                                stdout=subprocess.DEVNULL, stderr=open(f"{d}/stderr.log", "w"))
        if not wait_port(port, proc, 30):
            raise RuntimeError(f"squid did not start: see {d}")
        return Running(spec, proc, port, self.origin_ca, d)

    def _start_tinyproxy(self, spec, d):
        port = free_port()
        with open(f"{d}/tinyproxy.conf", "w") as f:
            f.write(f"""User nobody
Group nogroup
Port {port}
Listen 127.0.0.1
Timeout 600
MaxClients 1024
LogFile "{d}/tinyproxy.log"
LogLevel Error
PidFile "{d}/tinyproxy.pid"
Allow 127.0.0.1
DisableViaHeader Yes
""")
        proc = subprocess.Popen(["tinyproxy", "-d", "-c", f"{d}/tinyproxy.conf"],
                                stdout=subprocess.DEVNULL, stderr=open(f"{d}/stderr.log", "w"))
        if not wait_port(port, proc, 30):
            raise RuntimeError(f"tinyproxy did not start: see {d}")
        return Running(spec, proc, port, self.origin_ca, d)

    def _mitmdump(self, spec, d, extra):
        port = free_port()
        conf = os.path.join(self.workdir, "mitmproxy-conf")
        args = ["mitmdump", "-q", "--listen-host", "127.0.0.1", "--listen-port", str(port),
                "--set", f"confdir={conf}",
                "--set", f"ssl_verify_upstream_trusted_ca={self.origin_ca}", *extra]
        proc = subprocess.Popen(args, stdout=subprocess.DEVNULL,
                                stderr=open(f"{d}/stderr.log", "w"))
        if not wait_port(port, proc, 60):
            raise RuntimeError(f"mitmdump did not start: see {d}/stderr.log")
        return Running(spec, proc, port, os.path.join(conf, "mitmproxy-ca-cert.pem"), d)

    def _start_mitmdump_passthrough(self, spec, d):
        running = self._mitmdump(spec, d, ["--ignore-hosts", ".*"])
        running.client_ca = self.origin_ca
        return running

    def _start_mitmdump_intercept(self, spec, d):
        return self._mitmdump(spec, d, [])


def version_of(kind, cli):
    try:
        if kind.startswith("spyglass"):
            return subprocess.run([cli, "--version"], capture_output=True,
                                  text=True).stdout.strip()
        if kind == "squid":
            out = subprocess.run(["squid", "-v"], capture_output=True, text=True).stdout
            return out.splitlines()[0].replace("Squid Cache: Version ", "squid ")
        if kind == "tinyproxy":
            out = subprocess.run(["tinyproxy", "-v"], capture_output=True, text=True)
            return (out.stdout or out.stderr).strip()
        if kind.startswith("mitmdump"):
            out = subprocess.run(["mitmdump", "--version"], capture_output=True, text=True)
            return out.stdout.splitlines()[0].strip()
    except (OSError, IndexError):
        pass
    return ""


def proxy_specs(peers, can_record):
    """The proxies of a run, in the order of the table."""
    specs = [ProxySpec("direct", "direct", False),
             ProxySpec("spyglass tunnel", "spyglass_tunnel", False),
             ProxySpec("spyglass intercept rec", "spyglass_intercept_rec", True),
             ProxySpec("spyglass intercept norec", "spyglass_intercept_norec", True)]
    if not can_record:
        specs[2].note = specs[3].note = "recording options missing: ran without them"
        specs = specs[:3]
        specs[2].name = "spyglass intercept"
    if peers:
        have = {k: shutil.which(k) is not None for k in ("squid", "tinyproxy", "mitmdump")}
        specs += [ProxySpec("squid tunnel", "squid", False, have["squid"]),
                  ProxySpec("tinyproxy tunnel", "tinyproxy", False, have["tinyproxy"]),
                  ProxySpec("mitmdump passthrough", "mitmdump_passthrough", False,
                            have["mitmdump"]),
                  ProxySpec("mitmdump intercept", "mitmdump_intercept", True, have["mitmdump"])]
    return specs
