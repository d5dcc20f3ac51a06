#include "ReaderHarness.h"
#include "RequestReaderTest.h"

#include <QTest>

using namespace spyglass::core::http1;
using namespace spyglass::core::http1::test;

namespace {

struct Sample {
    const char* name;
    QByteArray input;
    QByteArrayList expected;
};

// Valid request streams and the events they must give, whatever the cuts.
std::vector<Sample> samples() {
    return {
        {"simple get",
         "GET /index.html?q=1 HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\n\r\n",
         {"head GET /index.html?q=1 1.1 [Host=example.com|Accept=*/*] framing=none length=-1",
          "complete []"}},
        {"content length body",
         "POST /form HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello",
         {"head POST /form 1.1 [Host=a|Content-Length=5] framing=length length=5", "body hello",
          "complete []"}},
        {"content length zero",
         "PUT /x HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n",
         {"head PUT /x 1.1 [Host=a|Content-Length=0] framing=length length=0", "complete []"}},
        {"content length leading zeros and ows",
         "PUT /x HTTP/1.1\r\nHost: a\r\nContent-Length: \t003 \r\n\r\nabc",
         {"head PUT /x 1.1 [Host=a|Content-Length=003] framing=length length=3", "body abc",
          "complete []"}},
        {"chunked with extensions and trailers",
         "POST /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
         "5;name=value;flag\r\nhello\r\n6;q=\"a; b\"\r\n world\r\n0;last\r\n"
         "Expires: never\r\nX-Sum:  abc \t\r\n\r\n",
         {"head POST /up 1.1 [Host=a|Transfer-Encoding=gzip, chunked] framing=chunked length=-1",
          "body hello world", "complete [Expires=never|X-Sum=abc]"}},
        {"chunked upper hex and zero prefixed last chunk",
         "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
         "A\r\n0123456789\r\n000\r\n\r\n",
         {"head POST / 1.1 [Host=a|Transfer-Encoding=chunked] framing=chunked length=-1",
          "body 0123456789", "complete []"}},
        {"chunk extensions llhttp 8.1 cannot parse, and empty trailer values",
         "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
         "2;a=b;c\r\nAB\r\n1 ; q = \"x\\\"y\" ;z\r\nC\r\n0\r\nX:\r\nY: z\r\nE:  \r\n\r\n",
         {"head POST / 1.1 [Host=a|Transfer-Encoding=chunked] framing=chunked length=-1",
          "body ABC", "complete [X=|Y=z|E=]"}},
        {"leading empty lines",
         "\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n",
         {"head GET / 1.1 [Host=a] framing=none length=-1", "complete []"}},
        {"http 1.0 without host",
         "GET /old HTTP/1.0\r\nUser-Agent: x\r\n\r\n",
         {"head GET /old 1.0 [User-Agent=x] framing=none length=-1", "complete []"}},
        {"absolute form with another host",
         "GET http://Origin.example:8080/p?q HTTP/1.1\r\nHost: other.example\r\n\r\n",
         {"head GET http://Origin.example:8080/p?q 1.1 [Host=other.example] framing=none "
          "length=-1",
          "complete []"}},
        {"any token method",
         "PROPFIND /dav HTTP/1.1\r\nHost: a\r\n\r\nM-SEARCH /x HTTP/1.1\r\nHost: a\r\n\r\n"
         "FOO_BAR! /y HTTP/1.1\r\nHost: a\r\n\r\n",
         {"head PROPFIND /dav 1.1 [Host=a] framing=none length=-1", "complete []",
          "head M-SEARCH /x 1.1 [Host=a] framing=none length=-1", "complete []",
          "head FOO_BAR! /y 1.1 [Host=a] framing=none length=-1", "complete []"}},
        {"obs-text, htab and empty values",
         "GET / HTTP/1.1\r\nHost: a\r\nX-City: D\xc3\xbcsseldorf\r\nX-Ff: \xffok\r\n"
         "X-Tab: a\tb\r\nX-Empty:\r\nX-Spaces:   \r\n\r\n",
         {"head GET / 1.1 [Host=a|X-City=D\xc3\xbcsseldorf|X-Ff=\xffok|X-Tab=a\tb|X-Empty=|"
          "X-Spaces=] framing=none length=-1",
          "complete []"}},
        {"options asterisk",
         "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n",
         {"head OPTIONS * 1.1 [Host=a] framing=none length=-1", "complete []"}},
        {"connect",
         "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n",
         {"head CONNECT example.com:443 1.1 [Host=example.com:443] framing=none length=-1",
          "complete []"}},
        {"connect content length zero",
         "CONNECT [::1]:8443 HTTP/1.1\r\nHost: [::1]:8443\r\nContent-Length: 0\r\n\r\n",
         {"head CONNECT [::1]:8443 1.1 [Host=[::1]:8443|Content-Length=0] framing=none "
          "length=-1",
          "complete []"}},
        {"pipelined with crlf between",
         "POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nAAA\r\n"
         "GET /b HTTP/1.1\r\nHost: a\r\n\r\n"
         "POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nC\r\n0\r\n\r\n",
         {"head POST /a 1.1 [Host=a|Content-Length=3] framing=length length=3", "body AAA",
          "complete []", "head GET /b 1.1 [Host=a] framing=none length=-1", "complete []",
          "head POST /c 1.1 [Host=a|Transfer-Encoding=chunked] framing=chunked length=-1", "body C",
          "complete []"}},
        {"http 1.0 keep-alive pipelined",
         "GET /1 HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /2 HTTP/1.0\r\n\r\n",
         {"head GET /1 1.0 [Connection=keep-alive] framing=none length=-1", "complete []",
          "head GET /2 1.0 [] framing=none length=-1", "complete []"}},
    };
}

} // namespace

void TestRequestReader::accepts_data() {
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QByteArrayList>("expected");
    for (const Sample& s : samples())
        QTest::newRow(s.name) << s.input << s.expected;
}

void TestRequestReader::accepts() {
    QFETCH(QByteArray, input);
    QFETCH(QByteArrayList, expected);
    QCOMPARE(describe(feedRequest(input)), expected);
}

void TestRequestReader::splitAtEveryOffset_data() {
    accepts_data();
}

void TestRequestReader::splitAtEveryOffset() {
    QFETCH(QByteArray, input);
    QFETCH(QByteArrayList, expected);
    for (qsizetype cut = 1; cut < input.size(); ++cut)
        QVERIFY2(describe(feedRequest(input, {cut})) == expected,
                 qPrintable(QStringLiteral("cut at %1").arg(cut)));
    std::vector<qsizetype> everyByte;
    for (qsizetype i = 1; i < input.size(); ++i)
        everyByte.push_back(i);
    QCOMPARE(describe(feedRequest(input, everyByte)), expected);
}

void TestRequestReader::rawHeadAndFieldsExact() {
    const QByteArray head = "GET /a%20b HTTP/1.1\r\nHost:  a.example \r\nX:\tv  w\t\r\n\r\n";
    RequestReader reader;
    std::vector<RequestEvent> events;
    QCOMPARE(reader.feed(QByteArray("\r\n" + head), events), head.size() + 2);
    const auto& h = std::get<HeadReceived<RequestHead>>(events.at(0)).head;
    QCOMPARE(h.raw, head);
    QCOMPARE(h.target, QByteArray("/a%20b"));
    QCOMPARE(h.fields.fields().at(0).value, QByteArray("a.example"));
    QCOMPARE(h.fields.fields().at(1).value, QByteArray("v  w"));
}

void TestRequestReader::pipelinedStopsAfterEachMessage() {
    const QByteArray first = "GET /1 HTTP/1.1\r\nHost: a\r\n\r\n";
    const QByteArray second = "POST /2 HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nok";
    const QByteArray all = first + second;
    RequestReader reader;
    std::vector<RequestEvent> events;
    QCOMPARE(reader.feed(all, events), first.size());
    QCOMPARE(events.size(), std::size_t(2));
    QVERIFY(std::holds_alternative<MessageComplete>(events.back()));
    QVERIFY(reader.isIdle());
    QVERIFY(!reader.hasStartedMessage());
    QCOMPARE(reader.feed(QByteArrayView(all).sliced(first.size()), events), second.size());
    QCOMPARE(completedCount(events), 2);
    QVERIFY(reader.isIdle());
}

void TestRequestReader::connectLeavesTunnelBytes() {
    const QByteArray head = "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n";
    const QByteArray tls("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11);
    RequestReader reader;
    std::vector<RequestEvent> events;
    QCOMPARE(reader.feed(QByteArray(head + tls), events), head.size());
    QCOMPARE(describe(events),
             QByteArrayList({"head CONNECT example.com:443 1.1 [Host=example.com:443] "
                             "framing=none length=-1",
                             "complete []"}));
}

void TestRequestReader::connectThenAnotherRequest() {
    // A CONNECT answered with 407 may be retried on the same connection.
    const QByteArray first = "CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\n";
    const QByteArray second =
        "CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\nProxy-Authorization: Basic eDp5\r\n\r\n";
    RequestReader reader;
    std::vector<RequestEvent> events;
    QCOMPARE(reader.feed(QByteArray(first + second), events), first.size());
    QCOMPARE(reader.feed(second, events), second.size());
    QCOMPARE(completedCount(events), 2);
    QVERIFY(!failureOf(events));
}

void TestRequestReader::upgradeRequestCanContinue() {
    // llhttp pauses with HPE_PAUSED_UPGRADE; if the server declines the
    // upgrade the connection stays HTTP and the next request must parse.
    const QByteArray upgrade = "GET /chat HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\n"
                               "Upgrade: websocket\r\nContent-Length: 2\r\n\r\nhi";
    const QByteArray next = "GET /next HTTP/1.1\r\nHost: a\r\n\r\n";
    RequestReader reader;
    std::vector<RequestEvent> events;
    QCOMPARE(reader.feed(QByteArray(upgrade + next), events), upgrade.size());
    QCOMPARE(reader.feed(next, events), next.size());
    const QByteArrayList lines = describe(events);
    QCOMPARE(lines.size(), 5);
    QCOMPARE(lines.at(1), QByteArray("body hi"));
    QCOMPARE(lines.at(3), QByteArray("head GET /next 1.1 [Host=a] framing=none length=-1"));
}

void TestRequestReader::dataAfterConnectionClose() {
    const QByteArray first = "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n";
    RequestReader reader;
    std::vector<RequestEvent> events;
    QCOMPARE(reader.feed(QByteArray(first + "\r\n\r\n"), events), first.size());
    // Empty lines are still tolerated...
    QCOMPARE(reader.feed("\r\n\r\n", events), 4);
    QVERIFY(!failureOf(events));
    // ...but not another message (llhttp strict mode: "Data after
    // `Connection: close`"), nor after an HTTP/1.0 request without keep-alive.
    reader.feed("GET / HTTP/1.1\r\n", events);
    QVERIFY(failureOf(events));
    QCOMPARE(failureOf(events)->status, 400);

    RequestReader old;
    events.clear();
    const QByteArray http10 = "GET / HTTP/1.0\r\n\r\n";
    QCOMPARE(old.feed(QByteArray(http10 + "GET"), events), http10.size());
    old.feed("GET", events);
    QVERIFY(failureOf(events));
}

void TestRequestReader::finishBetweenMessages() {
    RequestReader reader;
    std::vector<RequestEvent> events;
    QVERIFY(reader.isIdle());
    reader.feed("GET / HTTP/1.1\r\nHost: a\r\n\r\n\r\n\r", events);
    QVERIFY(reader.isIdle());
    QVERIFY(!reader.hasStartedMessage());
    events.clear();
    reader.finish(events);
    QVERIFY(events.empty());
}

void TestRequestReader::finishMidMessage_data() {
    QTest::addColumn<QByteArray>("input");
    QTest::newRow("in the start line") << QByteArray("GET /");
    QTest::newRow("in the fields") << QByteArray("GET / HTTP/1.1\r\nHost: a\r\n");
    QTest::newRow("in a length body")
        << QByteArray("PUT / HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\nabc");
    QTest::newRow("in a chunked body")
        << QByteArray("PUT / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab");
    QTest::newRow("in the trailers")
        << QByteArray("PUT / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: y");
}

void TestRequestReader::finishMidMessage() {
    QFETCH(QByteArray, input);
    RequestReader reader;
    std::vector<RequestEvent> events;
    QCOMPARE(reader.feed(input, events), input.size());
    QVERIFY(!failureOf(events));
    QVERIFY(reader.hasStartedMessage());
    QVERIFY(!reader.isIdle());
    reader.finish(events);
    const ParseError* error = failureOf(events);
    QVERIFY(error);
    QCOMPARE(error->reason, QByteArray("connection closed in the middle of a request"));
    const std::size_t n = events.size();
    reader.finish(events);
    QCOMPARE(events.size(), n);
}

void TestRequestReader::deadAfterFailure() {
    RequestReader reader;
    std::vector<RequestEvent> events;
    reader.feed("GET / HTTP/1.1\r\nBad Name: x\r\n\r\n", events);
    QCOMPARE(events.size(), std::size_t(1));
    QVERIFY(!reader.isIdle());
    QCOMPARE(reader.feed("GET / HTTP/1.1\r\nHost: a\r\n\r\n", events), 0);
    QCOMPARE(events.size(), std::size_t(2));
    QVERIFY(std::holds_alternative<ParseFailed>(events.back()));
}

void TestRequestReader::largeBodyInPieces() {
    const QByteArray body(1 << 20, 'z');
    const QByteArray input =
        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: " + QByteArray::number(body.size()) +
        "\r\n\r\n" + body;
    std::vector<qsizetype> cuts;
    for (qsizetype i = 1000; i < input.size(); i += 65536)
        cuts.push_back(i);
    const auto events = feedRequest(input, cuts);
    QCOMPARE(describe(events).at(1), "body " + body);
    QCOMPARE(completedCount(events), 1);
}

QTEST_GUILESS_MAIN(TestRequestReader)
