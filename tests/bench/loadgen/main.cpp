// spyglass-bench: the load generator of the benchmark suite (issue 7).
//
// Drives HTTP/1.1 GETs at an origin, directly or through an HTTP proxy
// (CONNECT + TLS, or plain HTTP), over N keep-alive connections or one
// request per new connection, and validates every response (status and the
// exact body size). It reports requests/s, MiB/s, latency percentiles,
// errors, and its own CPU per request, which must stay far below the proxy's
// so that the generator is never the bottleneck.
//
// Run `spyglass-bench --help`; tests/bench/run_bench.py drives it.

#include "Options.h"
#include "ResponseParser.h"
#include "Worker.h"

#include <algorithm>
#include <arpa/inet.h>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <string>
#include <sys/resource.h>
#include <thread>
#include <vector>

using namespace spyglass::bench;

namespace {

struct Cpu {
    double user = 0;
    double sys = 0;
};

// User and system time apart: the system part is mostly the kernel's
// loopback delivery and the wakeup of the peer (paid by the sender), which
// any client pays; the user part is the generator's own work.
Cpu cpuSeconds() {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return {
        static_cast<double>(ru.ru_utime.tv_sec) + static_cast<double>(ru.ru_utime.tv_usec) * 1e-6,
        static_cast<double>(ru.ru_stime.tv_sec) + static_cast<double>(ru.ru_stime.tv_usec) * 1e-6};
}

double percentileMs(const std::vector<std::uint64_t>& sorted, double p) {
    if (sorted.empty())
        return 0;
    const auto idx = static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5);
    return static_cast<double>(sorted[std::min(idx, sorted.size() - 1)]) / 1e6;
}

std::string jsonString(const std::string& s) {
    std::string out = "\"";
    for (char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += ch;
        } else if (c < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out += buf;
        } else {
            out += ch;
        }
    }
    return out + "\"";
}

bool setAddress(const Endpoint& e, Shared& shared) {
    auto* v4 = reinterpret_cast<sockaddr_in*>(&shared.address);
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&shared.address);
    if (inet_pton(AF_INET, e.host.c_str(), &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(e.port);
        shared.addressLength = sizeof(sockaddr_in);
        return true;
    }
    if (inet_pton(AF_INET6, e.host.c_str(), &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(e.port);
        shared.addressLength = sizeof(sockaddr_in6);
        return true;
    }
    return false;
}

SSL_CTX* makeContext(const Options& o) {
    SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
    if (!ctx)
        return nullptr;
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
    // Every new connection is a full handshake: no session cache, no tickets
    // (the worst case, and the same for every proxy measured).
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET | SSL_OP_IGNORE_UNEXPECTED_EOF);
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    static const unsigned char kAlpn[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
    SSL_CTX_set_alpn_protos(ctx, kAlpn, sizeof kAlpn);
    if (!o.caFile.empty() && SSL_CTX_load_verify_locations(ctx, o.caFile.c_str(), nullptr) != 1) {
        std::fprintf(stderr, "spyglass-bench: cannot load CA file %s\n", o.caFile.c_str());
        SSL_CTX_free(ctx);
        return nullptr;
    }
    if (o.caFile.empty())
        SSL_CTX_set_default_verify_paths(ctx);
    return ctx;
}

} // namespace

int main(int argc, char** argv) {
    const auto parsed = parseOptions(argc, argv);
    if (!parsed)
        return 2;
    const Options& o = *parsed;
    if (o.selfTest) {
        const bool ok = selfTestResponseParser();
        std::puts(ok ? "self-test: ok" : "self-test: FAILED");
        return ok ? 0 : 1;
    }
    std::signal(SIGPIPE, SIG_IGN);

    SSL_CTX* ctx = nullptr;
    if (o.tls && !(ctx = makeContext(o)))
        return 2;
    Shared shared(o, ctx);
    if (!setAddress(o.proxy ? *o.proxy : o.target, shared)) {
        std::fprintf(stderr, "spyglass-bench: addresses must be IP literals\n");
        return 2;
    }

    std::vector<std::unique_ptr<Worker>> workers;
    for (int t = 0; t < o.threads; ++t) {
        const int mine = o.connections / o.threads + (t < o.connections % o.threads ? 1 : 0);
        workers.push_back(std::make_unique<Worker>(shared, mine));
    }
    const Cpu cpu0 = cpuSeconds();
    shared.start();
    std::vector<std::thread> threads;
    for (auto& w : workers)
        threads.emplace_back([&w] { w->run(); });
    for (auto& t : threads)
        t.join();
    const Cpu cpu1 = cpuSeconds();
    const double user = cpu1.user - cpu0.user;
    const double sys = cpu1.sys - cpu0.sys;
    const double cpu = user + sys;

    WorkerResult total;
    for (auto& w : workers) {
        const WorkerResult& r = w->result();
        total.latencyNs.insert(total.latencyNs.end(), r.latencyNs.begin(), r.latencyNs.end());
        total.ok += r.ok;
        total.errors += r.errors;
        total.bodyBytes += r.bodyBytes;
        total.connections += r.connections;
        total.lastDoneNs = std::max(total.lastDoneNs, r.lastDoneNs);
        for (const auto& [k, v] : r.errorKinds)
            total.errorKinds[k] += v;
    }
    std::sort(total.latencyNs.begin(), total.latencyNs.end());
    const std::uint64_t endNs = total.lastDoneNs ? total.lastDoneNs : nowNs();
    const double elapsed = std::max(1e-9, static_cast<double>(endNs - shared.startNs) / 1e9);
    const double rps = static_cast<double>(total.ok) / elapsed;
    const double mibps = static_cast<double>(total.bodyBytes) / elapsed / (1024.0 * 1024.0);
    const std::uint64_t attempts = total.ok + total.errors;
    const double perReq = attempts ? 1e6 / static_cast<double>(attempts) : 0;
    const double cpuPerReqUs = cpu * perReq;
    const double p50 = percentileMs(total.latencyNs, 0.50);
    const double p90 = percentileMs(total.latencyNs, 0.90);
    const double p99 = percentileMs(total.latencyNs, 0.99);
    const double maxMs =
        total.latencyNs.empty() ? 0 : static_cast<double>(total.latencyNs.back()) / 1e6;

    if (!o.quiet) {
        std::printf("%s%s%s%llu ok, %llu errors in %.3f s over %llu connections\n",
                    o.label.empty() ? "" : "[", o.label.c_str(), o.label.empty() ? "" : "] ",
                    static_cast<unsigned long long>(total.ok),
                    static_cast<unsigned long long>(total.errors), elapsed,
                    static_cast<unsigned long long>(total.connections));
        std::printf("  %.1f requests/s, %.2f MiB/s body\n", rps, mibps);
        std::printf("  latency ms: p50 %.3f  p90 %.3f  p99 %.3f  max %.3f\n", p50, p90, p99, maxMs);
        std::printf("  client CPU: %.3f s, %.1f us per request (user %.1f, system %.1f)\n", cpu,
                    cpuPerReqUs, user * perReq, sys * perReq);
        for (const auto& [k, v] : total.errorKinds)
            std::printf("  error x%llu: %s\n", static_cast<unsigned long long>(v), k.c_str());
    }
    if (o.json || o.quiet) {
        std::string errs = "{";
        bool first = true;
        for (const auto& [k, v] : total.errorKinds) {
            if (!first)
                errs += ',';
            errs += jsonString(k);
            errs += ':';
            errs += std::to_string(v);
            first = false;
        }
        errs += "}";
        std::printf(
            "BENCH_JSON {\"label\":%s,\"ok\":%llu,\"errors\":%llu,\"connections\":%llu,"
            "\"elapsed_s\":%.6f,\"rps\":%.3f,\"mib_s\":%.3f,\"body_bytes\":%llu,"
            "\"p50_ms\":%.4f,\"p90_ms\":%.4f,\"p99_ms\":%.4f,\"max_ms\":%.4f,"
            "\"client_cpu_s\":%.6f,\"client_cpu_us_per_req\":%.3f,\"client_user_us_per_req\":%.3f,"
            "\"client_sys_us_per_req\":%.3f,\"error_kinds\":%s}\n",
            jsonString(o.label).c_str(), static_cast<unsigned long long>(total.ok),
            static_cast<unsigned long long>(total.errors),
            static_cast<unsigned long long>(total.connections), elapsed, rps, mibps,
            static_cast<unsigned long long>(total.bodyBytes), p50, p90, p99, maxMs, cpu,
            cpuPerReqUs, user * perReq, sys * perReq, errs.c_str());
    }
    std::fflush(stdout);
    workers.clear();
    if (ctx)
        SSL_CTX_free(ctx);
    return total.errors == 0 && total.ok > 0 ? 0 : 1;
}
