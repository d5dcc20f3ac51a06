#!/usr/bin/env python3
"""Recording on vs off through the real proxy, intercepting (issues 5 and 7).

Reuses the benchmark suite's pieces (tests/bench): the nginx origin, the
Spyglass launcher and /proc sampler, and the load generator spyglass-bench,
which does CONNECT + TLS through Spyglass and validates every response.

    bench_record_proxy.py --build-dir build/h-rel [--connections 16] [--duration 3]
                          [--runs 3] [--first 10000] [--total 100000]
    bench_record_proxy.py --build-dir build/h-test --smoke   # ctest: correctness only

It prints, never asserts, numbers:
  1. intercepted keep-alive requests/s and proxy CPU per exchange with
     `--no-record` and with `--session FILE`, alternating runs, medians and
     the ratio;
  2. a fresh recording proxy after --first and after --total exchanges: its
     RSS, the growth per exchange, CPU per exchange per thread (the network
     thread and the writer "sg-recorder"), and what the session holds;
  3. peak RSS of `spyglass-cli export SESSION --har OUT` for both sessions
     (the HAR export streams: the peak should not grow with the count).
--smoke runs tiny counts and fails unless every response validated, every
exchange was recorded and the HAR has one entry per exchange. Python
standard library only.
"""

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))  # tests/bench

from bench_origin import FILES, Nginx, find_nginx  # noqa: E402
from bench_proxies import (CLK_TCK, Launcher, ProxySpec, Sampler,  # noqa: E402
                           rss_bytes, wait_spool_drained)

MIB = 1024 * 1024


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def thread_cpu(pid):
    """CPU seconds per thread name of one process (threads of a name summed)."""
    out = {}
    task = f"/proc/{pid}/task"
    for tid in os.listdir(task):
        try:
            with open(f"{task}/{tid}/comm") as f:
                name = f.read().strip()
            with open(f"{task}/{tid}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        out[name] = out.get(name, 0.0) + (int(fields[11]) + int(fields[12])) / CLK_TCK
    return out


class Bench:
    def __init__(self, args):
        self.args = args
        self.bench = os.path.join(args.build_dir, "tests", "bench", "spyglass-bench")
        self.cli = os.path.join(args.build_dir, "app", "spyglass-cli")
        self.failures = []

    def load(self, running, origin, label, count=None, duration=None):
        """One spyglass-bench run through `running`; returns its JSON and the CPU used."""
        a = self.args
        cmd = [self.bench, "--quiet", "--label", label, "--path", "/1k",
               "--expect-bytes", str(FILES["1k"]), "--threads", "1",
               "--connections", str(a.connections),
               "--target", f"127.0.0.1:{origin.tls_port}", "--tls", "--host", "www.bench.test",
               "--ca", running.client_ca, "--proxy", f"127.0.0.1:{running.port}",
               "--timeout", "600"]
        cmd += ["--requests", str(count)] if count else ["--duration", str(duration)]
        with Sampler(running.pid) as sampler:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
        data = None
        for line in proc.stdout.splitlines():
            if line.startswith("BENCH_JSON "):
                data = json.loads(line[len("BENCH_JSON "):])
        if data is None or proc.returncode != 0 or data["errors"] > 0 or (
                count and data["ok"] != count):
            self.failures.append(f"{label}: {data and data.get('error_kinds')} "
                                 f"{proc.stderr.strip()[:300]}")
            data = data or {"ok": 0, "errors": 1, "rps": 0}
        data["proxy_cpu_s"] = sampler.cpu
        data["peak_rss"] = sampler.peak_rss
        # What the recorder spooled while the cores were busy is indexed
        # afterwards; its CPU is the traffic's, and the next run must not
        # share the machine with it.
        waited, cpu = wait_spool_drained(running.pid, self.session_of(running))
        data["indexing_s"] = waited
        data["indexing_cpu_s"] = cpu
        return data

    @staticmethod
    def session_of(running):
        path = os.path.join(running.logdir, "session.sqlite")
        return path if os.path.exists(path) else ""

    # ------------------------------------------------------------ 1. rates
    def rates(self, origin, launcher):
        a = self.args
        specs = [ProxySpec("spyglass intercept rec", "spyglass_intercept_rec", True),
                 ProxySpec("spyglass intercept norec", "spyglass_intercept_norec", True)]
        running = {s.kind: launcher.start(s) for s in specs}
        time.sleep(1.0)
        results = {s.kind: [] for s in specs}
        try:
            for run in range(a.runs):
                for s in specs:
                    if a.smoke:
                        d = self.load(running[s.kind], origin, f"{s.kind}/{run}", count=200)
                    else:
                        d = self.load(running[s.kind], origin, f"{s.kind}/{run}",
                                      duration=a.duration)
                    results[s.kind].append(d)
                    log(f"  {s.name:26s} run {run + 1}: {d['rps']:9.0f} req/s, "
                        f"{d['proxy_cpu_s'] * 1e6 / max(1, d['ok']):6.1f} us CPU/exchange"
                        + (f", then indexed the spool in {d['indexing_s']:.1f} s: "
                           f"+{d['indexing_cpu_s'] * 1e6 / max(1, d['ok']):.1f} us/exchange"
                           if d["indexing_s"] else ""))
        finally:
            for r in running.values():
                r.stop()
        rows = {}
        for kind, runs in results.items():
            rows[kind] = {
                "rps": statistics.median(d["rps"] for d in runs),
                "cpu_us": statistics.median(d["proxy_cpu_s"] * 1e6 / max(1, d["ok"])
                                            for d in runs),
                "peak_rss_mib": max(d["peak_rss"] for d in runs) / MIB,
                "all_cpu_us": statistics.median(
                    (d["proxy_cpu_s"] + d["indexing_cpu_s"]) * 1e6 / max(1, d["ok"])
                    for d in runs),
                "indexing_s": max(d["indexing_s"] for d in runs),
            }
        rec, norec = rows["spyglass_intercept_rec"], rows["spyglass_intercept_norec"]
        print(f"keep-alive GET 1 KiB intercepted, {a.connections} conns, median of {a.runs}:")
        for name, row in (("recording off", norec), ("recording on", rec)):
            print(f"  {name:14s} {row['rps']:9.0f} req/s  {row['cpu_us']:6.1f} us proxy CPU/"
                  f"exchange  peak RSS {row['peak_rss_mib']:.1f} MiB"
                  + (f"; with the spool indexed afterwards (up to {row['indexing_s']:.1f} s) "
                     f"{row['all_cpu_us']:.1f} us/exchange" if row["indexing_s"] else ""))
        if norec["rps"] > 0:
            print(f"  recording on / off: {rec['rps'] / norec['rps']:.2f}x requests/s, "
                  f"+{rec['cpu_us'] - norec['cpu_us']:.1f} us CPU/exchange while the traffic "
                  f"flows, +{rec['all_cpu_us'] - norec['all_cpu_us']:.1f} in all")
        return rows

    # ------------------------------------------------------------ 2. memory
    def recorded(self, session, expect):
        """Waits for the writer to commit `expect` exchanges; returns the session's counts."""
        uri = f"file:{session}?mode=ro"
        deadline = time.monotonic() + 60
        last = None
        while True:
            try:
                db = sqlite3.connect(uri, uri=True, timeout=5)
                # The requests (not the CONNECT row each connection adds),
                # those complete, and every row (what the HAR exports).
                n = db.execute("SELECT sum(method != 'CONNECT'), sum(method != 'CONNECT' AND "
                               "state = 'complete'), count(*) FROM exchanges").fetchone()
                n = tuple(x or 0 for x in n)
                meta = dict(db.execute("SELECT key, value FROM session").fetchall())
                db.close()
            except sqlite3.Error:
                n, meta = (0, 0, 0), {}
            if n[0] >= expect or time.monotonic() > deadline or (last == n and n[0] > 0):
                return n[0], n[1], n[2], meta
            last = n
            time.sleep(1.0)

    def har_peak(self, session, label):
        """Peak RSS and peak anonymous RSS (KiB) of one `spyglass-cli export --har`, and the
        HAR's entry count and size. The reader maps the session file (mmap_size), so
        the total RSS includes file pages that are the kernel's page cache; the
        anonymous part is the export's own memory."""
        out = os.path.join(os.path.dirname(session), f"{label}.har")
        proc = subprocess.Popen([self.cli, "export", session, "--har", out],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        peak_anon = peak_total = 0
        while proc.poll() is None:
            try:
                with open(f"/proc/{proc.pid}/status") as f:
                    for line in f:
                        if line.startswith("RssAnon:"):
                            peak_anon = max(peak_anon, int(line.split()[1]))
                        elif line.startswith("VmHWM:"):
                            peak_total = max(peak_total, int(line.split()[1]))
            except OSError:
                pass
            time.sleep(0.02)
        err = proc.stderr.read().decode()
        entries = -1
        if proc.returncode == 0:
            with open(out, "rb") as f:
                entries = len(json.load(f)["log"]["entries"])
        else:
            self.failures.append(f"export {label}: {err[:300]}")
        size = os.path.getsize(out) if os.path.exists(out) else 0
        if os.path.exists(out):
            os.remove(out)
        return peak_anon, peak_total, entries, size

    def memory(self, origin, launcher):
        a = self.args
        spec = ProxySpec("spyglass intercept rec", "spyglass_intercept_rec", True)
        running = launcher.start(spec)
        session = os.path.join(running.logdir, "session.sqlite")
        time.sleep(1.0)
        idle = rss_bytes([running.pid])
        steps = [(a.first, a.first), (a.total - a.first, a.total)]
        rows = []
        try:
            cpu_before = thread_cpu(running.pid)
            for more, total in steps:
                d = self.load(running, origin, f"memory/{total}", count=more)
                n, complete, rows_all, meta = self.recorded(session, total)
                time.sleep(2.0)  # let the writer finish and the allocator trim
                cpu_after = thread_cpu(running.pid)
                threads = {k: (v - cpu_before.get(k, 0.0)) * 1e6 / max(1, more)
                           for k, v in cpu_after.items() if v - cpu_before.get(k, 0.0) > 0.01}
                cpu_before = cpu_after
                har_kib, har_total, entries, har_bytes = self.har_peak(session, f"{total}")
                rows.append({"total": total, "rps": d["rps"], "rss": rss_bytes([running.pid]),
                             "peak_rss": d["peak_rss"], "recorded": n, "complete": complete,
                             "threads_us": threads, "har_peak_anon_kib": har_kib,
                             "har_peak_kib": har_total,
                             "har_entries": entries, "har_bytes": har_bytes, "meta": meta,
                             "cpu_us": d["proxy_cpu_s"] * 1e6 / max(1, more)})
                # Recording never slows traffic: under load it may drop (counted
                # in `meta`); the smoke run's tiny counts must all be there.
                if (a.smoke and n != total) or entries != rows_all:
                    self.failures.append(f"memory/{total}: recorded {n} of {total}, "
                                         f"HAR entries {entries} of {rows_all} rows")
        finally:
            running.stop()
        print(f"fresh recording proxy (idle RSS {idle / MIB:.1f} MiB), {a.connections} conns:")
        prev = None
        for r in rows:
            growth = ""
            if prev:
                per = (r["rss"] - prev["rss"]) / max(1, r["total"] - prev["total"])
                growth = f", {per:+.1f} B/exchange since {prev['total']:,}"
            threads = ", ".join(f"{k} {v:.1f}" for k, v in sorted(r["threads_us"].items()))
            dropped = {k: v for k, v in r["meta"].items()
                       if k.startswith("recorder_") and v}
            print(f"  after {r['total']:>7,}: RSS {r['rss'] / MIB:.1f} MiB (peak "
                  f"{r['peak_rss'] / MIB:.1f}){growth}; {r['rps']:.0f} req/s, "
                  f"{r['cpu_us']:.1f} us proxy CPU/exchange ({threads} us per thread); "
                  f"recorded {r['recorded']:,} ({r['complete']:,} complete)"
                  + (f", {dropped}" if dropped else ""))
            print(f"    export --har: {r['har_entries']:,} entries, "
                  f"{r['har_bytes'] / MIB:.1f} MiB, peak anonymous RSS "
                  f"{r['har_peak_anon_kib'] / 1024:.1f} MiB (with mapped file pages "
                  f"{r['har_peak_kib'] / 1024:.1f} MiB)")
            prev = r
        return rows

    def run(self):
        a = self.args
        for path in (self.bench, self.cli):
            if not os.access(path, os.X_OK):
                sys.exit(f"bench_record_proxy: {path} is missing; build spyglass-cli and "
                         "spyglass-bench")
        if not find_nginx():
            sys.exit("bench_record_proxy: nginx not found (apt-get install nginx-light)")
        workdir = tempfile.mkdtemp(prefix="spyglass-recbench-")
        origin = Nginx(workdir, a.smoke)
        try:
            origin.start()
            launcher = Launcher(workdir, origin.ca, self.cli)
            if not launcher.can_record:
                sys.exit("bench_record_proxy: this spyglass-cli cannot record")
            self.rates(origin, launcher)
            self.memory(origin, launcher)
        finally:
            origin.stop()
            if a.keep:
                log(f"bench_record_proxy: kept {workdir}")
            else:
                shutil.rmtree(workdir, ignore_errors=True)
        for f in self.failures:
            print("FAILED: " + f)
        return 1 if self.failures else 0


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build-dir", required=True,
                   help="a build tree with app/spyglass-cli and tests/bench/spyglass-bench")
    p.add_argument("--smoke", action="store_true", help="tiny counts; fail unless all recorded")
    p.add_argument("--connections", type=int, default=16)
    p.add_argument("--duration", type=float, default=3.0, help="seconds per rate run")
    p.add_argument("--runs", type=int, default=3, help="rate runs per mode (median reported)")
    p.add_argument("--first", type=int, default=10_000, help="exchanges of the first memory step")
    p.add_argument("--total", type=int, default=100_000, help="exchanges after the second step")
    p.add_argument("--keep", action="store_true", help="keep the working directory")
    a = p.parse_args()
    if a.smoke:
        a.runs, a.connections, a.first, a.total = 1, 4, 100, 300
    return Bench(a).run()


if __name__ == "__main__":
    sys.exit(main())
