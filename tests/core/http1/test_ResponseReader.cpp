#include "ReaderHarness.h"

#include <QTest>
#include <algorithm>
#include <random>

using namespace spyglass::core::http1;
using namespace spyglass::core::http1::test;

namespace {

// Feeds `input` cut at `cuts`; `methods` are the request methods answered, in
// order: the next one is expected after each final (non-1xx) response.
std::vector<ResponseEvent> feedResponse(const QByteArray& input, const QByteArrayList& methods,
                                        bool finish, const std::vector<qsizetype>& cuts = {},
                                        QByteArray* leftover = nullptr) {
    ResponseReader reader;
    qsizetype next = 0;
    if (next < methods.size())
        reader.expectResponseTo(methods.at(next++));
    const auto afterMessage = [&](const std::vector<ResponseEvent>& events) {
        for (auto it = events.rbegin(); it != events.rend(); ++it) {
            if (const auto* h = std::get_if<HeadReceived<ResponseHead>>(&*it)) {
                if (h->head.status >= 200 && next < methods.size())
                    reader.expectResponseTo(methods.at(next++));
                return;
            }
        }
    };
    auto events = drive<ResponseReader, ResponseEvent>(
        reader, input, cuts, std::numeric_limits<int>::max(), leftover, afterMessage);
    if (finish && !failureOf(events))
        reader.finish(events);
    return events;
}

} // namespace

class TestResponseReader : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void accepts_data() {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<QByteArrayList>("methods");
        QTest::addColumn<bool>("finish");
        QTest::addColumn<QByteArrayList>("expected");
        QTest::newRow("content length")
            << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello")
            << QByteArrayList{"GET"} << false
            << QByteArrayList{"head 200 'OK' 1.1 [Content-Length=5] framing=length length=5",
                              "body hello", "complete []"};
        QTest::newRow("chunked with extensions and trailers")
            << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                          "3;x=\"y z\"\r\nabc\r\n0\r\nServer-Timing: db;dur=53\r\n\r\n")
            << QByteArrayList{"GET"} << false
            << QByteArrayList{"head 200 'OK' 1.1 [Transfer-Encoding=chunked] framing=chunked "
                              "length=-1",
                              "body abc", "complete [Server-Timing=db;dur=53]"};
        QTest::newRow("close delimited completes at finish")
            << QByteArray("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nhello world")
            << QByteArrayList{"GET"} << true
            << QByteArrayList{"head 200 'OK' 1.1 [Content-Type=text/plain] framing=close "
                              "length=-1",
                              "body hello world", "complete []"};
        QTest::newRow("close delimited without finish")
            << QByteArray("HTTP/1.0 200 OK\r\n\r\nsome") << QByteArrayList{"GET"} << false
            << QByteArrayList{"head 200 'OK' 1.0 [] framing=close length=-1", "body some"};
        QTest::newRow("close delimited empty body")
            << QByteArray("HTTP/1.1 200 OK\r\n\r\n") << QByteArrayList{"GET"} << true
            << QByteArrayList{"head 200 'OK' 1.1 [] framing=close length=-1", "complete []"};
        QTest::newRow("head response with content length")
            << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n"
                          "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
            << QByteArrayList{"HEAD", "GET"} << false
            << QByteArrayList{"head 200 'OK' 1.1 [Content-Length=1234] framing=none length=-1",
                              "complete []",
                              "head 200 'OK' 1.1 [Content-Length=2] framing=length length=2",
                              "body ok", "complete []"};
        QTest::newRow("204 and 304 have no body")
            << QByteArray("HTTP/1.1 204 No Content\r\nContent-Length: 3\r\n\r\n"
                          "HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n"
                          "HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n")
            << QByteArrayList{"GET", "GET", "GET"} << false
            << QByteArrayList{"head 204 'No Content' 1.1 [Content-Length=3] framing=none "
                              "length=-1",
                              "complete []",
                              "head 304 'Not Modified' 1.1 [Transfer-Encoding=chunked] "
                              "framing=none length=-1",
                              "complete []",
                              "head 304 'Not Modified' 1.1 [Content-Length=10] framing=none "
                              "length=-1",
                              "complete []"};
        QTest::newRow("1xx then final, the method persists")
            << QByteArray("HTTP/1.1 100 Continue\r\n\r\n\r\n"
                          "HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n"
                          "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n")
            << QByteArrayList{"HEAD"} << false
            << QByteArrayList{"head 100 'Continue' 1.1 [] framing=none length=-1",
                              "complete []",
                              "head 103 'Early Hints' 1.1 [Link=</s.css>; rel=preload] "
                              "framing=none length=-1",
                              "complete []",
                              "head 200 'OK' 1.1 [Content-Length=9] framing=none length=-1",
                              "complete []"};
        QTest::newRow("method is used up by a final response")
            << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n"
                          "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
            << QByteArrayList{"HEAD"} << false
            << QByteArrayList{"head 200 'OK' 1.1 [Content-Length=2] framing=none length=-1",
                              "complete []",
                              "head 200 'OK' 1.1 [Content-Length=2] framing=length length=2",
                              "body ok", "complete []"};
        QTest::newRow("407 to CONNECT has a body")
            << QByteArray("HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 4\r\n"
                          "\r\ndeny")
            << QByteArrayList{"CONNECT"} << false
            << QByteArrayList{"head 407 'Proxy Authentication Required' 1.1 [Content-Length=4] "
                              "framing=length length=4",
                              "body deny", "complete []"};
        QTest::newRow("transfer-encoding wins over content-length")
            << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: "
                          "chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n")
            << QByteArrayList{"GET"} << false
            << QByteArrayList{"head 200 'OK' 1.1 [Content-Length=100|Transfer-Encoding=chunked] "
                              "framing=chunked length=-1",
                              "body ok", "complete []"};
        QTest::newRow("chunked not final reads until close")
            << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\nraw")
            << QByteArrayList{"GET"} << true
            << QByteArrayList{"head 200 'OK' 1.1 [Transfer-Encoding=chunked, gzip] framing=close "
                              "length=-1",
                              "body raw", "complete []"};
        QTest::newRow("unknown coding reads until close")
            << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: pigeons\r\n\r\nraw")
            << QByteArrayList{"GET"} << true
            << QByteArrayList{"head 200 'OK' 1.1 [Transfer-Encoding=pigeons] framing=close "
                              "length=-1",
                              "body raw", "complete []"};
        QTest::newRow("status lines")
            << QByteArray("HTTP/1.1 301\r\nContent-Length: 0\r\n\r\n"
                          "HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\n"
                          "HTTP/1.1 500 Ori\xc3\xabntatie\tprobleem\r\nContent-Length: 0\r\n\r\n"
                          "HTTP/1.1 200  OK\r\nContent-Length: 0\r\n\r\n"
                          "HTTP/1.1 799 Custom\r\nContent-Length: 0\r\n\r\n")
            << QByteArrayList{} << false
            << QByteArrayList{"head 301 '' 1.1 [Content-Length=0] framing=length length=0",
                              "complete []",
                              "head 200 '' 1.1 [Content-Length=0] framing=length length=0",
                              "complete []",
                              "head 500 'Ori\xc3\xabntatie\tprobleem' 1.1 [Content-Length=0] "
                              "framing=length length=0",
                              "complete []",
                              "head 200 ' OK' 1.1 [Content-Length=0] framing=length length=0",
                              "complete []",
                              "head 799 'Custom' 1.1 [Content-Length=0] framing=length length=0",
                              "complete []"};
        QTest::newRow("leading empty line")
            << QByteArray("\r\nHTTP/1.1 204 No Content\r\n\r\n") << QByteArrayList{"GET"} << false
            << QByteArrayList{"head 204 'No Content' 1.1 [] framing=none length=-1", "complete []"};
    }
    void accepts() {
        QFETCH(QByteArray, input);
        QFETCH(QByteArrayList, methods);
        QFETCH(bool, finish);
        QFETCH(QByteArrayList, expected);
        QCOMPARE(describe(feedResponse(input, methods, finish)), expected);
    }

    void splitAtEveryOffset_data() { accepts_data(); }
    void splitAtEveryOffset() {
        QFETCH(QByteArray, input);
        QFETCH(QByteArrayList, methods);
        QFETCH(bool, finish);
        QFETCH(QByteArrayList, expected);
        for (qsizetype cut = 1; cut < input.size(); ++cut)
            QVERIFY2(describe(feedResponse(input, methods, finish, {cut})) == expected,
                     qPrintable(QStringLiteral("cut at %1").arg(cut)));
        std::vector<qsizetype> everyByte;
        for (qsizetype i = 1; i < input.size(); ++i)
            everyByte.push_back(i);
        QCOMPARE(describe(feedResponse(input, methods, finish, everyByte)), expected);
    }

    void rejects_data() {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<int>("status");
        QTest::newRow("TE in HTTP/1.0")
            << QByteArray("HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n") << 400;
        QTest::newRow("CL list") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\n\r\n")
                                 << 400;
        QTest::newRow("CL duplicate")
            << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\n")
            << 400;
        QTest::newRow("CL invalid on 304")
            << QByteArray("HTTP/1.1 304 Not Modified\r\nContent-Length: x\r\n\r\n") << 400;
        QTest::newRow("chunked twice")
            << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, chunked\r\n\r\n") << 400;
        QTest::newRow("one-digit status") << QByteArray("HTTP/1.1 2 OK\r\n\r\n") << 400;
        QTest::newRow("status below 100") << QByteArray("HTTP/1.1 099 X\r\n\r\n") << 400;
        QTest::newRow("four-digit status") << QByteArray("HTTP/1.1 2000 X\r\n\r\n") << 400;
        QTest::newRow("double space before status")
            << QByteArray("HTTP/1.1  200 OK\r\n\r\n") << 400;
        QTest::newRow("tab after version") << QByteArray("HTTP/1.1\t200 OK\r\n\r\n") << 400;
        QTest::newRow("CR before the status line")
            << QByteArray("\rHTTP/1.1 200 OK\r\n\r\n") << 400;
        QTest::newRow("HTP") << QByteArray("HTP/1.1 200 OK\r\n\r\n") << 400;
        QTest::newRow("RTSP") << QByteArray("RTSP/1.1 200 OK\r\n\r\n") << 400;
        QTest::newRow("HTTP/2.0") << QByteArray("HTTP/2.0 200 OK\r\n\r\n") << 505;
        QTest::newRow("HTTP/0.9") << QByteArray("HTTP/0.9 200 OK\r\n\r\n") << 505;
        QTest::newRow("CTL in reason") << QByteArray("HTTP/1.1 200 O\x01K\r\n\r\n") << 400;
        QTest::newRow("obs-fold") << QByteArray("HTTP/1.1 200 OK\r\nX: a\r\n b\r\n\r\n") << 400;
        QTest::newRow("bare CR after status line")
            << QByteArray("HTTP/1.1 200 OK\rContent-Length: 0\r\n\r\n") << 400;
        QTest::newRow("bare LF") << QByteArray("HTTP/1.1 200 OK\nContent-Length: 0\n\n") << 400;
        QTest::newRow("data after close")
            << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nConnection: close\r\n\r\nx"
                          "HTTP/1.1 200 OK\r\n\r\n")
            << 400;
        QTest::newRow("data after HTTP/1.0")
            << QByteArray("HTTP/1.0 204 No Content\r\n\r\nHTTP/1.0 200 OK\r\n\r\n") << 400;
        QTest::newRow("bad chunk") << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked"
                                                 "\r\n\r\n25  \r\nx")
                                   << 400;
    }
    void rejects() {
        QFETCH(QByteArray, input);
        QFETCH(int, status);
        for (qsizetype cut = 0; cut < input.size(); ++cut) {
            const auto events = feedResponse(
                input, {"GET"}, false, cut == 0 ? std::vector<qsizetype>{} : std::vector{cut});
            const ParseError* error = failureOf(events);
            QVERIFY2(error, qPrintable(QStringLiteral("cut at %1").arg(cut)));
            QCOMPARE(error->status, status);
        }
    }

    // Valid streams with a few bytes changed must give the same events
    // (failures included) fed whole and fed in pieces.
    void mutatedInputsGiveTheSameEventsHoweverCut() {
        const QByteArrayList seeds = {
            "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
            "3;x=y\r\nabc\r\n0\r\nT: v\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloHTTP/1.1 200 OK\r\n\r\nrest",
        };
        static constexpr char kAlphabet[] = "\r\n :;=\"\\\t0aA-,\x7f\xff"
                                            "5HTTP/1.";
        std::mt19937 rng(20240612);
        for (int round = 0; round < 2000; ++round) {
            QByteArray input = seeds[static_cast<qsizetype>(rng() % seeds.size())];
            for (int m = 1 + static_cast<int>(rng() % 3); m > 0; --m) {
                const qsizetype pos = static_cast<qsizetype>(rng() % (input.size() + 1));
                const char c = kAlphabet[rng() % (sizeof(kAlphabet) - 1)];
                if (rng() % 3 == 0)
                    input.insert(pos, c);
                else if (pos < input.size())
                    input[pos] = rng() % 2 ? c : '\0';
            }
            std::vector<qsizetype> cuts;
            for (int c = static_cast<int>(rng() % 4); c > 0 && input.size() > 1; --c)
                cuts.push_back(1 + static_cast<qsizetype>(rng() % (input.size() - 1)));
            std::sort(cuts.begin(), cuts.end());
            cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
            const QByteArrayList methods{rng() % 2 ? "HEAD" : "GET"};
            QVERIFY2(describe(feedResponse(input, methods, true)) ==
                         describe(feedResponse(input, methods, true, cuts)),
                     input.toPercentEncoding().constData());
        }
    }

    void switchingProtocolsEndsHttp() {
        const QByteArray head = "HTTP/1.1 101 Switching Protocols\r\nConnection: upgrade\r\n"
                                "Upgrade: websocket\r\nContent-Length: 4\r\n\r\n";
        ResponseReader reader;
        reader.expectResponseTo("GET");
        std::vector<ResponseEvent> events;
        QCOMPARE(reader.feed(QByteArray(head + "\x81\x05hello"), events), head.size());
        QCOMPARE(describe(events).size(), 2);
        QVERIFY(reader.isIdle());
        reader.finish(events);
        QCOMPARE(events.size(), std::size_t(2));
        QCOMPARE(reader.feed("\x81\x05hello", events), 0);
        QVERIFY(failureOf(events));
    }

    void connectSuccessEndsHttp() {
        const QByteArray head = "HTTP/1.1 200 Connection established\r\nContent-Length: 99\r\n"
                                "Transfer-Encoding: chunked\r\n\r\n";
        ResponseReader reader;
        reader.expectResponseTo("CONNECT");
        std::vector<ResponseEvent> events;
        QCOMPARE(reader.feed(QByteArray(head + "\x16\x03\x03"), events), head.size());
        QCOMPARE(describe(events),
                 QByteArrayList({"head 200 'Connection established' 1.1 [Content-Length=99|"
                                 "Transfer-Encoding=chunked] framing=none length=-1",
                                 "complete []"}));
    }

    void pipelinedStopsAfterEachMessage() {
        const QByteArray first = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nAAA";
        const QByteArray second = "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n";
        ResponseReader reader;
        std::vector<ResponseEvent> events;
        QCOMPARE(reader.feed(QByteArray(first + second), events), first.size());
        QCOMPARE(completedCount(events), 1);
        QCOMPARE(reader.feed(second, events), second.size());
        QCOMPARE(completedCount(events), 2);
    }

    void finish_data() {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<QByteArray>("lastEvent");
        QTest::newRow("idle") << QByteArray() << QByteArray();
        QTest::newRow("after empty lines") << QByteArray("\r\n") << QByteArray();
        QTest::newRow("mid head") << QByteArray("HTTP/1.1 200 OK\r\nContent-Le")
                                  << QByteArray("failed 400");
        QTest::newRow("mid length body")
            << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc")
            << QByteArray("failed 400");
        QTest::newRow("mid chunked body")
            << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n")
            << QByteArray("failed 400");
        QTest::newRow("close delimited")
            << QByteArray("HTTP/1.1 200 OK\r\n\r\nabc") << QByteArray("complete []");
        QTest::newRow("after a complete message")
            << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
            << QByteArray("complete []");
    }
    void finish() {
        QFETCH(QByteArray, input);
        QFETCH(QByteArray, lastEvent);
        ResponseReader reader;
        std::vector<ResponseEvent> events;
        QCOMPARE(reader.feed(input, events), input.size());
        reader.finish(events);
        const QByteArrayList lines = describe(events);
        QCOMPARE(lines.isEmpty() ? QByteArray() : lines.last(), lastEvent);
        if (lastEvent.startsWith("failed"))
            QCOMPARE(failureOf(events)->reason,
                     QByteArray("connection closed in the middle of a response"));
        QVERIFY(reader.isIdle() == !lastEvent.startsWith("failed"));
    }
};

QTEST_GUILESS_MAIN(TestResponseReader)
#include "test_ResponseReader.moc"
