#include "Options.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>

namespace spyglass::bench {

namespace {

const char kUsage[] =
    "usage: spyglass-bench --target IP:PORT [options]\n"
    "  --proxy IP:PORT      go through an HTTP proxy (CONNECT; plain HTTP too unless --forward)\n"
    "  --forward            plain HTTP through the proxy in absolute form (no CONNECT)\n"
    "  --tls --ca FILE      HTTPS to the origin, trusting FILE (verification is always on)\n"
    "  --host NAME          SNI and Host header (default: the target); {n} = connection number\n"
    "  --path PATH          request target (default /)\n"
    "  --connections N      concurrent connections (default 1)\n"
    "  --threads N          worker threads (default 1; connections are spread over them)\n"
    "  --requests N         total requests (default: until --duration)\n"
    "  --duration S         stop issuing requests after S seconds\n"
    "  --new-connection     one request per connection (connect + CONNECT + TLS + GET)\n"
    "  --expect-status N    (default 200)\n"
    "  --expect-bytes N     exact body size every response must have\n"
    "  --read-rate BPS      read at most BPS bytes/s per connection (a slow reader)\n"
    "  --timeout S          abort the run after S seconds (default duration + 120)\n"
    "  --max-errors N       stop after N failed requests (default 100)\n"
    "  --label TEXT         name printed with the results\n"
    "  --json               also print one line: BENCH_JSON {...}\n"
    "  --quiet              only the JSON line\n"
    "  --self-test          check the response parser and exit\n";

bool parseEndpoint(std::string_view text, Endpoint& out) {
    const std::size_t colon = text.rfind(':');
    if (colon == std::string_view::npos || colon == 0)
        return false;
    std::string_view host = text.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    const long port = std::strtol(std::string(text.substr(colon + 1)).c_str(), nullptr, 10);
    if (port <= 0 || port > 65535)
        return false;
    out.host = std::string(host);
    out.port = static_cast<std::uint16_t>(port);
    return true;
}

bool parseNumber(const char* text, std::uint64_t& out) {
    char* end = nullptr;
    const unsigned long long v = std::strtoull(text, &end, 10);
    if (!end || *end != '\0' || end == text)
        return false;
    out = v;
    return true;
}

} // namespace

std::optional<Options> parseOptions(int argc, char** argv) {
    Options o;
    bool haveTarget = false;
    auto bad = [](const char* what) -> std::optional<Options> {
        std::fprintf(stderr, "spyglass-bench: %s\n%s", what, kUsage);
        return std::nullopt;
    };
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        const bool hasValue = i + 1 < argc;
        const char* v = hasValue ? argv[i + 1] : "";
        std::uint64_t n = 0;
        if (a == "--help" || a == "-h") {
            std::fputs(kUsage, stdout);
            std::exit(0);
        } else if (a == "--tls") {
            o.tls = true;
        } else if (a == "--forward") {
            o.forward = true;
        } else if (a == "--new-connection") {
            o.newConnection = true;
        } else if (a == "--json") {
            o.json = true;
        } else if (a == "--quiet") {
            o.quiet = true;
        } else if (a == "--self-test") {
            o.selfTest = true;
        } else if (!hasValue) {
            return bad("missing value or unknown option");
        } else {
            ++i;
            if (a == "--target") {
                if (!parseEndpoint(v, o.target))
                    return bad("--target takes IP:PORT");
                haveTarget = true;
            } else if (a == "--proxy") {
                Endpoint e;
                if (!parseEndpoint(v, e))
                    return bad("--proxy takes IP:PORT");
                o.proxy = e;
            } else if (a == "--ca") {
                o.caFile = v;
            } else if (a == "--host") {
                o.host = v;
            } else if (a == "--path") {
                o.path = v;
            } else if (a == "--label") {
                o.label = v;
            } else if (a == "--duration") {
                o.durationS = std::atof(v);
            } else if (a == "--timeout") {
                o.timeoutS = std::atof(v);
            } else if (parseNumber(v, n)) {
                if (a == "--connections")
                    o.connections = static_cast<int>(n);
                else if (a == "--threads")
                    o.threads = static_cast<int>(n);
                else if (a == "--requests")
                    o.requests = n;
                else if (a == "--expect-status")
                    o.expectStatus = static_cast<int>(n);
                else if (a == "--expect-bytes")
                    o.expectBytes = n;
                else if (a == "--read-rate")
                    o.readRate = n;
                else if (a == "--max-errors")
                    o.maxErrors = n;
                else
                    return bad("unknown option");
            } else {
                return bad("unknown option or bad number");
            }
        }
    }
    if (o.selfTest)
        return o;
    if (!haveTarget)
        return bad("--target is required");
    if (o.requests == 0 && o.durationS <= 0)
        return bad("give --requests or --duration");
    if (o.connections < 1 || o.threads < 1)
        return bad("--connections and --threads must be at least 1");
    if (o.threads > o.connections)
        o.threads = o.connections;
    if (o.forward && (!o.proxy || o.tls))
        return bad("--forward needs --proxy and plain HTTP");
    if (o.host.empty())
        o.host = o.target.host;
    if (o.timeoutS <= 0)
        o.timeoutS = o.durationS + 120;
    return o;
}

} // namespace spyglass::bench
