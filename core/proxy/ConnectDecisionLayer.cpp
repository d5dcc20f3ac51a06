#include "ConnectDecisionLayer.h"

#include "ClientTlsLayer.h"
#include "HttpProxyLayer.h"
#include "ServerTlsLayer.h"
#include "TunnelLayer.h"
#include "certs/LeafCache.h"
#include "core/tls/ClientHello.h"
#include "core/tls/TlsContexts.h"
#include "core/tls/UpstreamVerification.h"

#include <QHostAddress>

namespace spyglass::core::proxy {

namespace {

// Bytes a non-TLS client may send before we must decide whether they are an
// HTTP request line.
constexpr qsizetype kPlainSniffBytes = 16;

bool looksLikeHttpRequest(const QByteArray& bytes) {
    const qsizetype space = bytes.indexOf(' ');
    if (space <= 0)
        return false;
    for (qsizetype i = 0; i < space; ++i) {
        const char c = bytes[i];
        if (c < 'A' || c > 'Z')
            return false;
    }
    return true;
}

} // namespace

ConnectDecisionLayer::ConnectDecisionLayer(const ProxyContext& context, ConnectContext connect)
    : m_context(context)
    , m_connect(std::move(connect)) {}

ConnectDecisionLayer::~ConnectDecisionLayer() = default;

bool ConnectDecisionLayer::needed(const ProxyContext& context) {
    return context.canIntercept();
}

void ConnectDecisionLayer::start(qint64 now, QByteArray fromClient, QByteArray fromServer,
                                 Commands& out) {
    m_fromClient = std::move(fromClient);
    m_fromServer = std::move(fromServer);
    // Both sides silent: the tunnel's idle timeout applies while we wait.
    out.push_back(
        command::StartTimer{TunnelLayer::kIdleTimer, m_context.config.limits.tunnelIdleMs});
    if (!m_fromServer.isEmpty()) {
        // The server speaks first: not a TLS client hello we could act on.
        startTunnel(now, QStringLiteral("the server spoke first"), out);
        return;
    }
    tryDecide(now, out);
}

void ConnectDecisionLayer::handle(const Event& event, Commands& out) {
    if (m_next) {
        m_next->handle(event, out);
        return;
    }
    const qint64 now = event.nowUs;
    if (const auto* data = std::get_if<event::DataReceived>(&event.kind)) {
        if (data->conn == kClientConn) {
            m_fromClient.append(data->data);
            tryDecide(now, out);
        } else {
            m_fromServer.append(data->data);
            startTunnel(now, QStringLiteral("the server spoke first"), out);
        }
        return;
    }
    if (const auto* closed = std::get_if<event::PeerClosed>(&event.kind);
        closed && closed->conn == kClientConn) {
        m_clientEof = true;
    }
    // Anything else before a decision (EOF, errors): a plain tunnel handles
    // closing correctly, so hand over and replay the event.
    startTunnel(now, QStringLiteral("the connection ended before a decision"), out);
    if (m_next && !(std::holds_alternative<event::PeerClosed>(event.kind) && m_clientEof))
        m_next->handle(event, out);
}

void ConnectDecisionLayer::tryDecide(qint64 now, Commands& out) {
    if (m_fromClient.isEmpty())
        return;
    const auto& rules = m_context.config.intercept.rules;
    if (tls::looksLikeTls(m_fromClient)) {
        const auto hello = tls::parseClientHello(m_fromClient);
        if (hello.status == tls::ClientHelloStatus::NeedMoreData)
            return;
        if (hello.status != tls::ClientHelloStatus::Complete) {
            startTunnel(now, QStringLiteral("not a TLS ClientHello we can read: ") + hello.error,
                        out);
            return;
        }
        // The SNI decides when there is one (the CONNECT target may be an IP
        // address or differ from the name the client wants).
        const QByteArray host = hello.info.sni.isEmpty() ? m_connect.host : hello.info.sni;
        const auto decision = rules.decide(host, m_connect.port);
        if (!decision.intercept) {
            startTunnel(now, decision.reason, out);
            return;
        }
        if (m_context.passthrough && m_context.passthrough->contains(host, now)) {
            startTunnel(now,
                        QStringLiteral("passed through: its client rejected the Spyglass "
                                       "certificate recently"),
                        out);
            return;
        }
        const bool offersHttp11 =
            hello.info.alpn.isEmpty() || hello.info.alpn.contains(QByteArrayLiteral("http/1.1"));
        startMitm(now, hello.info.sni, !offersHttp11, out);
        return;
    }
    if (m_fromClient.size() < kPlainSniffBytes && m_fromClient.indexOf('\n') < 0 &&
        m_fromClient.indexOf(' ') < 0)
        return;
    if (rules.decide(m_connect.host, m_connect.port).intercept &&
        looksLikeHttpRequest(m_fromClient)) {
        startPlainHttp(now, out);
        return;
    }
    startTunnel(now, QStringLiteral("not TLS"), out);
}

void ConnectDecisionLayer::handOver(std::unique_ptr<Layer> next, qint64 now, Commands& out) {
    m_next = std::move(next);
    if (m_clientEof)
        m_next->handle(Event{now, event::PeerClosed{kClientConn}}, out);
}

void ConnectDecisionLayer::startTunnel(qint64 now, const QString& note, Commands& out) {
    if (m_next)
        return;
    auto tunnel =
        std::make_unique<TunnelLayer>(m_connect.server, m_context.config.limits, m_connect.summary,
                                      m_connect.begin.id, m_connect.timings, note);
    out.push_back(command::Record{m_connect.begin});
    out.push_back(command::Record{record::HeadRecord{
        m_connect.begin.id, record::Direction::Request, 0, m_connect.requestHead, {}}});
    TunnelLayer* raw = tunnel.get();
    raw->enableKernelRelay();
    m_next = std::move(tunnel);
    raw->start(now, std::exchange(m_fromClient, {}), std::exchange(m_fromServer, {}), out);
    if (m_clientEof)
        raw->handle(Event{now, event::PeerClosed{kClientConn}}, out);
}

void ConnectDecisionLayer::startPlainHttp(qint64 now, Commands& out) {
    InterceptTarget target{"http", m_connect.host, m_connect.port, m_connect.server,
                           m_connect.clientAddress};
    auto http = std::make_unique<HttpProxyLayer>(m_context, target);
    HttpProxyLayer* raw = http.get();
    m_next = std::move(http);
    raw->startIntercepted(now, out);
    raw->handle(Event{now, event::DataReceived{kClientConn, std::exchange(m_fromClient, {})}}, out);
    if (m_clientEof)
        raw->handle(Event{now, event::PeerClosed{kClientConn}}, out);
}

void ConnectDecisionLayer::startMitm(qint64 now, const QByteArray& sni, bool onlyH2,
                                     Commands& out) {
    const QByteArray host = sni.isEmpty() ? m_connect.host : sni;
    QString unavailable;
    const auto tools = m_context.interception->acquireInterception(&unavailable);
    if (!tools) {
        startTunnel(now, QStringLiteral("interception is unavailable: ") + unavailable, out);
        return;
    }
    auto leaf = tools->leaves.get(QString::fromLatin1(host));
    if (!leaf) {
        startTunnel(now,
                    QStringLiteral("no certificate could be minted for %1: %2")
                        .arg(QString::fromLatin1(host), leaf.error().message),
                    out);
        return;
    }
    SSL* clientSide = SSL_new(tools->tls.clientFacing());
    SSL_use_certificate(clientSide, leaf.value()->certificate());
    SSL_use_PrivateKey(clientSide, leaf.value()->privateKey());
    SSL_add1_chain_cert(clientSide, leaf.value()->issuerCertificate());

    // The server leg: SNI is the client's SNI, else the CONNECT host when it
    // is a name; the identity verified is the same name (or the IP literal).
    const QByteArray verifyHost = host;
    const bool insecure = m_context.config.intercept.isInsecure(host, m_connect.port);
    SSL_CTX* serverCtx = tools->tls.serverFacing(!insecure);
    tls::UpstreamSessionCache* sessions = &tools->tls.upstreamSessions();
    auto factory = [serverCtx, sni = host, verifyHost, sessions, port = m_connect.port] {
        SSL* ssl = SSL_new(serverCtx);
        tls::configureServerLeg(ssl, sni, verifyHost);
        sessions->prepare(ssl, verifyHost, port, sni);
        return std::make_unique<tls::TlsConnection>(ssl, tls::TlsConnection::Role::Client);
    };

    InterceptTarget target{"https", host, m_connect.port, m_connect.server, m_connect.clientAddress,
                           insecure};
    auto http = std::make_unique<HttpProxyLayer>(m_context, target);
    HttpProxyLayer* httpRaw = http.get();
    auto serverTls =
        std::make_unique<ServerTlsLayer>(factory, verifyHost, insecure, std::move(http));
    ServerTlsLayer* serverRaw = serverTls.get();

    ClientTlsLayer::Context ctx{
        host, m_connect.summary, m_connect.begin, m_connect.timings, m_connect.requestHead, onlyH2};
    auto clientTls = std::make_unique<ClientTlsLayer>(
        m_context, ctx,
        std::make_unique<tls::TlsConnection>(clientSide, tls::TlsConnection::Role::Server),
        std::move(serverTls));
    ClientTlsLayer* clientRaw = clientTls.get();
    m_next = std::move(clientTls);

    httpRaw->startIntercepted(now, out);
    serverRaw->startOn(m_connect.server, now, out);
    clientRaw->start(now, std::exchange(m_fromClient, {}), out);
}

} // namespace spyglass::core::proxy
