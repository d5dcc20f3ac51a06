// Readable string literals in playbooks: QString from literals only.
#undef QT_NO_CAST_FROM_ASCII
#define QT_RESTRICTED_CAST_FROM_ASCII
#include "Playbook.h"
#include "core/proxy/HttpProxyLayer.h"

#include <QTest>

using namespace spyglass::core::proxy;
using spyglass::core::proxy::testing::Playbook;

namespace {

const char kEstablished[] = "send 0 HTTP/1.1 200 Connection established\\r\\n\\r\\n";

ProxyConfig baseConfig() {
    ProxyConfig c;
    c.listenHost = QStringLiteral("127.0.0.1");
    c.listenPort = 8080;
    return c;
}

// The status line of the first "send 0" command, e.g. "HTTP/1.1 403 Forbidden".
QString statusLineSent(const QStringList& commands) {
    for (const QString& c : commands) {
        if (c.startsWith(QStringLiteral("send 0 HTTP/1.1 ")))
            return c.mid(7).section(QStringLiteral("\\r\\n"), 0, 0);
    }
    return {};
}

} // namespace

class TestHttpProxyLayer : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void startArmsTheHeaderDeadline() {
        ProxyConfig config = baseConfig();
        spyglass::core::record::ExchangeIdSource ids;
        ProxyContext context{config, ids};
        HttpProxyLayer layer(context);
        Playbook pb(layer);
        {
            const QStringList got = pb << event::Start{"127.0.0.1:5000"};
            QCOMPARE(got, (QStringList{"timer 1 30000"}));
        }
    }

    // CONNECT opens upstream first, then answers 200 without framing fields,
    // then relays the bytes that came with the head.
    void connectOpensUpstreamThenTunnels() {
        ProxyConfig config = baseConfig();
        spyglass::core::record::ExchangeIdSource ids;
        ProxyContext context{config, ids};
        HttpProxyLayer layer(context);
        Playbook pb(layer);
        pb << event::Start{"127.0.0.1:5000"};
        {
            const QStringList got =
                pb << event::DataReceived{0, "CONNECT example.com:443 HTTP/1.1\r\nHost: "
                                             "example.com:443\r\n\r\nHELLO"};
            QCOMPARE(got, (QStringList{"cancel 1", "open 1 example.com:443"}));
        }
        {
            const QStringList got = pb << event::OpenCompleted{1, OpenError::None, {}};
            // The early bytes go first; a blind tunnel asks for the kernel
            // relay only after TunnelLayer::kKernelRelayAfterBytes.
            QCOMPARE(got, (QStringList{kEstablished, "timer 100 600000", "send 1 HELLO"}));
        }
        {
            const QStringList got = pb << event::DataReceived{1, "server bytes"};
            QCOMPARE(got, (QStringList{"send 0 server bytes", "timer 100 600000"}));
        }
    }

    void connectToDisallowedPortIs403AndNamesTheFix() {
        ProxyConfig config = baseConfig();
        spyglass::core::record::ExchangeIdSource ids;
        ProxyContext context{config, ids};
        HttpProxyLayer layer(context);
        Playbook pb(layer);
        pb << event::Start{"c"};
        const auto out =
            pb << event::DataReceived{0, "CONNECT example.com:25 HTTP/1.1\r\nHost: x\r\n\r\n"};
        QCOMPARE(statusLineSent(out), QStringLiteral("HTTP/1.1 403 Forbidden"));
        QVERIFY(out.join('\n').contains("--allow-port 25"));
        QVERIFY(Playbook::only(out, "open").isEmpty());
        // No body, complete request: the connection stays usable.
        QVERIFY(Playbook::only(out, "close").isEmpty());
    }

    void connectOpenErrorsMapToStatus_data() {
        QTest::addColumn<int>("error");
        QTest::addColumn<QString>("status");
        QTest::newRow("dns") << int(OpenError::DnsFailed) << "HTTP/1.1 502 Bad Gateway";
        QTest::newRow("refused") << int(OpenError::Refused) << "HTTP/1.1 502 Bad Gateway";
        QTest::newRow("timeout") << int(OpenError::TimedOut) << "HTTP/1.1 504 Gateway Timeout";
        QTest::newRow("loop") << int(OpenError::Loop) << "HTTP/1.1 403 Forbidden";
    }
    void connectOpenErrorsMapToStatus() {
        QFETCH(int, error);
        QFETCH(QString, status);
        ProxyConfig config = baseConfig();
        spyglass::core::record::ExchangeIdSource ids;
        ProxyContext context{config, ids};
        HttpProxyLayer layer(context);
        Playbook pb(layer);
        pb << event::Start{"c"};
        pb << event::DataReceived{0, "CONNECT example.com:443 HTTP/1.1\r\nHost: x\r\n\r\n"};
        const auto out = pb << event::OpenCompleted{1, OpenError(error), "why"};
        QCOMPARE(statusLineSent(out), status);
        QVERIFY(out.contains("close 1"));
    }

    // Absolute-form → origin-form, Host from the target, hop-by-hop gone.
    void forwardRewritesHeadAndRelaysResponse() {
        ProxyConfig config = baseConfig();
        spyglass::core::record::ExchangeIdSource ids;
        ProxyContext context{config, ids};
        HttpProxyLayer layer(context);
        Playbook pb(layer);
        pb << event::Start{"c"};
        {
            const QStringList got =
                pb << event::DataReceived{0, "GET http://Origin.test:8081/a?b=1 HTTP/1.1\r\n"
                                             "Host: wrong\r\nConnection: keep-alive, X-Hop\r\n"
                                             "X-Hop: 1\r\nProxy-Connection: keep-alive\r\n"
                                             "Keep-Alive: 5\r\nTE: trailers\r\n"
                                             "Proxy-Authorization: Basic eA==\r\n"
                                             "Accept: */*\r\n\r\n"};
            QCOMPARE(got, (QStringList{"cancel 1", "open 1 origin.test:8081"}));
        }
        {
            const QStringList got = pb << event::OpenCompleted{1, OpenError::None, {}};
            QCOMPARE(got,
                     (QStringList{"send 1 GET /a?b=1 HTTP/1.1\\r\\nHost: origin.test:8081\\r\\n"
                                  "Accept: */*\\r\\n\\r\\n"}));
        }
        {
            const QStringList got =
                pb << event::DataReceived{1, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n"
                                             "Keep-Alive: timeout=5\r\n\r\nhi"};
            QCOMPARE(got, (QStringList{"send 0 HTTP/1.1 200 OK\\r\\nContent-Length: 2\\r\\n\\r\\n",
                                       "send 0 hi",
                                       "report GET http://origin.test:8081/a?b=1 200 up=60 down=40",
                                       "timer 2 60000"}));
        }
    }

    // The record interface: one begin, both heads (raw and forwarded), body
    // chunks as they flow, and an end with sizes, status and timings.
    void forwardEmitsRecords() {
        ProxyConfig config = baseConfig();
        spyglass::core::record::ExchangeIdSource ids;
        ProxyContext context{config, ids};
        HttpProxyLayer layer(context);
        Playbook pb(layer);
        pb << event::Start{"127.0.0.1:9"};
        pb << event::DataReceived{0, "POST http://a.test/p HTTP/1.1\r\nHost: a\r\n"
                                     "Content-Length: 3\r\n\r\nabc"};
        pb << event::OpenCompleted{1, OpenError::None, {}};
        pb << event::DataReceived{1, "HTTP/1.1 201 Created\r\nContent-Type: text/x\r\n"
                                     "Content-Length: 2\r\n\r\nok"};
        using namespace spyglass::core::record;
        const auto& r = pb.records();
        QCOMPARE(r.size(), size_t(6));
        const auto& begin = std::get<ExchangeBegin>(r[0]);
        QCOMPARE(begin.id, ExchangeId(1));
        QCOMPARE(begin.host, QByteArray("a.test"));
        QCOMPARE(begin.port, quint16(80));
        QCOMPARE(begin.path, QByteArray("/p"));
        QCOMPARE(begin.client, QStringLiteral("127.0.0.1:9"));
        const auto& requestHead = std::get<HeadRecord>(r[1]);
        QVERIFY(requestHead.raw.startsWith("POST http://a.test/p HTTP/1.1\r\nHost: a\r\n"));
        QVERIFY(requestHead.forwarded.startsWith("POST /p HTTP/1.1\r\nHost: a.test\r\n"));
        QCOMPARE(std::get<BodyChunk>(r[2]).data, QByteArray("abc"));
        const auto& responseHead = std::get<HeadRecord>(r[3]);
        QCOMPARE(responseHead.status, 201);
        QCOMPARE(responseHead.direction, Direction::Response);
        QCOMPARE(std::get<BodyChunk>(r[4]).data, QByteArray("ok"));
        const auto& end = std::get<ExchangeEnd>(r[5]);
        QCOMPARE(end.status, 201);
        QCOMPARE(end.requestBodyBytes, qint64(3));
        QCOMPARE(end.responseBodyBytes, qint64(2));
        QCOMPARE(end.contentType, QByteArray("text/x"));
        QVERIFY(end.timings.acceptUs > 0);
        QVERIFY(end.timings.upstreamConnectedUs >= end.timings.upstreamConnectStartUs);
        QVERIFY(end.timings.responseStartUs >= end.timings.requestSentUs);
        QVERIFY(end.timings.doneUs >= end.timings.responseStartUs);
        QVERIFY(end.error.isEmpty());
    }

    void interceptedServerLegIsRecordedWhenItsHandshakeEndsAfterTheRequest() {
        // The client's request can arrive while our handshake with the server
        // is still running; the exchange's record has begun by then, and the
        // server leg must still be recorded, once per exchange.
        using namespace spyglass::core::record;
        ProxyConfig config = baseConfig();
        ExchangeIdSource ids;
        ProxyContext context{config, ids};
        HttpProxyLayer layer(context, InterceptTarget{"https", "a.test", 443, 1, "127.0.0.1:9"});
        Playbook pb(layer);
        pb << event::Start{"127.0.0.1:9"};
        pb << event::TlsEstablished{0, TlsRecord{0, TlsLeg::Client, "TLSv1.3", "C", "http/1.1"}};
        pb << event::DataReceived{0, "GET /one HTTP/1.1\r\nHost: a.test\r\n\r\n"};
        pb << event::TlsEstablished{1, TlsRecord{0, TlsLeg::Server, "TLSv1.2", "S", "http/1.1"}};
        pb << event::DataReceived{1, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"};
        pb << event::DataReceived{0, "GET /two HTTP/1.1\r\nHost: a.test\r\n\r\n"};
        pb << event::DataReceived{1, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"};
        QList<ExchangeId> begins;
        QMap<ExchangeId, QStringList> legs;
        for (const RecordEvent& r : pb.records()) {
            if (const auto* b = std::get_if<ExchangeBegin>(&r))
                begins << b->id;
            if (const auto* t = std::get_if<TlsRecord>(&r))
                legs[t->id] << QString::fromLatin1(t->leg == TlsLeg::Client ? "client:"
                                                                            : "server:") +
                                   QString::fromLatin1(t->version);
        }
        QCOMPARE(begins.size(), 2);
        for (const ExchangeId id : begins)
            QCOMPARE(legs.value(id), QStringList({"client:TLSv1.3", "server:TLSv1.2"}));
    }

    void keepAliveReusesServerForSameHost() {
        ProxyConfig config = baseConfig();
        spyglass::core::record::ExchangeIdSource ids;
        ProxyContext context{config, ids};
        HttpProxyLayer layer(context);
        Playbook pb(layer);
        pb << event::Start{"c"};
        pb << event::DataReceived{0, "GET http://a.test/1 HTTP/1.1\r\nHost: a.test\r\n\r\n"};
        pb << event::OpenCompleted{1, OpenError::None, {}};
        pb << event::DataReceived{1, "HTTP/1.1 204 No Content\r\n\r\n"};
        const auto out =
            pb << event::DataReceived{0, "GET http://a.test/2 HTTP/1.1\r\nHost: a.test\r\n\r\n"};
        QCOMPARE(Playbook::only(out, "send 1"),
                 QStringList{"send 1 GET /2 HTTP/1.1\\r\\nHost: a.test\\r\\n\\r\\n"});
        QVERIFY(Playbook::only(out, "open").isEmpty());
        // A different host closes the old server connection and opens a new one.
        pb << event::DataReceived{1, "HTTP/1.1 204 No Content\r\n\r\n"};
        const auto other =
            pb << event::DataReceived{0, "GET http://b.test/ HTTP/1.1\r\nHost: b.test\r\n\r\n"};
        QVERIFY(other.contains("close 1"));
        QVERIFY(other.contains("open 2 b.test:80"));
    }

    // Pipelined requests are answered in order: the second is not sent
    // upstream until the first response is complete.
    void pipelinedRequestsWaitTheirTurn() {
        ProxyConfig config = baseConfig();
        spyglass::core::record::ExchangeIdSource ids;
        ProxyContext context{config, ids};
        HttpProxyLayer layer(context);
        Playbook pb(layer);
        pb << event::Start{"c"};
        pb << event::DataReceived{0, "GET http://a.test/1 HTTP/1.1\r\nHost: a.test\r\n\r\n"
                                     "GET http://a.test/2 HTTP/1.1\r\nHost: a.test\r\n\r\n"};
        const auto first = pb << event::OpenCompleted{1, OpenError::None, {}};
        QCOMPARE(first, QStringList{"send 1 GET /1 HTTP/1.1\\r\\nHost: a.test\\r\\n\\r\\n"});
        const auto second = pb << event::DataReceived{1, "HTTP/1.1 200 OK\r\nContent-Length: "
                                                         "1\r\n\r\n1"};
        QCOMPARE(Playbook::only(second, "send 1"),
                 QStringList{"send 1 GET /2 HTTP/1.1\\r\\nHost: a.test\\r\\n\\r\\n"});
        QCOMPARE(Playbook::only(second, "send 0").size(), 2);
    }

    void chunkedRequestIsReChunked() {
        ProxyConfig config = baseConfig();
        spyglass::core::record::ExchangeIdSource ids;
        ProxyContext context{config, ids};
        HttpProxyLayer layer(context);
        Playbook pb(layer);
        pb << event::Start{"c"};
        pb << event::DataReceived{0, "POST http://a.test/ HTTP/1.1\r\nHost: a.test\r\n"
                                     "Transfer-Encoding: chunked\r\n\r\n"};
        pb << event::OpenCompleted{1, OpenError::None, {}};
        const auto out = pb << event::DataReceived{0, "3;ext=1\r\nabc\r\n0\r\nX-T: 1\r\n\r\n"};
        QCOMPARE(Playbook::only(out, "send 1"),
                 (QStringList{"send 1 3\\r\\nabc\\r\\n", "send 1 0\\r\\nX-T: 1\\r\\n\\r\\n"}));
    }

    void http10ClientGetsCloseDelimitedBodyAndClose() {
        ProxyConfig config = baseConfig();
        spyglass::core::record::ExchangeIdSource ids;
        ProxyContext context{config, ids};
        HttpProxyLayer layer(context);
        Playbook pb(layer);
        pb << event::Start{"c"};
        pb << event::DataReceived{0, "GET http://a.test/ HTTP/1.0\r\n\r\n"};
        const auto sent = pb << event::OpenCompleted{1, OpenError::None, {}};
        QCOMPARE(sent, QStringList{"send 1 GET / HTTP/1.1\\r\\nHost: a.test\\r\\n\\r\\n"});
        const auto out = pb << event::DataReceived{1, "HTTP/1.1 200 OK\r\nTransfer-Encoding: "
                                                      "chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n"};
        QCOMPARE(Playbook::only(out, "send 0"),
                 (QStringList{"send 0 HTTP/1.1 200 OK\\r\\nConnection: close\\r\\n\\r\\n",
                              "send 0 ok"}));
        QVERIFY(out.contains("close 0"));
    }

    void originFormIs400WithHowTo() {
        ProxyConfig config = baseConfig();
        spyglass::core::record::ExchangeIdSource ids;
        ProxyContext context{config, ids};
        HttpProxyLayer layer(context);
        Playbook pb(layer);
        pb << event::Start{"c"};
        const auto out = pb << event::DataReceived{0, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"};
        QCOMPARE(statusLineSent(out), QStringLiteral("HTTP/1.1 400 Bad Request"));
        QVERIFY(out.join('\n').contains("curl -x http://127.0.0.1:8080"));
    }

    void httpsAbsoluteFormIs400SayingConnect() {
        ProxyConfig config = baseConfig();
        spyglass::core::record::ExchangeIdSource ids;
        ProxyContext context{config, ids};
        HttpProxyLayer layer(context);
        Playbook pb(layer);
        pb << event::Start{"c"};
        const auto out =
            pb << event::DataReceived{0, "GET https://a.test/ HTTP/1.1\r\nHost: a.test\r\n\r\n"};
        QCOMPARE(statusLineSent(out), QStringLiteral("HTTP/1.1 400 Bad Request"));
        QVERIFY(out.join('\n').contains("CONNECT"));
    }

    void malformedRequestIs400AndCloses() {
        ProxyConfig config = baseConfig();
        spyglass::core::record::ExchangeIdSource ids;
        ProxyContext context{config, ids};
        HttpProxyLayer layer(context);
        Playbook pb(layer);
        pb << event::Start{"c"};
        const auto out =
            pb << event::DataReceived{0, "GET http://a.test/ HTTP/1.1\r\nHost : a\r\n\r\n"};
        QCOMPARE(statusLineSent(out), QStringLiteral("HTTP/1.1 400 Bad Request"));
        QVERIFY(out.contains("close 0"));
    }

    void authRequiredIs407WithChallenge() {
        ProxyConfig config = baseConfig();
        config.basicCredentials = "user:pass";
        spyglass::core::record::ExchangeIdSource ids;
        ProxyContext context{config, ids};
        HttpProxyLayer layer(context);
        Playbook pb(layer);
        pb << event::Start{"c"};
        const auto denied =
            pb << event::DataReceived{0, "GET http://a.test/ HTTP/1.1\r\nHost: a.test\r\n\r\n"};
        QCOMPARE(statusLineSent(denied),
                 QStringLiteral("HTTP/1.1 407 Proxy Authentication Required"));
        QVERIFY(denied.join('\n').contains("Proxy-Authenticate: Basic realm=\"Spyglass\""));
        // base64("user:pass") = dXNlcjpwYXNz; the field is never forwarded.
        pb << event::DataReceived{0, "GET http://a.test/ HTTP/1.1\r\nHost: a.test\r\n"
                                     "Proxy-Authorization: Basic dXNlcjpwYXNz\r\n\r\n"};
        {
            const QStringList got = pb << event::OpenCompleted{1, OpenError::None, {}};
            QCOMPARE(got, (QStringList{"send 1 GET / HTTP/1.1\\r\\nHost: a.test\\r\\n\\r\\n"}));
        }
    }

    void malformedResponseIs502() {
        ProxyConfig config = baseConfig();
        spyglass::core::record::ExchangeIdSource ids;
        ProxyContext context{config, ids};
        HttpProxyLayer layer(context);
        Playbook pb(layer);
        pb << event::Start{"c"};
        pb << event::DataReceived{0, "GET http://a.test/ HTTP/1.1\r\nHost: a.test\r\n\r\n"};
        pb << event::OpenCompleted{1, OpenError::None, {}};
        const auto out = pb << event::DataReceived{1, "HTTP/1.1 200 OK\r\nBad Field: x\r\n\r\n"};
        QCOMPARE(statusLineSent(out), QStringLiteral("HTTP/1.1 502 Bad Gateway"));
        QVERIFY(out.contains("close 1"));
    }

    void partialHeadAtDeadlineIs408() {
        ProxyConfig config = baseConfig();
        spyglass::core::record::ExchangeIdSource ids;
        ProxyContext context{config, ids};
        HttpProxyLayer layer(context);
        Playbook pb(layer);
        pb << event::Start{"c"};
        pb << event::DataReceived{0, "GET http://a.test/ HTTP/1.1\r\nHo"};
        const auto out = pb << event::TimerFired{HttpProxyLayer::kHeaderTimer};
        QCOMPARE(statusLineSent(out), QStringLiteral("HTTP/1.1 408 Request Timeout"));
        QVERIFY(out.contains("close 0"));
    }

    void idleConnectionAtDeadlineClosesSilently() {
        ProxyConfig config = baseConfig();
        spyglass::core::record::ExchangeIdSource ids;
        ProxyContext context{config, ids};
        HttpProxyLayer layer(context);
        Playbook pb(layer);
        pb << event::Start{"c"};
        {
            const QStringList got = pb << event::TimerFired{HttpProxyLayer::kHeaderTimer};
            QCOMPARE(got, (QStringList{"close 0"}));
        }
    }

    // RFC 9110 §9.3.6: "A client MUST ignore any Content-Length or
    // Transfer-Encoding header fields received in a successful response to
    // CONNECT" — the bytes after the upstream's head are tunnel bytes.
    void upstreamProxyConnectIgnoresFramingOf2xx() {
        ProxyConfig config = baseConfig();
        config.upstreamProxy = UpstreamProxy{"next.test", 3128, "u:p"};
        spyglass::core::record::ExchangeIdSource ids;
        ProxyContext context{config, ids};
        HttpProxyLayer layer(context);
        Playbook pb(layer);
        pb << event::Start{"c"};
        QVERIFY(
            (pb << event::
                 DataReceived{0,
                              "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n"})
                .contains("open 1 next.test:3128"));
        {
            const QStringList got = pb << event::OpenCompleted{1, OpenError::None, {}};
            QCOMPARE(got, (QStringList{
                              "send 1 CONNECT example.com:443 HTTP/1.1\\r\\nHost: "
                              "example.com:443\\r\\nProxy-Authorization: Basic dTpw\\r\\n\\r\\n"}));
        }
        {
            const QStringList got =
                pb << event::DataReceived{1, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nTLS.."};
            QCOMPARE(got, (QStringList{kEstablished, "timer 100 600000", "send 0 TLS.."}));
        }
    }

    void upstreamProxyForwardKeepsAbsoluteForm() {
        ProxyConfig config = baseConfig();
        config.upstreamProxy = UpstreamProxy{"next.test", 3128, {}};
        spyglass::core::record::ExchangeIdSource ids;
        ProxyContext context{config, ids};
        HttpProxyLayer layer(context);
        Playbook pb(layer);
        pb << event::Start{"c"};
        {
            const QStringList got =
                pb << event::DataReceived{0, "GET http://a.test/x HTTP/1.1\r\nHost: a\r\n\r\n"};
            QVERIFY(got.contains("open 1 next.test:3128"));
        }
        {
            const QStringList got = pb << event::OpenCompleted{1, OpenError::None, {}};
            QCOMPARE(
                got,
                (QStringList{"send 1 GET http://a.test/x HTTP/1.1\\r\\nHost: a.test\\r\\n\\r\\n"}));
        }
    }
};

QTEST_GUILESS_MAIN(TestHttpProxyLayer)
#include "test_HttpProxyLayer.moc"
