"""Start, watch and stop spyglass-cli processes; parse their stdout."""

import shutil
import signal
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass

from harness_common import (EXCHANGE_RE, EXIT_TIMEOUT, LISTENING_RE, STEP_TIMEOUT, clean_env,
                            cli_path)

@dataclass
class ExchangeLine:
    """One parsed per-exchange line of spyglass-cli's stdout."""
    raw: str
    time: str
    client: str
    method: str
    target: str
    status: str
    up: int
    down: int
    ms: int
    mode: str
    error: str | None

    @classmethod
    def parse(cls, line):
        match = EXCHANGE_RE.match(line)
        if match is None:
            return None
        g = match.groupdict()
        return cls(raw=line, time=g["time"], client=g["client"], method=g["method"],
                   target=g["target"], status=g["status"], up=int(g["up"]),
                   down=int(g["down"]), ms=int(g["ms"]), mode=g["mode"], error=g["error"])


class _StreamCollector:
    """Reads a child's stream line by line on a thread."""

    def __init__(self, stream):
        self.lines = []
        self.closed = False
        self._cond = threading.Condition()
        self._thread = threading.Thread(target=self._run, args=(stream,), daemon=True)
        self._thread.start()

    def _run(self, stream):
        for raw in iter(stream.readline, b""):
            with self._cond:
                self.lines.append(raw.decode("utf-8", "replace").rstrip("\r\n"))
                self._cond.notify_all()
        with self._cond:
            self.closed = True
            self._cond.notify_all()

    def snapshot(self):
        with self._cond:
            return list(self.lines)

    def wait_for(self, predicate, timeout, start=0):
        """First line from index `start` on satisfying predicate, or None."""
        deadline = time.monotonic() + timeout
        index = start
        with self._cond:
            while True:
                while index < len(self.lines):
                    if predicate(self.lines[index]):
                        return self.lines[index]
                    index += 1
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self.closed:
                    return None
                self._cond.wait(remaining)

    def join(self, timeout):
        self._thread.join(timeout)


def isolated_env(home):
    """clean_env() with HOME and the XDG directories inside `home`.

    spyglass-cli records sessions and keeps its CA under the user's data
    directory; tests must neither read nor litter the real one.
    """
    env = clean_env()
    env["HOME"] = str(home)
    for name, sub in (("XDG_DATA_HOME", "data"), ("XDG_CONFIG_HOME", "config"),
                      ("XDG_CACHE_HOME", "cache"), ("XDG_STATE_HOME", "state")):
        env[name] = f"{home}/{sub}"
    env["XDG_RUNTIME_DIR"] = str(home)
    return env


def run_cli(*args, timeout=30.0):
    """Runs spyglass-cli to completion (for --help, bad options, ...)."""
    home = tempfile.mkdtemp(prefix="spyglass-it-home-")
    try:
        return subprocess.run([cli_path(), *args], capture_output=True, timeout=timeout,
                              env=isolated_env(home), stdin=subprocess.DEVNULL)
    finally:
        shutil.rmtree(home, ignore_errors=True)


class ProxyProcess:
    """A running `spyglass-cli run` instance."""

    def __init__(self, *options, listen="127.0.0.1:0"):
        self.options = list(options)
        self.listen = listen
        self.process = None
        self.home = None
        self.address = None
        self.stdout = None
        self.stderr = None

    def start(self):
        command = [cli_path(), "run", "--listen", self.listen, *self.options]
        self.home = tempfile.mkdtemp(prefix="spyglass-it-home-")
        self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, env=isolated_env(self.home))
        self.stdout = _StreamCollector(self.process.stdout)
        self.stderr = _StreamCollector(self.process.stderr)
        line = self.stdout.wait_for(lambda text: LISTENING_RE.search(text), STEP_TIMEOUT)
        if line is None:
            self.kill()
            raise AssertionError(f"spyglass-cli {' '.join(command[1:])} printed no "
                                 f"'listening on' line\n{self.diagnostics()}")
        self.address = LISTENING_RE.search(line).group(1)
        return self

    # -- addresses

    @property
    def host(self):
        host, _, _ = self.address.rpartition(":")
        return host.strip("[]")

    @property
    def port(self):
        return int(self.address.rpartition(":")[2])

    @property
    def url(self):
        return f"http://{self.address}"

    def url_with_credentials(self, credentials):
        return f"http://{credentials}@{self.address}"

    # -- output

    def lines(self):
        return self.stdout.snapshot()

    def exchanges(self):
        return [e for e in map(ExchangeLine.parse, self.lines()) if e is not None]

    def mark(self):
        """A position in stdout; pass it as `after` to see only later lines."""
        return len(self.stdout.snapshot())

    def wait_for_exchange(self, predicate, timeout=STEP_TIMEOUT, after=0):
        """The first exchange line (from `after` on) satisfying predicate; fails after timeout."""
        def matches(text):
            parsed = ExchangeLine.parse(text)
            return parsed is not None and predicate(parsed)
        line = self.stdout.wait_for(matches, timeout, start=after)
        if line is None:
            raise AssertionError(f"no matching exchange line\n{self.diagnostics()}")
        return ExchangeLine.parse(line)

    def diagnostics(self):
        out = "\n".join(self.stdout.snapshot()[-40:]) if self.stdout else ""
        err = "\n".join(self.stderr.snapshot()[-40:]) if self.stderr else ""
        rc = self.process.poll() if self.process else None
        return (f"--- proxy exit code: {rc}\n--- proxy stdout (tail):\n{out}\n"
                f"--- proxy stderr (tail):\n{err}")

    # -- lifetime

    def alive(self):
        return self.process is not None and self.process.poll() is None

    def assert_alive(self):
        if not self.alive():
            raise AssertionError(f"spyglass-cli is no longer running\n{self.diagnostics()}")

    def stop(self, sig=signal.SIGTERM, timeout=EXIT_TIMEOUT):
        """Signals the proxy and waits; returns its exit code or None if killed."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
                return None
        self._drain()
        return self.process.returncode

    def kill(self):
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(EXIT_TIMEOUT)
        self._drain()

    def _drain(self):
        for collector in (self.stdout, self.stderr):
            if collector is not None:
                collector.join(5.0)
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()
        if self.home is not None:
            shutil.rmtree(self.home, ignore_errors=True)
            self.home = None

    def stop_checked(self):
        """Cleanup helper: the proxy must still be alive and exit 0 on SIGTERM."""
        was_alive = self.alive()
        rc = self.stop()
        if not was_alive:
            raise AssertionError(f"spyglass-cli died during the tests\n{self.diagnostics()}")
        if rc != 0:
            raise AssertionError(f"spyglass-cli exit code {rc} after SIGTERM\n{self.diagnostics()}")
