#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace spyglass::bench {

struct Endpoint {
    std::string host; // an IPv4 or IPv6 literal (the generator never resolves names)
    std::uint16_t port = 0;
};

struct Options {
    Endpoint target;               // the origin: connected to directly, or named in CONNECT
    std::optional<Endpoint> proxy; // an HTTP proxy: CONNECT, or absolute-form with --forward
    bool forward = false;          // plain HTTP through the proxy in absolute form, no CONNECT
    bool tls = false;              // TLS to the origin (inside CONNECT when proxied)
    std::string caFile;            // trusted CA for --tls (verification is always on)
    std::string host;              // SNI and Host; "{n}" becomes a per-connection number
    std::string path = "/";
    int connections = 1;
    int threads = 1;
    std::uint64_t requests = 0; // total; 0 = only --duration limits
    double durationS = 0;       // 0 = only --requests limits
    bool newConnection = false; // one request per connection (else keep-alive)
    int expectStatus = 200;
    std::optional<std::uint64_t> expectBytes;
    std::uint64_t readRate = 0;    // bytes/s per connection; 0 = as fast as possible
    double timeoutS = 0;           // whole run; 0 = duration + 120 s
    std::uint64_t maxErrors = 100; // stop the run after this many failed requests
    std::string label;
    bool json = false;
    bool quiet = false;
    bool selfTest = false;
};

// Parses argv; on error prints a message (and usage) and returns nullopt.
std::optional<Options> parseOptions(int argc, char** argv);

} // namespace spyglass::bench
