#!/usr/bin/env python3
"""Spyglass benchmark suite (issue 7): one run compares Spyglass with a direct
connection (the physical limit of this machine) and, with --peers, with
squid, tinyproxy and mitmproxy's mitmdump, and prints one markdown table.

    make bench                  # direct + the three Spyglass modes
    make bench PEERS=1          # + squid, tinyproxy, mitmdump (installed from Debian)
    tests/bench/run_bench.py --build-dir build/bench [--peers] [--runs 3] [--duration 3]
    tests/bench/run_bench.py --build-dir build/test --smoke   # CI: correctness only

Every response is validated by spyglass-bench (status and exact size). The
proxy's CPU time (utime+stime from /proc/PID/stat, whole process tree) is
read before and after each run and its RSS sampled every 50 ms. Rates are
noisy on a shared 2-core machine; CPU per request and per MiB are steadier.
Python standard library only.
"""

import argparse
import copy
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bench_origin import MIB, Nginx, find_nginx  # noqa: E402
from bench_proxies import (Launcher, ProxySpec, Sampler, proxy_specs, rss_bytes,  # noqa: E402
                           version_of, wait_spool_drained)
from bench_scenarios import expected_bytes, full_scenarios, smoke_scenarios  # noqa: E402


def repeat_of(newhost):
    r = copy.copy(newhost)
    r.key = "repeat"
    r.title = "same, every conn the same (seen) host"
    return r


def log(msg):
    print(msg, file=sys.stderr, flush=True)


class Suite:
    def __init__(self, args):
        self.args = args
        self.bench = os.path.join(args.build_dir, "tests", "bench", "spyglass-bench")
        self.cli = os.path.join(args.build_dir, "app", "spyglass-cli")
        self.results = []   # one dict per (proxy, scenario, run)
        self.idle = {}      # proxy name -> idle RSS bytes
        self.failures = []

    def load(self, path):
        with open(path) as f:
            saved = json.load(f)
        self.results = saved["results"]
        self.idle = saved.get("idle_rss", {})
        self.specs = []
        for name, kind, version in saved.get("specs", []):
            spec = ProxySpec(name, kind, False)
            spec.version = version
            self.specs.append(spec)
        if not self.specs:
            names = []
            for r in self.results:
                if r["proxy"] not in names:
                    names.append(r["proxy"])
            self.specs = [ProxySpec(n, n, False) for n in names]
        self.versions = saved.get("versions", {})
        self.can_record = saved.get("can_record", True)
        self.failures = saved.get("failures", [])

    # ------------------------------------------------------------ one run
    def bench_once(self, scenario, running, origin, spec):
        a = self.args
        plain = "--plain" in scenario.args
        extra = [x for x in scenario.args if x != "--plain"]
        cmd = [self.bench, "--quiet", "--label", f"{spec.name}/{scenario.key}",
               "--path", "/" + scenario.path,
               "--expect-bytes", str(expected_bytes(scenario.path)),
               "--threads", str(a.client_threads), *extra]
        if plain:
            cmd += ["--target", f"127.0.0.1:{origin.plain_port}", "--host", "localhost"]
        else:
            host = "www.bench.test"
            if scenario.key == "newhost":
                # Never seen by this proxy: a fresh label per run and connection.
                host = "n{n}-" + uuid.uuid4().hex[:8] + ".bench.test"
            cmd += ["--target", f"127.0.0.1:{origin.tls_port}", "--tls", "--host", host,
                    "--ca", running.client_ca if running else origin.ca]
        if running:
            cmd += ["--proxy", f"127.0.0.1:{running.port}"]
            if plain:
                cmd.append("--forward")
        timeout = scenario.timeout or (a.duration + 120)
        cmd += ["--timeout", str(timeout)]
        rss_before = rss_bytes([running.pid]) if running else 0
        with Sampler(running.pid if running else None) as sampler:
            try:
                proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout + 60)
                out, err, code = proc.stdout, proc.stderr, proc.returncode
            except subprocess.TimeoutExpired:
                out, err, code = "", "spyglass-bench did not exit", -1
        # A recording Spyglass indexes what it spooled while the cores were
        # busy after the load; that CPU is the load's, so it is counted, and
        # the next run does not share the machine with it.
        indexing_s, indexing_cpu = (
            wait_spool_drained(running.pid, os.path.join(running.logdir, "session.sqlite"))
            if running and spec.kind.startswith("spyglass") else (0.0, 0.0))
        data = None
        for line in out.splitlines():
            if line.startswith("BENCH_JSON "):
                data = json.loads(line[len("BENCH_JSON "):])
        if data is None:
            data = {"ok": 0, "errors": 1, "rps": 0, "mib_s": 0, "body_bytes": 0,
                    "p50_ms": 0, "p99_ms": 0, "client_cpu_us_per_req": 0,
                    "error_kinds": {("no result: " + err.strip())[:200]: 1}}
        data.update(proxy=spec.name, scenario=scenario.key, title=scenario.title,
                    metric=scenario.metric, exit_code=code,
                    proxy_cpu_s=sampler.cpu + indexing_cpu if running else None,
                    indexing_s=indexing_s,
                    peak_rss=sampler.peak_rss if running else None,
                    rss_before=rss_before, rss_end=sampler.rss_end if running else None,
                    proxy_alive=running.alive() if running else True)
        expected = scenario.requests
        bad = data["errors"] > 0 or code != 0 or (expected and data["ok"] != expected)
        if bad:
            self.failures.append(f"{spec.name} / {scenario.key}: ok={data['ok']} "
                                 f"errors={data['errors']} {data.get('error_kinds')}")
        log(f"  {spec.name:26s} {scenario.key:8s} ok={data['ok']:<7d} err={data['errors']:<3d} "
            f"{data[scenario.metric]:10.1f} {'MiB/s' if scenario.metric == 'mib_s' else 'req/s'}"
            + (f"  cpu={sampler.cpu:.2f}s rss={sampler.peak_rss / MIB:.1f}MiB" if running else "")
            + (f"  +{indexing_cpu:.2f}s indexing the spool in {indexing_s:.1f}s"
               if indexing_s else ""))
        self.results.append(data)
        return data

    # ------------------------------------------------------------ whole suite
    def run(self):
        a = self.args
        for path in (self.bench, self.cli):
            if not os.access(path, os.X_OK):
                sys.exit(f"run_bench: {path} is missing; build spyglass-cli and spyglass-bench")
        if not find_nginx():
            print("run_bench: nginx not found (apt-get install nginx-light)", file=sys.stderr)
            sys.exit(1)  # make test installs nginx-light: its absence is a failure
        selftest = subprocess.run([self.bench, "--self-test"], capture_output=True, text=True)
        if selftest.returncode != 0:
            sys.exit("run_bench: spyglass-bench --self-test failed:\n" + selftest.stderr)

        workdir = tempfile.mkdtemp(prefix="spyglass-bench-")
        log(f"run_bench: working in {workdir}")
        origin = Nginx(workdir, a.smoke, tickets=a.origin_tickets)
        scenarios = smoke_scenarios() if a.smoke else full_scenarios(a.duration, a.new_hosts)
        if a.only:
            keys = set(a.only.split(","))
            scenarios = [s for s in scenarios if s.key in keys]
        try:
            origin.start()
            launcher = Launcher(workdir, origin.ca, self.cli)
            self.can_record = launcher.can_record
            self.specs = proxy_specs(a.peers, launcher.can_record)
            if a.proxies:
                wanted = set(a.proxies.split(","))
                self.specs = [s for s in self.specs if s.kind in wanted or s.name in wanted]
            for spec in self.specs:
                spec.version = version_of(spec.kind, self.cli)
                if not spec.available:
                    log(f"run_bench: {spec.name}: not installed, skipped (make bench PEERS=1)")
                    continue
                self.run_proxy(spec, scenarios, origin, launcher)
        finally:
            origin.stop()
            self.versions = {"nginx": origin.version(),
                             "openssl": subprocess.run(["openssl", "version"], capture_output=True,
                                                       text=True).stdout.strip()}
            if a.keep:
                log(f"run_bench: kept {workdir}")
            else:
                shutil.rmtree(workdir, ignore_errors=True)

    def run_proxy(self, spec, scenarios, origin, launcher):
        running = None
        log(f"run_bench: {spec.name}")
        try:
            if spec.kind != "direct":
                running = launcher.start(spec)
                time.sleep(1.0)
                self.idle[spec.name] = rss_bytes([running.pid])
            for scenario in scenarios:
                if not scenario.applies_to(spec):
                    continue
                if running and (scenario.fresh or not running.alive()):
                    if not running.alive():
                        self.failures.append(f"{spec.name}: proxy exited; restarted")
                    running.stop()
                    running = launcher.start(spec)
                    time.sleep(1.0)
                runs = scenario.runs or self.args.runs
                for _ in range(runs):
                    data = self.bench_once(scenario, running, origin, spec)
                    if scenario.key == "newhost":
                        # The same count to a host it has seen, right after,
                        # so the two differ only in the host's novelty.
                        self.bench_once(repeat_of(scenario), running, origin, spec)
                    if data["ok"] == 0 and data["errors"] > 0:
                        # Nothing got through (a timeout, a refusal): further
                        # runs would only repeat it; the proxy may still be
                        # busy with the abandoned request, so restart it.
                        if running:
                            running.stop()
                            running = launcher.start(spec)
                            time.sleep(1.0)
                        break
        except (RuntimeError, OSError, subprocess.CalledProcessError) as e:
            self.failures.append(f"{spec.name}: {e}")
            log(f"run_bench: {spec.name}: {e}")
        finally:
            if running:
                running.stop()


# ---------------------------------------------------------------- the table

def fmt(v, digits=1):
    if v is None:
        return "—"
    if v >= 100:
        return f"{v:,.0f}"
    return f"{v:.{digits}f}"


def summarise(suite):
    rows = []
    by = {}
    for r in suite.results:
        by.setdefault((r["proxy"], r["scenario"]), []).append(r)
    direct = {}
    for (proxy, key), runs in by.items():
        if proxy == "direct":
            direct[key] = statistics.median(r[runs[0]["metric"]] for r in runs)
    order = [s.name for s in suite.specs]
    scen_order = []
    for r in suite.results:
        if r["scenario"] not in scen_order:
            scen_order.append(r["scenario"])
    for key in scen_order:
        for proxy in order:
            runs = by.get((proxy, key))
            if not runs:
                continue
            metric = runs[0]["metric"]
            values = [r[metric] for r in runs]
            med = statistics.median(values)
            unit = "MiB/s" if metric == "mib_s" else "req/s"
            cpu_req = cpu_mib = None
            if proxy != "direct" and metric == "rps":
                cpu_req = statistics.median(
                    r["proxy_cpu_s"] * 1e6 / max(1, r["ok"] + r["errors"]) for r in runs)
            elif proxy != "direct":
                per_mib = [r["proxy_cpu_s"] * 1e3 / (r["body_bytes"] / MIB)
                           for r in runs if r["body_bytes"]]
                cpu_mib = statistics.median(per_mib) if per_mib else None
            if metric == "rps":
                client = (statistics.median(r["client_cpu_us_per_req"] for r in runs),
                          statistics.median(r.get("client_user_us_per_req", 0) for r in runs),
                          "µs/req")
            else:
                def per_mib_ms(key):
                    values = [r.get(key, 0) * (r["ok"] + r["errors"]) / 1e3 / (r["body_bytes"] / MIB)
                              for r in runs if r["body_bytes"]]
                    return statistics.median(values) if values else None
                client = (per_mib_ms("client_cpu_us_per_req"),
                          per_mib_ms("client_user_us_per_req"), "ms/MiB")
            notes = note_for(key, proxy, runs, by)
            rows.append({
                "proxy": proxy, "scenario": key, "title": runs[0]["title"],
                "median": med, "unit": unit,
                "ratio": med / direct[key] if direct.get(key) else None,
                "min": min(values), "max": max(values),
                "p50": statistics.median(r["p50_ms"] for r in runs),
                "p99": statistics.median(r["p99_ms"] for r in runs),
                "cpu_req_us": cpu_req, "cpu_mib_ms": cpu_mib,
                "rss_mib": max(r["peak_rss"] for r in runs) / MIB if proxy != "direct" else None,
                "client": client,
                "errors": sum(r["errors"] for r in runs)
                + sum(1 for r in runs if r["exit_code"] != 0 and r["errors"] == 0),
                "ok": sum(r["ok"] for r in runs), "notes": notes})
    return rows


def note_for(key, proxy, runs, by):
    if key == "newhost":
        repeat = by.get((proxy, "repeat")) or by.get((proxy, "conn1"))
        if repeat:
            dp50 = statistics.median(r["p50_ms"] for r in runs) - statistics.median(
                r["p50_ms"] for r in repeat)
            text = f"first request {dp50:+.2f} ms p50 vs a seen host"
            if proxy != "direct":
                c_new = statistics.median(r["proxy_cpu_s"] / max(1, r["ok"]) for r in runs)
                c_rep = statistics.median(r["proxy_cpu_s"] / max(1, r["ok"]) for r in repeat)
                text += f", {(c_new - c_rep) * 1e6:+.0f} µs proxy CPU"
            return text
    if key == "rec100k":
        first = by.get((proxy, "rec10k"))
        if first and runs[0]["rss_end"] and first[0]["rss_end"]:
            growth = (runs[0]["rss_end"] - first[0]["rss_end"]) / max(1, runs[0]["ok"])
            return (f"RSS {first[0]['rss_end'] / MIB:.1f} → {runs[0]['rss_end'] / MIB:.1f} MiB: "
                    f"{growth:+.1f} B/exchange")
    if key == "rec10k" and runs[0]["rss_end"]:
        return f"RSS after: {runs[0]['rss_end'] / MIB:.1f} MiB"
    if key == "slow" and proxy != "direct":
        r = runs[0]
        n = 4 if "4 slow" in r["title"] else 1
        grow = (r["peak_rss"] - r["rss_before"]) / MIB
        text = f"peak RSS {grow:+.1f} MiB over before ({grow / n:+.2f} MiB per slow conn)"
        one = by.get((proxy, "slow1"))
        if n == 4 and one and one[0]["peak_rss"]:
            # The slope: what three more slow readers cost over one.
            per = (r["peak_rss"] - one[0]["peak_rss"]) / MIB / 3
            text += f"; {per:+.2f} MiB per slow conn over 1 slow reader's peak"
        return text
    return ""


def markdown(suite, rows):
    out = []
    out.append("| proxy | scenario | median | × direct | min–max | p50 / p99 ms | "
               "proxy CPU µs/req | proxy CPU ms/MiB | peak RSS MiB | client CPU (user) | "
               "errors | notes |")
    out.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for name in [s.name for s in suite.specs]:
        if name in suite.idle:
            out.append(f"| {name} | idle (after start) | | | | | | | "
                       f"{suite.idle[name] / MIB:.1f} | | | |")
    for r in rows:
        if r["ok"] == 0:
            out.append(f"| {r['proxy']} | {r['title']} | failed | | | | | | "
                       f"{fmt(r['rss_mib'])} | | {r['errors']} | see Failures |")
            continue
        out.append(
            f"| {r['proxy']} | {r['title']} | {fmt(r['median'])} {r['unit']} | "
            f"{fmt(r['ratio'], 2) if r['ratio'] is not None else '—'} | "
            f"{fmt(r['min'])}–{fmt(r['max'])} | {r['p50']:.2f} / {r['p99']:.2f} | "
            f"{fmt(r['cpu_req_us'])} | {fmt(r['cpu_mib_ms'], 2)} | "
            f"{fmt(r['rss_mib'])} | {fmt(r['client'][0], 2)} ({fmt(r['client'][1], 2)}) {r['client'][2]} | "
            f"{r['errors']} | {r['notes']} |")
    return "\n".join(out)


def header(suite, argv):
    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    versions = [f"{s.name}: {s.version}" for s in suite.specs if s.version]
    versions += [f"{k}: {v}" for k, v in suite.versions.items()]
    lines = [
        f"Machine: {platform.node()}, {os.cpu_count()} CPUs ({cpu}), "
        f"Linux {platform.release()}, {time.strftime('%Y-%m-%d %H:%M %Z')}",
        "Versions: " + "; ".join(versions),
        "Command: `" + " ".join(argv) + "`",
    ]
    if not suite.can_record:
        lines.append("Recording options (--session/--no-record) missing: Spyglass ran without them.")
    return "\n\n".join(lines)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--build-dir", default="build/bench",
                   help="a build tree with app/spyglass-cli and tests/bench/spyglass-bench")
    p.add_argument("--peers", action="store_true", help="also squid, tinyproxy, mitmdump")
    p.add_argument("--smoke", action="store_true",
                   help="tiny counts, one run each; fail unless every response validated")
    p.add_argument("--runs", type=int, default=3, help="runs per scenario (median reported)")
    p.add_argument("--duration", type=float, default=3.0, help="seconds per timed run")
    p.add_argument("--new-hosts", type=int, default=300, help="connections of the new-host run")
    p.add_argument("--client-threads", type=int, default=1)
    p.add_argument("--only", help="comma-separated scenario keys")
    p.add_argument("--proxies", help="comma-separated proxy kinds or names")
    p.add_argument("--out", help="also write the markdown here")
    p.add_argument("--json-out", help="write every run's raw numbers here")
    p.add_argument("--keep", action="store_true", help="keep the working directory")
    p.add_argument("--origin-tickets", action="store_true",
                   help="let the origin issue TLS session tickets (off by default)")
    p.add_argument("--render", metavar="JSON",
                   help="print the table of an earlier run's --json-out file, run nothing")
    args = p.parse_args()
    if args.smoke:
        args.runs = 1

    suite = Suite(args)
    if args.render:
        suite.load(args.render)
    else:
        suite.run()
    rows = summarise(suite)
    argv = [os.path.relpath(sys.argv[0])] + sys.argv[1:]
    if args.render:
        with open(args.render) as f:
            argv = json.load(f).get("argv", argv)
    text = header(suite, argv) + "\n\n" + \
        markdown(suite, rows) + "\n"
    if suite.failures:
        text += "\nFailures:\n" + "\n".join("- " + f for f in suite.failures) + "\n"
    print(text)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text)
    if args.json_out:
        with open(args.json_out, "w") as f:
            json.dump({"results": suite.results, "idle_rss": suite.idle,
                       "specs": [[x.name, x.kind, x.version] for x in suite.specs],
                       "versions": suite.versions, "can_record": suite.can_record,
                       "failures": suite.failures, "argv": sys.argv}, f, indent=1)
    if args.smoke:
        total = sum(r["ok"] for r in suite.results)
        if suite.failures or total == 0:
            print("bench smoke: FAILED", file=sys.stderr)
            return 1
        print(f"bench smoke: {total} responses validated, no errors")
    return 0


if __name__ == "__main__":
    sys.exit(main())
