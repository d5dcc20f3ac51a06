#include "TunnelLayer.h"

namespace spyglass::core::proxy {

TunnelLayer::TunnelLayer(ConnId server, const ProxyLimits& limits, ExchangeSummary summary,
                         record::ExchangeId id, record::Timings timings, QString note)
    : m_server(server)
    , m_limits(limits)
    , m_summary(std::move(summary))
    , m_id(id)
    , m_timings(timings)
    , m_note(std::move(note)) {}

void TunnelLayer::start(qint64 /*nowUs*/, QByteArray fromClient, QByteArray fromServer,
                        Commands& out) {
    out.push_back(command::StartTimer{kIdleTimer, m_limits.tunnelIdleMs});
    if (!fromClient.isEmpty())
        relay(kClientConn, fromClient, out);
    if (!fromServer.isEmpty())
        relay(m_server, fromServer, out);
}

void TunnelLayer::handle(const Event& event, Commands& out) {
    if (m_done)
        return;
    const qint64 now = event.nowUs;
    std::visit(
        [&](const auto& e) {
            using E = std::decay_t<decltype(e)>;
            if constexpr (std::is_same_v<E, event::DataReceived>) {
                relay(e.conn, e.data, out);
                countAndRearm(e.conn, 0, out);
            } else if constexpr (std::is_same_v<E, event::BytesRelayed>) {
                countAndRearm(e.conn, e.bytes, out);
            } else if constexpr (std::is_same_v<E, event::PeerClosed>) {
                onEof(e.conn, now, out);
            } else if constexpr (std::is_same_v<E, event::ConnectionFailed>) {
                // A reset is how many clients end a tunnel they are done with
                // (curl on exit, browsers closing tabs); it is noted, not an
                // error, once both sides had exchanged data.
                if (m_summary.bytesUp > 0 && m_summary.bytesDown > 0) {
                    m_note = QStringLiteral("ended by a reset: ") + e.error;
                    finish(now, QString(), out);
                } else {
                    finish(now, e.error, out);
                }
            } else if constexpr (std::is_same_v<E, event::TimerFired>) {
                if (e.timer == kIdleTimer)
                    finish(now, QStringLiteral("tunnel idle timeout"), out);
                else if (e.timer == kFinTimer)
                    finish(now, QString(), out);
            }
        },
        event.kind);
}

void TunnelLayer::relay(ConnId from, const QByteArray& data, Commands& out) {
    if (from == kClientConn)
        m_summary.bytesUp += data.size();
    else
        m_summary.bytesDown += data.size();
    out.push_back(command::SendData{peerOf(from), data});
    maybeRelayInKernel(out);
}

void TunnelLayer::maybeRelayInKernel(Commands& out) {
    if (!m_kernelRelay || m_kernelRelayRequested ||
        m_summary.bytesUp + m_summary.bytesDown < kKernelRelayAfterBytes)
        return;
    m_kernelRelayRequested = true;
    // After the SendData above: the driver writes queued bytes before the
    // relayed ones, so nothing is reordered by the switch.
    out.push_back(command::RelayInKernel{kClientConn, m_server});
}

// `bytes` moved without us (kernel relay) are counted here; either way the
// traffic restarts the idle timer, and the fin timer once one side is done.
void TunnelLayer::countAndRearm(ConnId from, qint64 bytes, Commands& out) {
    (from == kClientConn ? m_summary.bytesUp : m_summary.bytesDown) += bytes;
    out.push_back(command::StartTimer{kIdleTimer, m_limits.tunnelIdleMs});
    if (m_clientEof || m_serverEof)
        out.push_back(command::StartTimer{kFinTimer, m_limits.finWaitMs});
}

void TunnelLayer::onEof(ConnId from, qint64 nowUs, Commands& out) {
    (from == kClientConn ? m_clientEof : m_serverEof) = true;
    if (m_clientEof && m_serverEof) {
        finish(nowUs, QString(), out);
        return;
    }
    // Everything that came from the closed side is already queued toward the
    // other side; ShutdownWrite takes effect after it has been written.
    out.push_back(command::ShutdownWrite{peerOf(from)});
    out.push_back(command::StartTimer{kFinTimer, m_limits.finWaitMs});
}

void TunnelLayer::finish(qint64 nowUs, const QString& error, Commands& out) {
    m_done = true;
    out.push_back(command::CancelTimer{kIdleTimer});
    out.push_back(command::CancelTimer{kFinTimer});
    m_summary.durationUs = nowUs - m_summary.startUs;
    m_summary.error = error;
    if (m_summary.note.isEmpty() && m_note.startsWith(QStringLiteral("ended by a reset")))
        m_summary.note = m_note;
    out.push_back(command::ReportExchange{m_summary});
    if (m_id != 0) {
        record::ExchangeEnd end;
        end.id = m_id;
        end.timings = m_timings;
        end.timings.doneUs = nowUs;
        end.status = m_summary.status;
        end.requestWireBytes = m_summary.bytesUp;
        end.responseWireBytes = m_summary.bytesDown;
        end.error = error;
        end.note = m_note;
        out.push_back(command::Record{std::move(end)});
    }
    out.push_back(command::CloseConnection{m_server});
    out.push_back(command::CloseConnection{kClientConn});
}

} // namespace spyglass::core::proxy
