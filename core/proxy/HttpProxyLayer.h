#pragma once

#include "Layer.h"
#include "ProxyContext.h"
#include "core/http1/RequestReader.h"
#include "core/http1/RequestTarget.h"
#include "core/http1/ResponseReader.h"
#include "core/record/ExchangeIdSource.h"

#include <map>
#include <memory>
#include <optional>

namespace spyglass::core::proxy {

// Where an intercepted tunnel's requests go: they arrive in origin-form and
// are sent to this host:port over the connection the CONNECT opened.
struct InterceptTarget {
    QByteArray scheme; // "https" (TLS on both legs) or "http" (plain HTTP in a tunnel)
    QByteArray host;   // the SNI, or the CONNECT host
    quint16 port = 0;
    ConnId server = 0; // already open
    QString clientAddress;
    bool insecureUpstream = false; // --insecure-upstream applies
};

// The first layer of every client connection: reads proxy requests. An
// absolute-form `http://` request is forwarded (origin-form upstream,
// hop-by-hop fields stripped, bodies streamed, keep-alive on both sides,
// pipelined requests answered in order). `CONNECT host:port` opens the
// upstream connection first, answers `200 Connection established`, and hands
// the connection to a TunnelLayer.
class HttpProxyLayer final : public Layer {
public:
    static constexpr int kHeaderTimer = 1;
    static constexpr int kKeepAliveTimer = 2;

    explicit HttpProxyLayer(const ProxyContext& context);
    // Inside an intercepted tunnel; call startIntercepted() before events.
    HttpProxyLayer(const ProxyContext& context, InterceptTarget target);
    void startIntercepted(qint64 now, Commands& out);
    void handle(const Event& event, Commands& out) override;

private:
    enum class State {
        ReadingHead,     // waiting for (the rest of) a request head
        Connecting,      // upstream connection being opened
        UpstreamConnect, // our CONNECT sent to the upstream proxy, awaiting its answer
        Forwarding,      // request relayed; response relayed as it arrives
        Tunnel,          // delegated to m_tunnel
        Closed,
    };

    struct Exchange {
        http1::RequestHead request;
        http1::RequestTarget target;
        bool isConnect = false;
        bool requestChunked = false;
        bool requestHasBody = false;
        bool requestComplete = false;
        bool responseHeadSent = false;
        bool responseComplete = false;
        bool chunkedToClient = false;
        bool closeClientAfter = false;
        bool serverReusable = false;
        QByteArray pendingToServer; // while the upstream connection opens
        ExchangeSummary summary;
        // What the recorder gets (record::RecordEvents): begun lazily so
        // that requests refused before their head parsed are records too.
        record::ExchangeId id = 0;
        record::Timings timings;
        qint64 requestBodyBytes = 0;
        qint64 responseBodyBytes = 0;
        QByteArray contentType;
        bool requestHeadRecorded = false;
        bool upgradeRequested = false; // Upgrade (WebSocket) forwarded
        bool beginRecorded = false;
        bool serverTlsRecorded = false;
        bool responseChunked = false;
    };

    void onStart(const event::Start& e, qint64 now, Commands& out);
    void onClientData(const QByteArray& data, qint64 now, Commands& out);
    void onClientEof(qint64 now, Commands& out);
    void onServerData(ConnId conn, const QByteArray& data, qint64 now, Commands& out);
    void onServerEof(ConnId conn, qint64 now, Commands& out);
    void onConnectionFailed(const event::ConnectionFailed& e, qint64 now, Commands& out);
    void onOpenCompleted(const event::OpenCompleted& e, qint64 now, Commands& out);
    void onTimer(int timer, qint64 now, Commands& out);

    // Request side (HttpProxyLayerRequest.cpp).
    void pumpClient(qint64 now, Commands& out);
    void onRequestEvent(const http1::RequestEvent& ev, qint64 now, Commands& out);
    void onRequestHead(const http1::HeadReceived<http1::RequestHead>& h, qint64 now, Commands& out);
    void startConnect(qint64 now, Commands& out);
    void startForward(qint64 now, Commands& out);
    void openServer(const QByteArray& key, qint64 now, Commands& out);
    void sendToServer(QByteArray data, Commands& out);
    void sendUpstreamConnect(Commands& out);
    void onRequestComplete(const http1::HeaderFields& trailers, qint64 now, Commands& out);
    [[nodiscard]] QString allowedPortsText() const;

    // Response side (HttpProxyLayerResponse.cpp).
    void pumpServer(qint64 now, Commands& out);
    void onResponseEvent(const http1::ResponseEvent& ev, qint64 now, Commands& out);
    void onResponseHead(const http1::HeadReceived<http1::ResponseHead>& h, qint64 now,
                        Commands& out);
    void onResponseComplete(const http1::HeaderFields& trailers, qint64 now, Commands& out);
    void onUpstreamConnectAnswer(qint64 now, Commands& out);
    void finishExchange(qint64 now, Commands& out);
    void startTunnel(QByteArray fromServer, qint64 now, Commands& out);
    void startUpgradedRelay(qint64 now, Commands& out);

    // Errors answered by Spyglass itself, and connection bookkeeping.
    void respondError(int status, const QString& message, qint64 now, Commands& out,
                      bool forceClose = false, const http1::HeaderFields& extra = {});
    void failUpstream(const QString& message, qint64 now, Commands& out);
    void failClientMidRequest(qint64 now, Commands& out);
    [[nodiscard]] QString openErrorMessage(const event::OpenCompleted& e, int& status) const;
    [[nodiscard]] bool clientHasPartialRequest() const;
    void updateTimersAndReading(Commands& out);
    void closeServer(Commands& out);
    void closeAll(Commands& out);
    void report(qint64 now, Commands& out);
    record::ExchangeBegin makeBegin();
    void recordBegin(Commands& out);
    void onServerTlsEstablished(const event::TlsEstablished& e, Commands& out);
    void recordServerTls(Commands& out);
    void recordHead(record::Direction direction, int status, const QByteArray& raw,
                    const QByteArray& forwarded, Commands& out);
    void recordBody(record::Direction direction, const QByteArray& data, bool chunked,
                    Commands& out);

    const ProxyContext& m_context;
    const ProxyConfig& m_config;
    record::ExchangeIdSource& m_ids;
    std::optional<InterceptTarget> m_intercept;
    std::optional<record::TlsRecord> m_clientTls;
    std::map<ConnId, record::TlsRecord> m_serverTls;
    qint64 m_acceptUs = 0;
    State m_state = State::ReadingHead;
    QString m_clientAddress;
    QByteArray m_clientBuffer;
    http1::RequestReader m_requestReader;
    bool m_clientEof = false;
    bool m_clientReading = true;
    bool m_pumpingClient = false;
    bool m_headerTimerRunning = false;
    bool m_keepAliveTimerRunning = false;
    bool m_interimResponse = false; // a 1xx is being relayed
    bool m_pendingUpgrade = false;  // a 101 was relayed; relay bytes next
    int m_upstreamStatus = 0;       // the next proxy's answer to our CONNECT
    QByteArray m_upstreamReason;

    std::optional<Exchange> m_exchange;

    // The current upstream connection, reused across keep-alive requests to
    // the same host:port (or any host when chaining to an upstream proxy).
    ConnId m_server = 0;
    ConnId m_nextConnId = 1;
    QByteArray m_serverKey;
    bool m_serverOpen = false;
    QByteArray m_serverBuffer;
    std::unique_ptr<http1::ResponseReader> m_responseReader;

    // After CONNECT or a 101: the layer everything is delegated to.
    std::unique_ptr<Layer> m_next;
};

} // namespace spyglass::core::proxy
