#include "ServerTlsLayer.h"

#include "core/tls/UpstreamVerification.h"

namespace spyglass::core::proxy {

ServerTlsLayer::ServerTlsLayer(TlsFactory factory, QByteArray verifyHost, bool insecure,
                               std::unique_ptr<Layer> child)
    : m_factory(std::move(factory))
    , m_verifyHost(std::move(verifyHost))
    , m_insecure(insecure)
    , m_child(std::move(child)) {}

void ServerTlsLayer::startOn(ConnId conn, qint64 /*now*/, Commands& out) {
    beginHandshake(conn, false, out);
}

void ServerTlsLayer::beginHandshake(ConnId conn, bool openedByChild, Commands& out) {
    Leg& leg = m_legs[conn];
    leg.tls = m_factory();
    leg.openedByChild = openedByChild;
    leg.tls->handshake(); // produces the ClientHello
    flush(conn, leg, out);
}

void ServerTlsLayer::handle(const Event& event, Commands& out) {
    const qint64 now = event.nowUs;
    if (const auto* open = std::get_if<event::OpenCompleted>(&event.kind)) {
        if (open->error == OpenError::None) {
            beginHandshake(open->conn, true, out);
            return; // the child hears of it when the handshake is done
        }
        deliver(event, out);
        return;
    }
    if (const auto* data = std::get_if<event::DataReceived>(&event.kind)) {
        if (auto it = m_legs.find(data->conn); it != m_legs.end()) {
            onCiphertext(data->conn, it->second, now, data->data, out);
            return;
        }
    }
    if (const auto* closed = std::get_if<event::PeerClosed>(&event.kind)) {
        if (auto it = m_legs.find(closed->conn); it != m_legs.end()) {
            if (!it->second.tls->isHandshakeDone()) {
                failLeg(closed->conn, now,
                        QStringLiteral("the server closed the connection during the TLS "
                                       "handshake"),
                        out);
                return;
            }
            if (it->second.eofDelivered)
                return;
            it->second.eofDelivered = true;
        }
    }
    if (const auto* failed = std::get_if<event::ConnectionFailed>(&event.kind))
        m_legs.erase(failed->conn);
    deliver(event, out);
}

void ServerTlsLayer::onCiphertext(ConnId conn, Leg& leg, qint64 now, const QByteArray& data,
                                  Commands& out) {
    leg.tls->feed(data);
    if (!leg.tls->isHandshakeDone()) {
        const auto progress = leg.tls->handshake();
        flush(conn, leg, out);
        if (progress == tls::TlsConnection::Progress::Failed) {
            QString reason =
                tls::describeUpstreamFailure(leg.tls->ssl(), leg.tls->failure(), m_verifyHost);
            if (!m_insecure && SSL_get_verify_result(leg.tls->ssl()) != X509_V_OK)
                reason += QStringLiteral(". To connect anyway, start Spyglass with "
                                         "--insecure-upstream %1")
                              .arg(QString::fromLatin1(m_verifyHost));
            failLeg(conn, now, reason, out);
            return;
        }
        if (progress == tls::TlsConnection::Progress::InProgress)
            return;
        record::TlsRecord info = leg.tls->info(record::TlsLeg::Server);
        info.insecureException = m_insecure;
        const bool openedByChild = leg.openedByChild;
        QByteArray pending = std::exchange(leg.pendingPlain, {});
        if (openedByChild)
            deliver(Event{now, event::OpenCompleted{conn, OpenError::None, QString()}}, out);
        deliver(Event{now, event::TlsEstablished{conn, std::move(info)}}, out);
        auto again = m_legs.find(conn);
        if (again == m_legs.end())
            return;
        if (!pending.isEmpty()) {
            again->second.tls->write(pending);
            flush(conn, again->second, out);
        }
        if (m_clientPaused) {
            m_clientPaused = false;
            out.push_back(command::SetReading{kClientConn, true});
        }
    }
    auto it = m_legs.find(conn);
    if (it == m_legs.end())
        return;
    QByteArray plain;
    const bool open = it->second.tls->read(plain);
    flush(conn, it->second, out);
    if (!plain.isEmpty())
        deliver(Event{now, event::DataReceived{conn, std::move(plain)}}, out);
    it = m_legs.find(conn);
    if (!open && it != m_legs.end() && !it->second.eofDelivered) {
        it->second.eofDelivered = true;
        if (it->second.tls->peerClosed())
            deliver(Event{now, event::PeerClosed{conn}}, out);
        else
            deliver(Event{now, event::ConnectionFailed{conn, it->second.tls->failure()}}, out);
    }
}

void ServerTlsLayer::failLeg(ConnId conn, qint64 now, const QString& reason, Commands& out) {
    const bool openedByChild = m_legs[conn].openedByChild;
    m_legs.erase(conn);
    out.push_back(command::CloseConnection{conn});
    if (openedByChild)
        deliver(Event{now, event::OpenCompleted{conn, OpenError::TlsFailed, reason}}, out);
    else
        deliver(Event{now, event::ConnectionFailed{conn, reason}}, out);
}

void ServerTlsLayer::deliver(const Event& event, Commands& out) {
    Commands childOut;
    m_child->handle(event, childOut);
    translate(childOut, out);
}

void ServerTlsLayer::translate(Commands& childOut, Commands& out) {
    for (Command& command : childOut) {
        if (auto* send = std::get_if<command::SendData>(&command)) {
            if (auto it = m_legs.find(send->conn); it != m_legs.end()) {
                if (!it->second.tls->isHandshakeDone()) {
                    it->second.pendingPlain.append(send->data);
                    if (it->second.pendingPlain.size() > kPendingLimit && !m_clientPaused) {
                        m_clientPaused = true;
                        out.push_back(command::SetReading{kClientConn, false});
                    }
                } else {
                    it->second.tls->write(send->data);
                    flush(send->conn, it->second, out);
                }
                continue;
            }
        }
        ConnId ending = -1;
        if (const auto* shut = std::get_if<command::ShutdownWrite>(&command))
            ending = shut->conn;
        if (const auto* close = std::get_if<command::CloseConnection>(&command))
            ending = close->conn;
        if (auto it = m_legs.find(ending); it != m_legs.end()) {
            it->second.tls->shutdown();
            flush(ending, it->second, out);
            if (std::holds_alternative<command::CloseConnection>(command))
                m_legs.erase(it);
        }
        out.push_back(std::move(command));
    }
}

void ServerTlsLayer::flush(ConnId conn, Leg& leg, Commands& out) {
    QByteArray data = leg.tls->takeOutput();
    if (!data.isEmpty())
        out.push_back(command::SendData{conn, std::move(data)});
}

} // namespace spyglass::core::proxy
