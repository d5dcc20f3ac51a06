// HttpProxyLayer, response side: server answers relayed to the client, and
// the hand-over to a tunnel after CONNECT.
#include "ConnectDecisionLayer.h"
#include "HopByHop.h"
#include "HttpProxyLayer.h"
#include "Overloaded.h"
#include "TunnelLayer.h"
#include "core/http1/Serializer.h"

namespace spyglass::core::proxy {

using namespace http1;

void HttpProxyLayer::onServerData(ConnId conn, const QByteArray& data, qint64 now, Commands& out) {
    if (conn != m_server)
        return; // a connection we already let go
    m_serverBuffer.append(data);
    pumpServer(now, out);
}

void HttpProxyLayer::pumpServer(qint64 now, Commands& out) {
    std::vector<ResponseEvent> events;
    while (!m_serverBuffer.isEmpty()) {
        if (!m_exchange || (m_state != State::Forwarding && m_state != State::UpstreamConnect)) {
            // RFC 9112 §9.3.2 has no room for unsolicited bytes: a server
            // talking without a request outstanding cannot be trusted with
            // the next one.
            closeServer(out);
            return;
        }
        events.clear();
        const qsizetype used = m_responseReader->feed(m_serverBuffer, events);
        m_serverBuffer.remove(0, used);
        const ConnId server = m_server;
        for (const ResponseEvent& ev : events) {
            onResponseEvent(ev, now, out);
            if (m_server != server || m_state == State::Tunnel || m_state == State::Closed)
                return;
        }
        if (used == 0 && events.empty())
            break;
    }
}

void HttpProxyLayer::onServerEof(ConnId conn, qint64 now, Commands& out) {
    if (conn != m_server)
        return;
    if (!m_exchange || m_state == State::ReadingHead) {
        closeServer(out); // an idle kept-alive connection the server let go
        return;
    }
    if (m_state == State::UpstreamConnect) {
        failUpstream(QStringLiteral("it closed the connection before answering CONNECT"), now, out);
        return;
    }
    std::vector<ResponseEvent> events;
    m_responseReader->finish(events);
    m_exchange->serverReusable = false;
    for (const ResponseEvent& ev : events) {
        onResponseEvent(ev, now, out);
        if (m_server != conn || m_state == State::Closed)
            return;
    }
    if (m_exchange && !m_exchange->responseComplete) {
        closeServer(out);
        respondError(502,
                     QStringLiteral("the server closed the connection without sending a "
                                    "complete response"),
                     now, out);
    } else if (m_server == conn) {
        closeServer(out);
    }
}

void HttpProxyLayer::onResponseEvent(const ResponseEvent& ev, qint64 now, Commands& out) {
    if (m_state == State::UpstreamConnect) {
        std::visit(Overloaded{
                       [&](const HeadReceived<ResponseHead>& h) {
                           m_upstreamStatus = h.head.status;
                           m_upstreamReason = h.head.reason;
                       },
                       [&](const BodyData&) {}, // the next proxy's error page: we write our own
                       [&](const MessageComplete&) { onUpstreamConnectAnswer(now, out); },
                       [&](const ParseFailed& f) {
                           failUpstream(QStringLiteral("it sent an invalid answer to CONNECT (%1)")
                                            .arg(QString::fromUtf8(f.error.reason)),
                                        now, out);
                       },
                   },
                   ev);
        return;
    }
    std::visit(Overloaded{
                   [&](const HeadReceived<ResponseHead>& h) { onResponseHead(h, now, out); },
                   [&](const BodyData& b) {
                       Exchange& ex = *m_exchange;
                       if (m_interimResponse)
                           return;
                       recordBody(record::Direction::Response, b.data, ex.responseChunked, out);
                       const QByteArray data = ex.chunkedToClient ? encodeChunk(b.data) : b.data;
                       ex.summary.bytesDown += data.size();
                       out.push_back(command::SendData{kClientConn, data});
                   },
                   [&](const MessageComplete& m) { onResponseComplete(m.trailers, now, out); },
                   [&](const ParseFailed& f) {
                       closeServer(out);
                       respondError(502,
                                    QStringLiteral("the server sent an invalid response: %1")
                                        .arg(QString::fromUtf8(f.error.reason)),
                                    now, out);
                   },
               },
               ev);
}

void HttpProxyLayer::onResponseHead(const HeadReceived<ResponseHead>& h, qint64 now,
                                    Commands& out) {
    Exchange& ex = *m_exchange;
    const int status = h.head.status;
    const bool clientIs11 = ex.request.versionMinor >= 1;
    if (status == 101 && ex.upgradeRequested) {
        ResponseHead switching;
        switching.versionMinor = 1;
        switching.status = 101;
        switching.reason = h.head.reason;
        switching.fields = h.head.fields;
        const QByteArray protocol = h.head.fields.value("Upgrade").value_or(QByteArray());
        stripHopByHopFields(switching.fields);
        switching.fields.append("Connection", "Upgrade");
        switching.fields.append("Upgrade", protocol);
        const QByteArray head = serializeResponseHead(switching);
        recordHead(record::Direction::Response, 101, h.head.raw, head, out);
        ex.summary.status = 101;
        ex.summary.bytesDown += head.size();
        ex.responseHeadSent = true;
        out.push_back(command::SendData{kClientConn, head});
        m_pendingUpgrade = true; // switch once the reader reports the message complete
        return;
    }
    if (status == 101) {
        // A switch nobody asked for is a protocol violation by the server.
        closeServer(out);
        respondError(502,
                     QStringLiteral("the server switched protocols (101) although no "
                                    "upgrade was requested"),
                     now, out, true);
        return;
    }
    ResponseHead forwarded;
    forwarded.versionMinor = 1;
    forwarded.status = status;
    forwarded.reason = h.head.reason;
    forwarded.fields = h.head.fields;
    stripHopByHopFields(forwarded.fields);
    if (status < 200) {
        m_interimResponse = true;
        // RFC 9110 §15.2: "A proxy MUST forward 1xx responses unless the proxy
        // itself requested the generation of the 1xx response" — and "A server
        // MUST NOT send a 1xx response to an HTTP/1.0 client."
        if (clientIs11) {
            const QByteArray head = serializeResponseHead(forwarded);
            ex.summary.bytesDown += head.size();
            out.push_back(command::SendData{kClientConn, head});
        }
        return;
    }
    m_interimResponse = false;
    ex.responseChunked = h.framing == BodyFraming::Chunked;
    ex.serverReusable = h.head.versionMinor >= 1 &&
                        !h.head.fields.hasToken("Connection", "close") &&
                        h.framing != BodyFraming::UntilClose;
    switch (h.framing) {
    case BodyFraming::None:
    case BodyFraming::ContentLength:
        break;
    case BodyFraming::Chunked:
        if (clientIs11) {
            ex.chunkedToClient = true;
        } else {
            // RFC 9112 §6.1: "A server MUST NOT send a response containing
            // Transfer-Encoding unless the corresponding request indicates
            // HTTP/1.1 (or later minor revisions)." The 1.0 client gets the
            // body delimited by our close instead.
            forwarded.fields.removeAll("Transfer-Encoding");
            ex.closeClientAfter = true;
        }
        break;
    case BodyFraming::UntilClose:
        ex.closeClientAfter = true;
        break;
    }
    if (m_clientEof || !ex.requestComplete)
        ex.closeClientAfter = true;
    if (ex.closeClientAfter)
        forwarded.fields.append("Connection", "close");
    const QByteArray head = serializeResponseHead(forwarded);
    ex.timings.responseStartUs = now;
    ex.contentType = h.head.fields.value("Content-Type").value_or(QByteArray());
    recordHead(record::Direction::Response, status, h.head.raw, head, out);
    ex.summary.status = status;
    ex.summary.bytesDown += head.size();
    ex.responseHeadSent = true;
    out.push_back(command::SendData{kClientConn, head});
}

void HttpProxyLayer::onResponseComplete(const HeaderFields& trailers, qint64 now, Commands& out) {
    if (m_pendingUpgrade) {
        m_pendingUpgrade = false;
        startUpgradedRelay(now, out);
        return;
    }
    if (m_interimResponse) {
        m_interimResponse = false; // the final response follows on the same reader
        return;
    }
    Exchange& ex = *m_exchange;
    if (ex.chunkedToClient) {
        HeaderFields forwardedTrailers = trailers;
        stripHopByHopFields(forwardedTrailers);
        const QByteArray last = encodeLastChunk(forwardedTrailers);
        ex.summary.bytesDown += last.size();
        out.push_back(command::SendData{kClientConn, last});
    }
    ex.responseComplete = true;
    if (ex.requestComplete) {
        finishExchange(now, out);
        return;
    }
    // The server answered before the request body ended (a 413, say). The
    // rest of the request cannot be resynchronised: finish and close.
    ex.closeClientAfter = true;
    ex.serverReusable = false;
    finishExchange(now, out);
}

void HttpProxyLayer::finishExchange(qint64 now, Commands& out) {
    Exchange& ex = *m_exchange;
    report(now, out);
    const bool closeClient = ex.closeClientAfter || m_clientEof;
    if (!ex.serverReusable || !m_serverBuffer.isEmpty())
        closeServer(out);
    m_exchange.reset();
    if (closeClient) {
        closeAll(out);
        return;
    }
    m_state = State::ReadingHead;
    pumpClient(now, out);
}

void HttpProxyLayer::onUpstreamConnectAnswer(qint64 now, Commands& out) {
    if (m_upstreamStatus >= 200 && m_upstreamStatus < 300) {
        // RFC 9110 §9.3.6: "A client MUST ignore any Content-Length or
        // Transfer-Encoding header fields received in a successful response
        // to CONNECT." The reader already treats it as bodiless.
        startTunnel(std::exchange(m_serverBuffer, {}), now, out);
        return;
    }
    const QString answer =
        QStringLiteral("%1 %2").arg(m_upstreamStatus).arg(QString::fromLatin1(m_upstreamReason));
    if (m_upstreamStatus == 407) {
        failUpstream(QStringLiteral("it requires authentication (%1): give the user name and "
                                    "password in --upstream-proxy http://USER:PASS@HOST:PORT")
                         .arg(answer),
                     now, out);
        return;
    }
    const int status =
        (m_upstreamStatus == 502 || m_upstreamStatus == 503 || m_upstreamStatus == 504)
            ? m_upstreamStatus
            : 502;
    closeServer(out);
    respondError(status, QStringLiteral("the upstream proxy refused the tunnel: %1").arg(answer),
                 now, out);
}

void HttpProxyLayer::failUpstream(const QString& message, qint64 now, Commands& out) {
    closeServer(out);
    respondError(502, QStringLiteral("upstream proxy: ") + message, now, out);
}

void HttpProxyLayer::startTunnel(QByteArray fromServer, qint64 now, Commands& out) {
    Exchange& ex = *m_exchange;
    // RFC 9110 §9.3.6: "A server MUST NOT send any Transfer-Encoding or
    // Content-Length header fields in a 2xx (Successful) response to CONNECT."
    out.push_back(command::SendData{
        kClientConn, QByteArrayLiteral("HTTP/1.1 200 Connection established\r\n\r\n")});
    ex.summary.status = 200;
    ConnectContext connect;
    connect.begin = makeBegin();
    connect.summary = ex.summary;
    connect.timings = ex.timings;
    connect.host = ex.target.host;
    connect.port = ex.target.port;
    connect.server = m_server;
    connect.clientAddress = m_clientAddress;
    connect.requestHead = ex.request.raw;
    m_exchange.reset();
    m_state = State::Tunnel;
    if (!m_clientReading) {
        m_clientReading = true;
        out.push_back(command::SetReading{kClientConn, true});
    }
    QByteArray fromClient = std::exchange(m_clientBuffer, {});
    if (ConnectDecisionLayer::needed(m_context)) {
        auto decision = std::make_unique<ConnectDecisionLayer>(m_context, std::move(connect));
        ConnectDecisionLayer* raw = decision.get();
        m_next = std::move(decision);
        raw->start(now, std::move(fromClient), std::move(fromServer), out);
    } else {
        // No include rule: nothing to decide, the tunnel starts at once.
        out.push_back(command::Record{connect.begin});
        out.push_back(command::Record{record::HeadRecord{
            connect.begin.id, record::Direction::Request, 0, connect.requestHead, {}}});
        auto tunnel = std::make_unique<TunnelLayer>(
            connect.server, m_config.limits, connect.summary, connect.begin.id, connect.timings,
            QStringLiteral("blind tunnel: no intercept rule"));
        TunnelLayer* raw = tunnel.get();
        raw->enableKernelRelay();
        m_next = std::move(tunnel);
        raw->start(now, std::move(fromClient), std::move(fromServer), out);
    }
    if (m_clientEof)
        m_next->handle(Event{now, event::PeerClosed{kClientConn}}, out);
}

// RFC 9110 §7.8: after 101 (Switching Protocols) the connection speaks the
// new protocol; we relay its bytes both ways and record their count.
void HttpProxyLayer::startUpgradedRelay(qint64 now, Commands& out) {
    Exchange& ex = *m_exchange;
    ex.timings.responseStartUs = now;
    auto relay =
        std::make_unique<TunnelLayer>(m_server, m_config.limits, ex.summary, ex.id, ex.timings,
                                      QStringLiteral("upgraded (101): bytes relayed"));
    TunnelLayer* raw = relay.get();
    m_exchange.reset();
    m_state = State::Tunnel;
    if (!m_clientReading) {
        m_clientReading = true;
        out.push_back(command::SetReading{kClientConn, true});
    }
    m_next = std::move(relay);
    raw->start(now, std::exchange(m_clientBuffer, {}), std::exchange(m_serverBuffer, {}), out);
    if (m_clientEof)
        m_next->handle(Event{now, event::PeerClosed{kClientConn}}, out);
}

} // namespace spyglass::core::proxy
