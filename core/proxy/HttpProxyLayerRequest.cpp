// HttpProxyLayer, request side: parsing client requests and sending them on.
#include "ErrorResponse.h"
#include "HopByHop.h"
#include "HttpProxyLayer.h"
#include "Overloaded.h"
#include "ProxyAuth.h"
#include "core/http1/Serializer.h"

namespace spyglass::core::proxy {

using namespace http1;

void HttpProxyLayer::pumpClient(qint64 now, Commands& out) {
    // Never re-entered: a nested call (an error answered while a batch of
    // events is being handled) leaves the work to the loop already running.
    if (m_pumpingClient)
        return;
    m_pumpingClient = true;
    std::vector<RequestEvent> events;
    while (!m_clientBuffer.isEmpty()) {
        const bool readingBody = m_state == State::Forwarding && m_exchange &&
                                 !m_exchange->isConnect && !m_exchange->requestComplete;
        if (m_state != State::ReadingHead && !readingBody)
            break;
        events.clear();
        const qsizetype used = m_requestReader.feed(m_clientBuffer, events);
        m_clientBuffer.remove(0, used);
        for (const RequestEvent& ev : events) {
            onRequestEvent(ev, now, out);
            if (m_state == State::Closed || m_state == State::Tunnel)
                break;
        }
        if (m_state == State::Closed || m_state == State::Tunnel || (used == 0 && events.empty()))
            break;
    }
    m_pumpingClient = false;
    updateTimersAndReading(out);
}

void HttpProxyLayer::onRequestEvent(const RequestEvent& ev, qint64 now, Commands& out) {
    std::visit(Overloaded{
                   [&](const HeadReceived<RequestHead>& h) { onRequestHead(h, now, out); },
                   [&](const BodyData& b) {
                       if (!m_exchange)
                           return;
                       recordBody(record::Direction::Request, b.data, m_exchange->requestChunked,
                                  out);
                       sendToServer(m_exchange->requestChunked ? encodeChunk(b.data) : b.data, out);
                   },
                   [&](const MessageComplete& m) { onRequestComplete(m.trailers, now, out); },
                   [&](const ParseFailed& f) {
                       respondError(f.error.status, QString::fromUtf8(f.error.reason), now, out,
                                    /*forceClose=*/true);
                   },
               },
               ev);
}

void HttpProxyLayer::onRequestHead(const HeadReceived<RequestHead>& h, qint64 now, Commands& out) {
    if (m_headerTimerRunning) {
        out.push_back(command::CancelTimer{kHeaderTimer});
        m_headerTimerRunning = false;
    }
    if (m_keepAliveTimerRunning) {
        out.push_back(command::CancelTimer{kKeepAliveTimer});
        m_keepAliveTimerRunning = false;
    }
    m_exchange.emplace();
    Exchange& ex = *m_exchange;
    ex.request = h.head;
    ex.requestChunked = h.framing == BodyFraming::Chunked;
    ex.requestHasBody = h.framing != BodyFraming::None;
    ex.summary.startUs = now;
    ex.timings.requestStartUs = now;
    ex.summary.client = m_clientAddress;
    ex.summary.method = h.head.method;
    ex.summary.target = h.head.target;
    ex.isConnect = h.head.method == "CONNECT";
    // "no persistent connection with an HTTP/1.0 client": RFC 9112 §9.3 lets
    // a 1.0 client ask for keep-alive, but few do it right through proxies.
    ex.closeClientAfter = h.head.versionMinor == 0 || h.head.fields.hasToken("Connection", "close");

    // Inside an intercepted tunnel the CONNECT was already authenticated.
    if (!m_intercept && !m_config.basicCredentials.isEmpty() &&
        !proxyCredentialsMatch(h.head.fields, m_config.basicCredentials)) {
        HeaderFields challenge;
        challenge.append("Proxy-Authenticate", R"(Basic realm="Spyglass")");
        respondError(407,
                     QStringLiteral("proxy authentication required: send the user name and "
                                    "password Spyglass was started with (--auth), e.g. curl "
                                    "--proxy-user USER:PASS"),
                     now, out, false, challenge);
        return;
    }

    const auto target = parseRequestTarget(h.head.method, h.head.target);
    if (!target) {
        respondError(400, QStringLiteral("invalid request target"), now, out, true);
        return;
    }
    ex.target = *target;
    if (m_intercept) {
        if (ex.isConnect) {
            respondError(400,
                         QStringLiteral("CONNECT inside an intercepted tunnel is not "
                                        "supported"),
                         now, out, true);
            return;
        }
        // Requests inside the tunnel go where the tunnel goes, whatever
        // authority an absolute-form target names.
        ex.target.form = TargetForm::Origin;
        ex.target.scheme = m_intercept->scheme;
        ex.target.host = m_intercept->host;
        ex.target.port = m_intercept->port;
        if (target->form == TargetForm::Asterisk)
            ex.target.pathAndQuery = "*";
        startForward(now, out);
        return;
    }
    if (ex.isConnect) {
        startConnect(now, out);
        return;
    }
    const QString proxyUrl = QStringLiteral("http://%1")
                                 .arg(QString::fromLatin1(formatAuthority(
                                     m_config.listenHost.toLatin1(), m_config.listenPort)));
    switch (target->form) {
    case TargetForm::Origin:
        respondError(
            400,
            QStringLiteral("this is a proxy, not a web server: the request names only a path (%1). "
                           "Configure your client to use %2 as its HTTP and HTTPS proxy, e.g. "
                           "curl -x %2 http://example.com/ or export http_proxy=%2 https_proxy=%2")
                .arg(QString::fromLatin1(h.head.target.left(200)), proxyUrl),
            now, out);
        return;
    case TargetForm::Asterisk:
    case TargetForm::Authority:
        respondError(400,
                     QStringLiteral("%1 %2 is not a proxy request")
                         .arg(QString::fromLatin1(h.head.method),
                              QString::fromLatin1(h.head.target.left(200))),
                     now, out);
        return;
    case TargetForm::Absolute:
        break;
    }
    if (!target->userInfo.isEmpty()) {
        // RFC 9110 §4.2.4: "A sender MUST NOT generate the userinfo subcomponent
        // (and its "@" delimiter) when an "http" or "https" URI reference is
        // generated within a message as a target URI".
        respondError(400, QStringLiteral("user information (user@) in the URL is not allowed"), now,
                     out);
        return;
    }
    if (target->scheme == "https") {
        respondError(400,
                     QStringLiteral("https:// URLs are tunnelled with CONNECT, not sent to the "
                                    "proxy in the request line. Configure your client to use "
                                    "%1 as its HTTPS proxy (curl -x %1 https://...).")
                         .arg(proxyUrl),
                     now, out);
        return;
    }
    if (target->scheme != "http") {
        respondError(400,
                     QStringLiteral("the URL scheme %1: is not supported; only http:// is "
                                    "forwarded, https:// goes through CONNECT")
                         .arg(QString::fromLatin1(target->scheme)),
                     now, out);
        return;
    }
    startForward(now, out);
}

void HttpProxyLayer::openServer(const QByteArray& key, qint64 now, Commands& out) {
    closeServer(out);
    m_exchange->timings.upstreamConnectStartUs = now;
    m_server = m_nextConnId++;
    m_serverKey = key;
    m_responseReader = std::make_unique<ResponseReader>(m_config.limits.http1);
    if (m_config.upstreamProxy && !m_intercept) {
        out.push_back(command::OpenConnection{m_server, m_config.upstreamProxy->host,
                                              m_config.upstreamProxy->port});
    } else {
        out.push_back(
            command::OpenConnection{m_server, m_exchange->target.host, m_exchange->target.port});
    }
    m_state = State::Connecting;
}

void HttpProxyLayer::startConnect(qint64 now, Commands& out) {
    Exchange& ex = *m_exchange;
    ex.summary.mode = ExchangeMode::Tunnel;
    ex.summary.target = formatAuthority(ex.target.host, ex.target.port);
    if (!m_config.connectPortAllowed(ex.target.port)) {
        respondError(403,
                     QStringLiteral("CONNECT to port %1 is not allowed (allowed: %2). Start "
                                    "Spyglass with --allow-port %1 to allow it, or with "
                                    "--allow-any-port.")
                         .arg(ex.target.port)
                         .arg(allowedPortsText()),
                     now, out);
        return;
    }
    ex.timings.connectRequestUs = now;
    openServer(QByteArray(), now, out);
}

QString HttpProxyLayer::allowedPortsText() const {
    QStringList ports;
    for (quint16 p : m_config.allowedConnectPorts)
        ports << QString::number(p);
    return ports.isEmpty() ? QStringLiteral("none") : ports.join(QStringLiteral(", "));
}

void HttpProxyLayer::startForward(qint64 now, Commands& out) {
    Exchange& ex = *m_exchange;
    const quint16 defaultPort = ex.target.scheme == "https" ? 443 : 80;
    const QByteArray authority = formatAuthority(ex.target.host, ex.target.port, defaultPort);
    ex.summary.mode = m_intercept ? ExchangeMode::Intercepted : ExchangeMode::Forward;
    if (m_intercept && m_intercept->insecureUpstream)
        ex.summary.note = QStringLiteral("server certificate not verified (--insecure-upstream)");
    ex.summary.target = ex.target.scheme + "://" + authority + ex.target.pathAndQuery;

    RequestHead forwarded;
    forwarded.method = ex.request.method;
    forwarded.versionMinor = 1;
    forwarded.fields = ex.request.fields;
    // RFC 9110 §7.8: Upgrade is hop-by-hop, so a proxy that relays the switch
    // re-sends it as its own: "Connection: Upgrade" plus the same Upgrade.
    const auto upgrade = ex.request.fields.value("Upgrade");
    ex.upgradeRequested = upgrade && ex.request.versionMinor >= 1 &&
                          ex.request.fields.hasToken("Connection", "upgrade");
    stripHopByHopFields(forwarded.fields);
    if (ex.upgradeRequested) {
        forwarded.fields.append("Connection", "Upgrade");
        forwarded.fields.append("Upgrade", *upgrade);
    }
    QByteArray key;
    if (m_intercept) {
        // Inside a tunnel Host is the client's own, end to end; only an
        // HTTP/1.0 request without one gets it from the tunnel's target.
        if (!forwarded.fields.contains("Host"))
            forwarded.fields.append("Host", authority);
        forwarded.target = ex.target.pathAndQuery;
        key = formatAuthority(ex.target.host, ex.target.port);
    } else {
        // RFC 9110 §7.2: "When a proxy receives a request with an absolute-form
        // of request-target, the proxy MUST ignore the received Host header
        // field (if any) and instead replace it with the host information of
        // the request-target."
        forwarded.fields.set("Host", authority);
        if (m_config.upstreamProxy) {
            forwarded.target = ex.summary.target; // absolute-form to the next proxy
            if (!m_config.upstreamProxy->basicCredentials.isEmpty())
                forwarded.fields.append(
                    "Proxy-Authorization",
                    basicAuthorization(m_config.upstreamProxy->basicCredentials));
            key = QByteArrayLiteral("upstream-proxy");
        } else {
            forwarded.target = ex.target.pathAndQuery;
            key = authority;
        }
    }
    const QByteArray head = serializeRequestHead(forwarded);
    ex.requestHeadRecorded = true;
    recordHead(record::Direction::Request, 0, ex.request.raw, head, out);
    if (m_server != 0 && m_serverOpen && key == m_serverKey) {
        m_state = State::Forwarding;
        m_responseReader->expectResponseTo(ex.request.method);
        sendToServer(head, out);
        return;
    }
    openServer(key, now, out);
    m_responseReader->expectResponseTo(ex.request.method);
    sendToServer(head, out);
}

void HttpProxyLayer::sendToServer(QByteArray data, Commands& out) {
    if (data.isEmpty())
        return;
    m_exchange->summary.bytesUp += data.size();
    if (m_state == State::Connecting)
        m_exchange->pendingToServer.append(data);
    else
        out.push_back(command::SendData{m_server, std::move(data)});
}

void HttpProxyLayer::onRequestComplete(const HeaderFields& trailers, qint64 now, Commands& out) {
    if (!m_exchange)
        return; // the request was already answered (an error before its end)
    Exchange& ex = *m_exchange;
    ex.requestComplete = true;
    if (ex.isConnect)
        return;
    ex.timings.requestSentUs = now;
    if (ex.requestChunked) {
        HeaderFields forwardedTrailers = trailers;
        stripHopByHopFields(forwardedTrailers);
        sendToServer(encodeLastChunk(forwardedTrailers), out);
    }
    if (ex.responseComplete)
        finishExchange(now, out);
}

void HttpProxyLayer::sendUpstreamConnect(Commands& out) {
    Exchange& ex = *m_exchange;
    RequestHead connect;
    connect.method = "CONNECT";
    connect.target = ex.summary.target;
    connect.fields.append("Host", ex.summary.target);
    if (!m_config.upstreamProxy->basicCredentials.isEmpty())
        connect.fields.append("Proxy-Authorization",
                              basicAuthorization(m_config.upstreamProxy->basicCredentials));
    m_responseReader->expectResponseTo("CONNECT");
    m_state = State::UpstreamConnect;
    out.push_back(command::SendData{m_server, serializeRequestHead(connect)});
}

} // namespace spyglass::core::proxy
