#pragma once

#include "Layer.h"
#include "ProxyContext.h"
#include "core/tls/TlsConnection.h"

#include <memory>

namespace spyglass::core::proxy {

// The client leg of an intercepted tunnel: we are the TLS server, presenting
// a leaf minted for the host. Ciphertext on the client connection becomes
// plaintext for the child layer and back. When the client aborts the
// handshake (it does not trust our CA, or pins its certificates) the failure
// is recorded on the CONNECT and, if the setting is on, the host is tunnelled
// blindly for the next 10 minutes.
class ClientTlsLayer final : public Layer {
public:
    struct Context {
        QByteArray host;         // what the leaf was minted for
        ExchangeSummary summary; // the CONNECT's, for a failure report
        record::ExchangeBegin begin;
        record::Timings timings;
        QByteArray requestHead;
        bool clientOfferedOnlyH2 = false;
    };

    ClientTlsLayer(const ProxyContext& context, Context connect,
                   std::unique_ptr<tls::TlsConnection> tls, std::unique_ptr<Layer> child);

    // Feeds the ClientHello that the decision layer read without answering.
    void start(qint64 now, const QByteArray& clientHello, Commands& out);
    void handle(const Event& event, Commands& out) override;

private:
    void onCiphertext(qint64 now, const QByteArray& data, Commands& out);
    void deliver(const Event& event, Commands& out);
    void translate(Commands& childOut, Commands& out);
    void flush(Commands& out);
    void failHandshake(qint64 now, const QString& reason, bool rejection, Commands& out);
    // The CONNECT is a record of its own: the TLS handshake with the client.
    void recordConnect(qint64 now, const QString& error, Commands& out);

    const ProxyContext& m_context;
    Context m_connect;
    std::unique_ptr<tls::TlsConnection> m_tls;
    std::unique_ptr<Layer> m_child;
    bool m_failed = false;
    bool m_peerClosedDelivered = false;
};

} // namespace spyglass::core::proxy
