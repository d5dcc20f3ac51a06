#include "HttpProxyLayer.h"

#include "ErrorResponse.h"
#include "HopByHop.h"
#include "Overloaded.h"
#include "ProxyAuth.h"
#include "core/http1/Serializer.h"

namespace spyglass::core::proxy {

using namespace http1;

HttpProxyLayer::HttpProxyLayer(const ProxyContext& context)
    : m_context(context)
    , m_config(context.config)
    , m_ids(context.ids)
    , m_requestReader(context.config.limits.http1) {}

HttpProxyLayer::HttpProxyLayer(const ProxyContext& context, InterceptTarget target)
    : HttpProxyLayer(context) {
    m_clientAddress = target.clientAddress;
    m_server = target.server;
    m_nextConnId = target.server + 1;
    m_serverOpen = true;
    m_serverKey = formatAuthority(target.host, target.port);
    m_responseReader = std::make_unique<ResponseReader>(m_config.limits.http1);
    m_intercept = std::move(target);
}

void HttpProxyLayer::startIntercepted(qint64 now, Commands& out) {
    m_acceptUs = now;
    out.push_back(command::StartTimer{kHeaderTimer, m_config.limits.headerTimeoutMs});
    m_headerTimerRunning = true;
}

void HttpProxyLayer::handle(const Event& event, Commands& out) {
    if (m_state == State::Tunnel) {
        m_next->handle(event, out);
        return;
    }
    if (m_state == State::Closed)
        return;
    const qint64 now = event.nowUs;
    std::visit(Overloaded{
                   [&](const event::Start& e) { onStart(e, now, out); },
                   [&](const event::DataReceived& e) {
                       if (e.conn == kClientConn)
                           onClientData(e.data, now, out);
                       else
                           onServerData(e.conn, e.data, now, out);
                   },
                   [&](const event::PeerClosed& e) {
                       if (e.conn == kClientConn)
                           onClientEof(now, out);
                       else
                           onServerEof(e.conn, now, out);
                   },
                   [&](const event::ConnectionFailed& e) { onConnectionFailed(e, now, out); },
                   [&](const event::OpenCompleted& e) { onOpenCompleted(e, now, out); },
                   [&](const event::TimerFired& e) { onTimer(e.timer, now, out); },
                   [&](const event::BytesRelayed&) {}, // only tunnels relay in the kernel
                   [&](const event::TlsEstablished& e) {
                       if (e.conn == kClientConn)
                           m_clientTls = e.info;
                       else
                           onServerTlsEstablished(e, out);
                   },
               },
               event.kind);
}

void HttpProxyLayer::onStart(const event::Start& e, qint64 now, Commands& out) {
    m_clientAddress = e.clientAddress;
    m_acceptUs = now;
    out.push_back(command::StartTimer{kHeaderTimer, m_config.limits.headerTimeoutMs});
    m_headerTimerRunning = true;
}

void HttpProxyLayer::onClientData(const QByteArray& data, qint64 now, Commands& out) {
    m_clientBuffer.append(data);
    pumpClient(now, out);
}

void HttpProxyLayer::onClientEof(qint64 now, Commands& out) {
    m_clientEof = true;
    switch (m_state) {
    case State::ReadingHead:
        // pumpClient has consumed every complete request; what is left is at
        // most a partial head from a client that has gone.
        closeAll(out);
        return;
    case State::Connecting:
    case State::UpstreamConnect:
        if (m_exchange && !m_exchange->isConnect && !m_exchange->requestComplete)
            failClientMidRequest(now, out);
        return; // a CONNECT's tunnel learns of the EOF when it starts
    case State::Forwarding:
        pumpClient(now, out);
        if (m_state == State::Forwarding && m_exchange && !m_exchange->requestComplete)
            failClientMidRequest(now, out);
        else if (m_exchange)
            m_exchange->closeClientAfter = true;
        return;
    case State::Tunnel:
    case State::Closed:
        return;
    }
}

void HttpProxyLayer::failClientMidRequest(qint64 now, Commands& out) {
    m_exchange->summary.error = QStringLiteral("the client closed its connection before "
                                               "sending the whole request");
    report(now, out);
    m_exchange.reset();
    closeAll(out);
}

void HttpProxyLayer::onConnectionFailed(const event::ConnectionFailed& e, qint64 now,
                                        Commands& out) {
    if (e.conn == kClientConn) {
        if (m_exchange) {
            m_exchange->summary.error = QStringLiteral("client connection lost: ") + e.error;
            report(now, out);
            m_exchange.reset();
        }
        closeAll(out);
        return;
    }
    if (e.conn != m_server)
        return;
    m_serverOpen = false;
    if (!m_exchange) {
        closeServer(out);
        return;
    }
    if (m_state == State::UpstreamConnect) {
        failUpstream(QStringLiteral("connection lost: ") + e.error, now, out);
        return;
    }
    closeServer(out);
    respondError(502, QStringLiteral("the connection to the server was lost: ") + e.error, now,
                 out);
}

void HttpProxyLayer::onTimer(int timer, qint64 now, Commands& out) {
    if (timer == kHeaderTimer) {
        m_headerTimerRunning = false;
        if (m_state != State::ReadingHead)
            return;
        if (clientHasPartialRequest()) {
            // RFC 9110 §15.5.9: "The 408 (Request Timeout) status code
            // indicates that the server did not receive a complete request
            // message within the time that it was prepared to wait."
            respondError(408,
                         QStringLiteral("no complete request head arrived within %1 s")
                             .arg(m_config.limits.headerTimeoutMs / 1000),
                         now, out, /*forceClose=*/true);
        } else {
            closeAll(out);
        }
    } else if (timer == kKeepAliveTimer) {
        m_keepAliveTimerRunning = false;
        if (m_state == State::ReadingHead && !clientHasPartialRequest())
            closeAll(out);
    }
}

bool HttpProxyLayer::clientHasPartialRequest() const {
    return !m_clientBuffer.isEmpty() || m_requestReader.hasStartedMessage();
}

void HttpProxyLayer::updateTimersAndReading(Commands& out) {
    if (m_state == State::ReadingHead) {
        if (clientHasPartialRequest()) {
            if (m_keepAliveTimerRunning) {
                out.push_back(command::CancelTimer{kKeepAliveTimer});
                m_keepAliveTimerRunning = false;
            }
            if (!m_headerTimerRunning) {
                out.push_back(command::StartTimer{kHeaderTimer, m_config.limits.headerTimeoutMs});
                m_headerTimerRunning = true;
            }
        } else if (!m_headerTimerRunning && !m_keepAliveTimerRunning) {
            out.push_back(command::StartTimer{kKeepAliveTimer, m_config.limits.keepAliveIdleMs});
            m_keepAliveTimerRunning = true;
        }
    }
    if (m_state == State::Closed || m_state == State::Tunnel)
        return;
    // Pipelined requests wait in m_clientBuffer for their turn; past the limit
    // we stop reading so a client cannot make us buffer without bound.
    const bool wantReading = m_clientBuffer.size() < m_config.limits.pipelineBufferLimit;
    if (wantReading != m_clientReading) {
        m_clientReading = wantReading;
        out.push_back(command::SetReading{kClientConn, wantReading});
    }
}

void HttpProxyLayer::report(qint64 now, Commands& out) {
    if (!m_exchange)
        return;
    Exchange& ex = *m_exchange;
    ex.summary.durationUs = now - ex.summary.startUs;
    out.push_back(command::ReportExchange{ex.summary});
    recordBegin(out);
    record::ExchangeEnd end;
    end.id = ex.id;
    end.timings = ex.timings;
    end.timings.doneUs = now;
    end.status = ex.summary.status;
    end.requestWireBytes = ex.summary.bytesUp;
    end.responseWireBytes = ex.summary.bytesDown;
    end.requestBodyBytes = ex.requestBodyBytes;
    end.responseBodyBytes = ex.responseBodyBytes;
    end.contentType = ex.contentType;
    end.error = ex.summary.error;
    out.push_back(command::Record{std::move(end)});
}

record::ExchangeBegin HttpProxyLayer::makeBegin() {
    Exchange& ex = *m_exchange;
    if (ex.id == 0)
        ex.id = m_ids.next();
    if (ex.timings.acceptUs == 0)
        ex.timings.acceptUs = m_acceptUs;
    record::ExchangeBegin begin;
    begin.id = ex.id;
    begin.startUs = ex.summary.startUs;
    begin.mode = ex.isConnect  ? record::Mode::Tunnel
                 : m_intercept ? record::Mode::Intercepted
                               : record::Mode::Forward;
    begin.client = m_clientAddress;
    begin.scheme = ex.isConnect ? QByteArray() : ex.target.scheme;
    begin.host = ex.target.host;
    begin.port = ex.target.port;
    begin.method = ex.request.method.isEmpty() ? ex.summary.method : ex.request.method;
    begin.path = ex.isConnect ? QByteArray() : ex.target.pathAndQuery;
    if (begin.path.isEmpty() && !ex.isConnect && ex.target.host.isEmpty())
        begin.path = ex.request.target; // refused before the target parsed
    return begin;
}

void HttpProxyLayer::recordBegin(Commands& out) {
    if (m_exchange->beginRecorded)
        return;
    m_exchange->beginRecorded = true;
    record::ExchangeBegin begin = makeBegin();
    const record::ExchangeId id = begin.id;
    out.push_back(command::Record{std::move(begin)});
    if (m_clientTls) {
        record::TlsRecord tls = *m_clientTls;
        tls.id = id;
        out.push_back(command::Record{std::move(tls)});
    }
    recordServerTls(out);
}

void HttpProxyLayer::onServerTlsEstablished(const event::TlsEstablished& e, Commands& out) {
    m_serverTls[e.conn] = e.info;
    // The client may send its request while our handshake with the server is
    // still running (the request waits for it); the exchange's record began
    // then, so its server leg is recorded now.
    if (m_exchange && m_exchange->beginRecorded && e.conn == m_server)
        recordServerTls(out);
}

void HttpProxyLayer::recordServerTls(Commands& out) {
    if (m_exchange->serverTlsRecorded)
        return;
    if (auto it = m_serverTls.find(m_server); it != m_serverTls.end()) {
        m_exchange->serverTlsRecorded = true;
        record::TlsRecord tls = it->second;
        tls.id = m_exchange->id;
        out.push_back(command::Record{std::move(tls)});
    }
}

void HttpProxyLayer::recordHead(record::Direction direction, int status, const QByteArray& raw,
                                const QByteArray& forwarded, Commands& out) {
    recordBegin(out);
    out.push_back(
        command::Record{record::HeadRecord{m_exchange->id, direction, status, raw, forwarded}});
}

void HttpProxyLayer::recordBody(record::Direction direction, const QByteArray& data, bool chunked,
                                Commands& out) {
    recordBegin(out);
    (direction == record::Direction::Request ? m_exchange->requestBodyBytes
                                             : m_exchange->responseBodyBytes) += data.size();
    out.push_back(command::Record{record::BodyChunk{m_exchange->id, direction, data, chunked}});
}

void HttpProxyLayer::closeServer(Commands& out) {
    if (m_server != 0)
        out.push_back(command::CloseConnection{m_server});
    m_server = 0;
    m_serverOpen = false;
    m_serverKey.clear();
    m_serverBuffer.clear();
    m_responseReader.reset();
}

void HttpProxyLayer::closeAll(Commands& out) {
    closeServer(out);
    if (m_headerTimerRunning)
        out.push_back(command::CancelTimer{kHeaderTimer});
    if (m_keepAliveTimerRunning)
        out.push_back(command::CancelTimer{kKeepAliveTimer});
    m_headerTimerRunning = m_keepAliveTimerRunning = false;
    out.push_back(command::CloseConnection{kClientConn});
    m_state = State::Closed;
}

void HttpProxyLayer::respondError(int status, const QString& message, qint64 now, Commands& out,
                                  bool forceClose, const HeaderFields& extra) {
    if (m_exchange && m_exchange->responseHeadSent) {
        // Too late for an error page: the client already has a response head.
        m_exchange->summary.error = message;
        report(now, out);
        m_exchange.reset();
        closeAll(out);
        return;
    }
    if (!m_exchange) {
        // A request that failed before its head could be parsed.
        m_exchange.emplace();
        m_exchange->summary.startUs = now;
        m_exchange->summary.client = m_clientAddress;
        m_exchange->summary.method = "-";
        m_exchange->summary.target = "-";
        forceClose = true;
    }
    Exchange& ex = *m_exchange;
    // The connection can carry another request only when this one was read to
    // its end, so the next byte is the start of the next request.
    const bool keepAlive = !forceClose && !m_clientEof && !ex.closeClientAfter &&
                           ex.request.versionMinor >= 1 &&
                           !ex.request.fields.hasToken("Connection", "close") &&
                           (ex.requestComplete || !ex.requestHasBody);
    const QByteArray response = errorResponse(status, message, !keepAlive, extra);
    out.push_back(command::SendData{kClientConn, response});
    if (!ex.requestHeadRecorded && !ex.request.raw.isEmpty()) {
        ex.requestHeadRecorded = true;
        recordHead(record::Direction::Request, 0, ex.request.raw, {}, out);
    }
    const qsizetype headEnd = response.indexOf("\r\n\r\n") + 4;
    recordHead(record::Direction::Response, status, response.left(headEnd), response.left(headEnd),
               out);
    recordBody(record::Direction::Response, response.mid(headEnd), false, out);
    ex.contentType = "text/plain; charset=utf-8";
    ex.summary.status = status;
    ex.summary.bytesDown += response.size();
    ex.summary.error = message;
    report(now, out);
    const bool requestWasComplete = ex.requestComplete;
    m_exchange.reset();
    if (!keepAlive) {
        closeAll(out);
        return;
    }
    m_state = State::ReadingHead;
    // When the request is not complete yet its MessageComplete is still on
    // its way from the reader, and arrives with no exchange: ignored.
    Q_UNUSED(requestWasComplete);
    pumpClient(now, out);
}

QString HttpProxyLayer::openErrorMessage(const event::OpenCompleted& e, int& status) const {
    const bool viaProxy = m_config.upstreamProxy.has_value();
    const QString what =
        viaProxy ? QStringLiteral("the upstream proxy %1")
                       .arg(QString::fromLatin1(formatAuthority(m_config.upstreamProxy->host,
                                                                m_config.upstreamProxy->port)))
                 : QString::fromLatin1(m_exchange->summary.target);
    status = 502;
    switch (e.error) {
    case OpenError::DnsFailed:
        return QStringLiteral("could not resolve the host name of %1: %2").arg(what, e.message);
    case OpenError::Refused:
        return QStringLiteral("%1 refused the connection").arg(what);
    case OpenError::TimedOut:
        status = 504;
        return QStringLiteral("%1 did not accept the connection within %2 s (--connect-timeout)")
            .arg(what)
            .arg(m_config.limits.connectTimeoutMs / 1000.0);
    case OpenError::Loop:
        status = 403;
        return QStringLiteral("%1 is Spyglass's own listening address; refusing to connect "
                              "to itself (that would loop)")
            .arg(what);
    case OpenError::TlsFailed:
        return QStringLiteral("TLS with %1 failed: %2").arg(what, e.message);
    case OpenError::Unreachable:
    case OpenError::Other:
    case OpenError::None:
        break;
    }
    return QStringLiteral("could not connect to %1: %2").arg(what, e.message);
}

void HttpProxyLayer::onOpenCompleted(const event::OpenCompleted& e, qint64 now, Commands& out) {
    if (e.conn != m_server || !m_exchange || m_state != State::Connecting)
        return;
    if (e.error != OpenError::None) {
        int status = 502;
        const QString message = openErrorMessage(e, status);
        closeServer(out);
        respondError(status, message, now, out);
        return;
    }
    m_serverOpen = true;
    Exchange& ex = *m_exchange;
    ex.timings.upstreamConnectedUs = now;
    if (ex.isConnect) {
        if (m_config.upstreamProxy)
            sendUpstreamConnect(out);
        else
            startTunnel({}, now, out);
        return;
    }
    m_state = State::Forwarding;
    out.push_back(command::SendData{m_server, std::exchange(ex.pendingToServer, {})});
    if (ex.requestComplete)
        return;
    pumpClient(now, out);
}

} // namespace spyglass::core::proxy
