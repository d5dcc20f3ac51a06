#pragma once

#include "Layer.h"
#include "ProxyContext.h"

#include <memory>

namespace spyglass::core::proxy {

// What HttpProxyLayer knows about a CONNECT once the tunnel is established.
struct ConnectContext {
    ExchangeSummary summary;
    record::ExchangeBegin begin; // id assigned, not yet emitted
    record::Timings timings;
    QByteArray host; // CONNECT target (IPv6 without brackets)
    quint16 port = 0;
    ConnId server = 0;
    QString clientAddress;
    QByteArray requestHead; // the CONNECT head as received
};

// The NextLayer of the architecture guide: after `200 Connection established`
// it reads the client's first bytes without answering them and decides. A
// TLS ClientHello is parsed (SNI, ALPN) and the intercept rules decide by SNI
// (or the CONNECT host when there is none): MITM, or a blind tunnel that
// relays the buffered bytes unchanged. Plain HTTP/1 inside an intercepted
// CONNECT is handled as HTTP; anything else is tunnelled.
class ConnectDecisionLayer final : public Layer {
public:
    ConnectDecisionLayer(const ProxyContext& context, ConnectContext connect);
    ~ConnectDecisionLayer() override;

    void start(qint64 now, QByteArray fromClient, QByteArray fromServer, Commands& out);
    void handle(const Event& event, Commands& out) override;

    // Whether a CONNECT to host:port needs this layer at all: only when some
    // include rule exists (otherwise the tunnel starts at once).
    [[nodiscard]] static bool needed(const ProxyContext& context);

private:
    void tryDecide(qint64 now, Commands& out);
    void startTunnel(qint64 now, const QString& note, Commands& out);
    void startMitm(qint64 now, const QByteArray& sni, bool onlyH2, Commands& out);
    void startPlainHttp(qint64 now, Commands& out);
    void handOver(std::unique_ptr<Layer> next, qint64 now, Commands& out);

    const ProxyContext& m_context;
    ConnectContext m_connect;
    QByteArray m_fromClient;
    QByteArray m_fromServer;
    bool m_clientEof = false;
    std::unique_ptr<Layer> m_next;
};

} // namespace spyglass::core::proxy
