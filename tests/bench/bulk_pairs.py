#!/usr/bin/env python3
"""Bulk 256 MiB GETs through tunnels, alternating with direct (issue 7).

The suite runs all of one proxy's runs, then the next proxy's; on this
noisy 2-vCPU VM the same direct download swings from 600 to 1,100 MiB/s
within minutes, so a ratio of two medians taken minutes apart says little.
This program alternates: each round downloads the file direct, then through
every proxy, and reports per proxy the median of the per-round ratios, its
CPU per MiB, and how many of the machine's cores were busy during the
transfers (all processes, /proc/stat): where direct already keeps both
cores busy, a relay's CPU per MiB bounds its ratio.

    tests/bench/bulk_pairs.py --build-dir build/bench [--rounds 8] [--peers]
    tests/bench/bulk_pairs.py --build-dir build/test --smoke   # CI: it still works

Every download is validated (status and exact byte count) by
spyglass-bench. Python standard library only.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_origin import FILES, Nginx  # noqa: E402
from bench_proxies import Launcher, ProxySpec, cpu_seconds, process_tree  # noqa: E402


def cpu_jiffies():
    """(busy, total) jiffies of the whole machine."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields) - idle, sum(fields)


def download(bench, origin, running, path):
    size = FILES[path]
    cmd = [bench, "--quiet", "--path", "/" + path, "--expect-bytes", str(size),
           "--threads", "1", "--connections", "1", "--requests", "1",
           "--target", f"127.0.0.1:{origin.tls_port}", "--tls", "--host", "www.bench.test",
           "--ca", origin.ca, "--timeout", "120"]
    if running:
        cmd += ["--proxy", f"127.0.0.1:{running.port}"]
    pids = process_tree(running.pid) if running else []
    cpu_before = cpu_seconds(pids) if running else 0.0
    busy_before, total_before = cpu_jiffies()
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=300).stdout
    busy_after, total_after = cpu_jiffies()
    cpu_after = cpu_seconds(pids) if running else 0.0
    for line in out.splitlines():
        if line.startswith("BENCH_JSON "):
            data = json.loads(line[len("BENCH_JSON "):])
            if data["errors"] or data["ok"] != 1:
                raise RuntimeError(f"download failed: {data.get('error_kinds')}")
            cores = os.cpu_count() * (busy_after - busy_before) / max(1, total_after - total_before)
            return data["mib_s"], (cpu_after - cpu_before) * 1000 / (size / 2**20), cores
    raise RuntimeError(f"spyglass-bench printed no result: {out[-300:]}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-dir", default="build/bench")
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--peers", action="store_true", help="also squid, when installed")
    parser.add_argument("--smoke", action="store_true",
                        help="64 KiB, 2 rounds: checks that it works, measures nothing")
    args = parser.parse_args()
    path = "64k" if args.smoke else "256m"
    rounds = 2 if args.smoke else args.rounds
    bench = os.path.join(args.build_dir, "tests", "bench", "spyglass-bench")
    cli = os.path.join(args.build_dir, "app", "spyglass-cli")
    for program in (bench, cli):
        if not os.path.exists(program):
            sys.exit(f"bulk_pairs: {program} is missing; build spyglass-cli and spyglass-bench")
    specs = [ProxySpec("spyglass tunnel", "spyglass_tunnel", False)]
    if args.peers and shutil.which("squid"):
        specs.append(ProxySpec("squid tunnel", "squid", False))

    workdir = tempfile.mkdtemp(prefix="spyglass-bulk-")
    origin = Nginx(workdir, smoke=args.smoke)
    origin.start()
    launcher = Launcher(workdir, origin.ca, cli)
    running = {}
    try:
        for spec in specs:
            running[spec.name] = launcher.start(spec)
        rows = {"direct": []}
        rows.update({name: [] for name in running})
        for _ in range(rounds):
            direct = download(bench, origin, None, path)
            rows["direct"].append((direct[0], None, direct[2], 1.0))
            for name, proxy in running.items():
                rate, cpu, cores = download(bench, origin, proxy, path)
                rows[name].append((rate, cpu, cores, rate / direct[0]))
        print(f"{rounds} rounds of GET /{path} over TLS, direct then each proxy in turn\n")
        print("| path | MiB/s median (min–max) | ratio to direct in the same round, median "
              "(min–max) | proxy CPU ms/MiB | cores busy |")
        print("|---|---:|---:|---:|---:|")
        for name, samples in rows.items():
            rates = [s[0] for s in samples]
            ratios = [s[3] for s in samples]
            cpu = [s[1] for s in samples if s[1] is not None]
            print(f"| {name} | {statistics.median(rates):,.0f} ({min(rates):,.0f}–{max(rates):,.0f})"
                  f" | {statistics.median(ratios):.2f} ({min(ratios):.2f}–{max(ratios):.2f})"
                  f" | {f'{statistics.median(cpu):.2f}' if cpu else '—'}"
                  f" | {statistics.median([s[2] for s in samples]):.2f} |")
    finally:
        for proxy in running.values():
            proxy.stop()
        origin.stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
