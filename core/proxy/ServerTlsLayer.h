#pragma once

#include "Layer.h"
#include "core/tls/TlsConnection.h"

#include <functional>
#include <map>
#include <memory>

namespace spyglass::core::proxy {

// The server legs of an intercepted tunnel: every upstream connection the
// child opens (and the one opened for the CONNECT) gets our own verified TLS
// client. The child sees OpenCompleted only after the handshake, or an
// OpenCompleted with OpenError::TlsFailed and the reason (expired, host name
// mismatch, unknown issuer, ...), which it answers with a 502 page.
class ServerTlsLayer final : public Layer {
public:
    using TlsFactory = std::function<std::unique_ptr<tls::TlsConnection>()>;

    ServerTlsLayer(TlsFactory factory, QByteArray verifyHost, bool insecure,
                   std::unique_ptr<Layer> child);

    // Starts the handshake on a connection that is already open (the one the
    // CONNECT opened).
    void startOn(ConnId conn, qint64 now, Commands& out);
    void handle(const Event& event, Commands& out) override;

private:
    struct Leg {
        std::unique_ptr<tls::TlsConnection> tls;
        bool openedByChild = false; // answer with OpenCompleted when done
        bool eofDelivered = false;
        QByteArray pendingPlain; // written by the child before the handshake ended
    };

    void onCiphertext(ConnId conn, Leg& leg, qint64 now, const QByteArray& data, Commands& out);
    void beginHandshake(ConnId conn, bool openedByChild, Commands& out);
    void failLeg(ConnId conn, qint64 now, const QString& reason, Commands& out);
    void deliver(const Event& event, Commands& out);
    void translate(Commands& childOut, Commands& out);
    void flush(ConnId conn, Leg& leg, Commands& out);

    TlsFactory m_factory;
    QByteArray m_verifyHost;
    bool m_insecure;
    std::unique_ptr<Layer> m_child;
    std::map<ConnId, Leg> m_legs;
    // Plaintext the client sent before a server handshake finished waits in
    // Leg::pendingPlain; past this we stop reading from the client.
    static constexpr qsizetype kPendingLimit = 256 * 1024;
    bool m_clientPaused = false;
};

} // namespace spyglass::core::proxy
