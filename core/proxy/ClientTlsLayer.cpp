#include "ClientTlsLayer.h"

#include <openssl/ssl.h>

namespace spyglass::core::proxy {

namespace {

// Alerts a client sends when it does not accept our certificate (RFC 8446
// §6.2: unknown_ca, bad_certificate, certificate_unknown, access_denied).
bool isCertificateRejection(int reason) {
    switch (reason) {
    case SSL_R_TLSV1_ALERT_UNKNOWN_CA:
    case SSL_R_SSLV3_ALERT_BAD_CERTIFICATE:
    case SSL_R_SSLV3_ALERT_CERTIFICATE_UNKNOWN:
    case SSL_R_TLSV1_ALERT_ACCESS_DENIED:
        return true;
    default:
        return false;
    }
}

} // namespace

ClientTlsLayer::ClientTlsLayer(const ProxyContext& context, Context connect,
                               std::unique_ptr<tls::TlsConnection> tls,
                               std::unique_ptr<Layer> child)
    : m_context(context)
    , m_connect(std::move(connect))
    , m_tls(std::move(tls))
    , m_child(std::move(child)) {}

void ClientTlsLayer::start(qint64 now, const QByteArray& clientHello, Commands& out) {
    m_connect.timings.clientTlsStartUs = now;
    onCiphertext(now, clientHello, out);
}

void ClientTlsLayer::handle(const Event& event, Commands& out) {
    if (m_failed)
        return;
    if (const auto* data = std::get_if<event::DataReceived>(&event.kind);
        data && data->conn == kClientConn) {
        onCiphertext(event.nowUs, data->data, out);
        return;
    }
    if (const auto* closed = std::get_if<event::PeerClosed>(&event.kind);
        closed && closed->conn == kClientConn && !m_tls->isHandshakeDone()) {
        // "or closes during it": a client that hangs up instead of answering
        // our certificate usually did not like it.
        failHandshake(event.nowUs,
                      QStringLiteral("the client closed the connection during "
                                     "the TLS handshake"),
                      true, out);
        return;
    }
    deliver(event, out);
}

void ClientTlsLayer::onCiphertext(qint64 now, const QByteArray& data, Commands& out) {
    m_tls->feed(data);
    if (!m_tls->isHandshakeDone()) {
        const auto progress = m_tls->handshake();
        flush(out);
        if (progress == tls::TlsConnection::Progress::Failed) {
            const bool rejection = isCertificateRejection(m_tls->failureReason());
            QString reason = m_tls->failure();
            if (m_connect.clientOfferedOnlyH2)
                reason = QStringLiteral("the client offered only HTTP/2 (h2); Spyglass speaks "
                                        "HTTP/1.1 to intercepted clients for now");
            failHandshake(now, reason, rejection, out);
            return;
        }
        if (progress == tls::TlsConnection::Progress::InProgress)
            return;
        m_connect.timings.clientTlsDoneUs = now;
        recordConnect(now, QString(), out);
        deliver(Event{now, event::TlsEstablished{kClientConn, m_tls->info(record::TlsLeg::Client)}},
                out);
    }
    QByteArray plain;
    const bool open = m_tls->read(plain);
    flush(out); // reading can produce output (key updates, alerts)
    if (!plain.isEmpty())
        deliver(Event{now, event::DataReceived{kClientConn, std::move(plain)}}, out);
    if (!open && !m_peerClosedDelivered) {
        m_peerClosedDelivered = true;
        if (m_tls->peerClosed())
            deliver(Event{now, event::PeerClosed{kClientConn}}, out);
        else
            deliver(Event{now, event::ConnectionFailed{kClientConn, m_tls->failure()}}, out);
    }
}

void ClientTlsLayer::deliver(const Event& event, Commands& out) {
    Commands childOut;
    m_child->handle(event, childOut);
    translate(childOut, out);
}

void ClientTlsLayer::translate(Commands& childOut, Commands& out) {
    for (Command& command : childOut) {
        if (auto* send = std::get_if<command::SendData>(&command);
            send && send->conn == kClientConn) {
            m_tls->write(send->data);
            flush(out);
            continue;
        }
        const bool endsClient = (std::holds_alternative<command::ShutdownWrite>(command) &&
                                 std::get<command::ShutdownWrite>(command).conn == kClientConn) ||
                                (std::holds_alternative<command::CloseConnection>(command) &&
                                 std::get<command::CloseConnection>(command).conn == kClientConn);
        if (endsClient) {
            m_tls->shutdown();
            flush(out);
        }
        out.push_back(std::move(command));
    }
}

void ClientTlsLayer::flush(Commands& out) {
    QByteArray data = m_tls->takeOutput();
    if (!data.isEmpty())
        out.push_back(command::SendData{kClientConn, std::move(data)});
}

void ClientTlsLayer::failHandshake(qint64 now, const QString& reason, bool rejection,
                                   Commands& out) {
    m_failed = true;
    QString message = reason;
    if (rejection) {
        message = QStringLiteral("the client does not trust the Spyglass CA — install it, or "
                                 "this app pins its certificates (%1)")
                      .arg(reason);
        if (m_context.passthrough && m_context.config.intercept.passthroughOnReject) {
            m_context.passthrough->add(m_connect.host, now, message);
            message += QStringLiteral("; tunnelling %1 blindly for the next 10 minutes")
                           .arg(QString::fromLatin1(m_connect.host));
        }
    }
    ExchangeSummary summary = m_connect.summary;
    summary.mode = ExchangeMode::Intercepted;
    summary.durationUs = now - summary.startUs;
    summary.error = message;
    out.push_back(command::ReportExchange{summary});
    recordConnect(now, message, out);
    out.push_back(command::CloseConnection{kClientConn});
}

void ClientTlsLayer::recordConnect(qint64 now, const QString& error, Commands& out) {
    record::ExchangeBegin begin = m_connect.begin;
    begin.mode = record::Mode::Intercepted;
    const record::ExchangeId id = begin.id;
    out.push_back(command::Record{std::move(begin)});
    out.push_back(command::Record{
        record::HeadRecord{id, record::Direction::Request, 0, m_connect.requestHead, {}}});
    if (error.isEmpty()) {
        record::TlsRecord tls = m_tls->info(record::TlsLeg::Client);
        tls.id = id;
        out.push_back(command::Record{std::move(tls)});
    }
    record::ExchangeEnd end;
    end.id = id;
    end.timings = m_connect.timings;
    end.timings.doneUs = now;
    end.status = m_connect.summary.status;
    end.error = error;
    end.note = error.isEmpty() ? QStringLiteral("intercepted: the exchanges inside are recorded "
                                                "on their own")
                               : QString();
    out.push_back(command::Record{std::move(end)});
}

} // namespace spyglass::core::proxy
