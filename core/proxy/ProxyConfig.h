#pragma once

#include "InterceptRules.h"
#include "core/http1/Http1Limits.h"

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <optional>
#include <set>

namespace spyglass::core::proxy {

// The next proxy in a chain (`--upstream-proxy http://[user:pass@]host:port`).
struct UpstreamProxy {
    QByteArray host; // IPv6 without brackets
    quint16 port = 0;
    QByteArray basicCredentials; // "user:pass" or empty
};

// Named limits and timeouts with their defaults in one place; the layer and
// the socket driver both read them from here.
struct ProxyLimits {
    http1::Http1Limits http1;
    // Total deadline for a request head, from accept or from its first byte on
    // a kept-alive connection (a total deadline, not an inactivity timer, so a
    // slowloris client cannot keep a connection by trickling bytes).
    int headerTimeoutMs = 30'000;
    int keepAliveIdleMs = 60'000;
    int connectTimeoutMs = 10'000;
    int tunnelIdleMs = 600'000;
    // After one side of a tunnel half-closed, how long the other side may stay
    // silent before both are closed (RFC 9110 §9.3.6 leaves the timing to us).
    int finWaitMs = 60'000;
    int maxConnections = 1024;
    // Bytes a connection may have queued for writing before the driver stops
    // reading from its peers, and the level at which reading resumes.
    qsizetype writeHighWater = 512 * 1024;
    qsizetype writeLowWater = 128 * 1024;
    // Unparsed client bytes the HTTP layer holds (pipelined requests waiting
    // their turn) before it stops reading from the client.
    qsizetype pipelineBufferLimit = 128 * 1024;
};

// Which CONNECT tunnels are intercepted (MITM) and how the server leg is
// verified. Default: no include pattern, so every tunnel stays blind.
struct InterceptConfig {
    InterceptRules rules;
    // --insecure-upstream: hosts whose certificate errors are ignored (off by
    // default; shown on every exchange it applies to).
    std::vector<InterceptPattern> insecureUpstream;
    QStringList upstreamCaFiles; // --upstream-ca, on top of the system store
    // Tunnel a host blindly for a while after its client rejected our
    // certificate (pinning, or the CA is not trusted).
    bool passthroughOnReject = true;
    QString keyLogFile; // SSLKEYLOGFILE

    [[nodiscard]] bool isInsecure(QByteArrayView host, quint16 port) const {
        for (const auto& pattern : insecureUpstream) {
            if (pattern.matches(host, port))
                return true;
        }
        return false;
    }
};

struct ProxyConfig {
    QString listenHost = QStringLiteral("127.0.0.1");
    quint16 listenPort = 8080;
    // Binding a non-loopback address is opt-in; even then clients with global
    // (public) addresses are refused.
    bool allowLan = false;
    std::set<quint16> allowedConnectPorts{443};
    bool allowAnyConnectPort = false;
    QByteArray basicCredentials; // "user:pass" for --auth, empty = no auth
    std::optional<UpstreamProxy> upstreamProxy;
    InterceptConfig intercept;
    ProxyLimits limits;

    [[nodiscard]] bool connectPortAllowed(quint16 port) const {
        return allowAnyConnectPort || allowedConnectPorts.contains(port);
    }
};

} // namespace spyglass::core::proxy
