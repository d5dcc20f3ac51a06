#pragma once

#include "Layer.h"
#include "ProxyConfig.h"

namespace spyglass::core::proxy {

// Relays bytes both ways between the client and one server connection,
// untouched. Closing follows RFC 9110 §9.3.6: "A tunnel is closed when a
// tunnel intermediary detects that either side has closed its connection: the
// intermediary MUST attempt to send any outstanding data that came from the
// closed side to the other side, close both connections, and then discard any
// remaining data left undelivered." We half-close instead of closing at once
// so protocols that answer after the peer's EOF keep working; both sides are
// closed when both are done, on error, or when the fin timer fires.
class TunnelLayer final : public Layer {
public:
    static constexpr int kIdleTimer = 100;
    static constexpr int kFinTimer = 101;

    // `summary` is the CONNECT's record so far (start time, client, target);
    // the layer completes it when the tunnel closes.
    // `id` != 0: the tunnel ends the record `id` (its begin was emitted by
    // whoever started it) with byte counts, duration and `note`.
    TunnelLayer(ConnId server, const ProxyLimits& limits, ExchangeSummary summary,
                record::ExchangeId id = 0, record::Timings timings = {}, QString note = {});

    // For a tunnel between the two plain sockets of a CONNECT (a blind
    // tunnel, not one inside TLS): once kKernelRelayAfterBytes have been
    // relayed by copying, the layer asks the driver to relay in the kernel
    // (command::RelayInKernel), which then reports byte counts
    // (event::BytesRelayed) instead of data. Bytes already queued are
    // written first, so the switch keeps the order.
    void enableKernelRelay() { m_kernelRelay = true; }

    // A kernel relay costs two pipes per tunnel (pipe2, F_SETPIPE_SZ and four
    // closes): measured 16 new tunnels at a time, 1 KiB each, 299–325 µs of
    // proxy CPU per tunnel copying against 348–360 splicing. Splicing saves
    // about 0.4 µs per KiB relayed (0.86 vs 0.47 ms/MiB), so it pays for its
    // pipes after about 100 KiB; short tunnels (a TLS handshake and a few
    // small requests) never make them.
    static constexpr qint64 kKernelRelayAfterBytes = 128 * 1024;

    // Called once when the tunnel starts: relays bytes that arrived with the
    // CONNECT head (e.g. a ClientHello sent early) and bytes the upstream
    // proxy sent after its 2xx, and arms the idle timer.
    void start(qint64 nowUs, QByteArray fromClient, QByteArray fromServer, Commands& out);
    void handle(const Event& event, Commands& out) override;

private:
    void relay(ConnId from, const QByteArray& data, Commands& out);
    void maybeRelayInKernel(Commands& out);
    void countAndRearm(ConnId from, qint64 bytes, Commands& out);
    void onEof(ConnId from, qint64 nowUs, Commands& out);
    void finish(qint64 nowUs, const QString& error, Commands& out);
    [[nodiscard]] ConnId peerOf(ConnId conn) const {
        return conn == kClientConn ? m_server : kClientConn;
    }

    ConnId m_server;
    ProxyLimits m_limits;
    ExchangeSummary m_summary;
    record::ExchangeId m_id;
    record::Timings m_timings;
    QString m_note;
    bool m_clientEof = false;
    bool m_serverEof = false;
    bool m_done = false;
    bool m_kernelRelay = false;
    bool m_kernelRelayRequested = false;
};

} // namespace spyglass::core::proxy
