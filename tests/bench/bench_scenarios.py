"""The scenarios of the benchmark suite (issue 7) and the arguments they
give spyglass-bench. Every scenario validates every response: the status
and the exact body size."""

from bench_origin import FILES, KIB, MIB


class Scenario:
    def __init__(self, key, title, args, metric="rps", runs=None, only=None, requests=None,
                 timeout=None, fresh=False, path="1k"):
        self.key = key
        self.title = title
        self.args = args            # extra spyglass-bench arguments
        self.metric = metric        # "rps" or "mib_s"
        self.runs = runs            # None = the suite's --runs
        self.only = only            # None = every proxy; "intercepting" or "spyglass-intercept"
        self.requests = requests    # exact count every run must validate (None: by duration)
        self.timeout = timeout
        self.fresh = fresh          # first scenario of the memory group: restart the proxy
        self.path = path

    def applies_to(self, spec):
        if self.only is None:
            return True
        if self.only == "spyglass-intercept":
            return spec.kind.startswith("spyglass_intercept")
        return False


def full_scenarios(duration, new_hosts):
    d = ["--duration", str(duration)]
    return [
        Scenario("bulk", "bulk GET 256 MiB, 1 conn", ["--connections", "1", "--requests", "1"],
                 metric="mib_s", requests=1, timeout=240, path="256m"),
        Scenario("ka1", "keep-alive GET 1 KiB, 1 conn", ["--connections", "1", *d]),
        Scenario("ka16", "keep-alive GET 1 KiB, 16 conns", ["--connections", "16", *d]),
        Scenario("conn1", "new conn+TLS+GET 1 KiB, 1 at a time",
                 ["--new-connection", "--connections", "1", *d]),
        Scenario("newhost", "same, every conn a never-seen host",
                 ["--new-connection", "--connections", "1", "--requests", str(new_hosts)],
                 requests=new_hosts),
        Scenario("conn16", "new conn+TLS+GET 1 KiB, 16 at a time",
                 ["--new-connection", "--connections", "16", *d]),
        # Memory: a fresh proxy, then 10,000 and 100,000 exchanges in total.
        Scenario("rec10k", "10,000 exchanges (fresh proxy), 16 conns",
                 ["--connections", "16", "--requests", "10000"], runs=1,
                 only="spyglass-intercept", requests=10000, timeout=600, fresh=True),
        Scenario("rec100k", "100,000 exchanges (90,000 more)",
                 ["--connections", "16", "--requests", "90000"], runs=1,
                 only="spyglass-intercept", requests=90000, timeout=900),
        # One slow reader, then four on the same proxy: what the three more
        # cost is what a slow connection costs (the recorder's buffers and
        # SQLite's cache, there for one as for four, cancel out).
        Scenario("slow1", "1 slow reader, 16 MiB at 4 MiB/s",
                 ["--connections", "1", "--requests", "1", "--read-rate", str(4 * MIB)],
                 metric="mib_s", runs=1, requests=1, timeout=240, path="16m"),
        Scenario("slow", "4 slow readers, 16 MiB at 4 MiB/s each",
                 ["--connections", "4", "--requests", "4", "--read-rate", str(4 * MIB)],
                 metric="mib_s", runs=1, requests=4, timeout=240, path="16m"),
    ]


def smoke_scenarios():
    return [
        Scenario("bulk", "GET 64 KiB x3, 1 conn", ["--connections", "1", "--requests", "3"],
                 metric="mib_s", runs=1, requests=3, timeout=60, path="64k"),
        Scenario("ka4", "keep-alive GET 1 KiB x40, 4 conns",
                 ["--connections", "4", "--requests", "40"], runs=1, requests=40, timeout=60),
        Scenario("conn2", "new conn+TLS+GET 1 KiB x10, 2 at a time",
                 ["--new-connection", "--connections", "2", "--requests", "10"], runs=1,
                 requests=10, timeout=60),
        Scenario("newhost", "new host per conn x4",
                 ["--new-connection", "--connections", "1", "--requests", "4"], runs=1,
                 requests=4, timeout=60),
        Scenario("plain", "plain HTTP GET 64 KiB x10, 2 conns",
                 ["--connections", "2", "--requests", "10", "--plain"], runs=1, requests=10,
                 timeout=60, path="64k"),
        Scenario("slow", "slow reader, 64 KiB at 256 KiB/s",
                 ["--connections", "1", "--requests", "1", "--read-rate", str(256 * KIB)],
                 metric="mib_s", runs=1, requests=1, timeout=60, path="64k"),
    ]


def expected_bytes(path):
    return FILES[path]
