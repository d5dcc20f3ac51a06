#include "ReaderHarness.h"
#include "RequestReaderTest.h"

#include <QTest>
#include <algorithm>
#include <random>

using namespace spyglass::core::http1;
using namespace spyglass::core::http1::test;

namespace {

QByteArray get(const QByteArray& fields) {
    return "GET / HTTP/1.1\r\n" + fields + "\r\n";
}

} // namespace

void TestRequestReader::rejects_data() {
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<int>("status");
    // The gate: line endings.
    QTest::newRow("bare CR in a value") << get("Host: a\r\nX: a\rb\r\n") << 400;
    QTest::newRow("CR without LF after the request line")
        << QByteArray("GET / HTTP/1.1\rHost: a\r\n\r\n") << 400;
    QTest::newRow("CRLF CR then not LF") << QByteArray("GET / HTTP/1.1\r\nHost: a\r\n\rX") << 400;
    QTest::newRow("bare LF ends lines") << QByteArray("GET / HTTP/1.1\nHost: a\n\n") << 400;
    QTest::newRow("bare LF between fields") << get("Host: a\nX: b\r\n") << 400;
    QTest::newRow("bare LF before the request") << QByteArray("\nGET / HTTP/1.1\r\n\r\n") << 400;
    QTest::newRow("CR CR before the request") << QByteArray("\r\rGET / HTTP/1.1\r\n\r\n") << 400;
    // The gate: field lines.
    QTest::newRow("obs-fold") << get("Host: a\r\nX: a\r\n b\r\n") << 400;
    QTest::newRow("obs-fold with tab") << get("Host: a\r\nX: a\r\n\tb\r\n") << 400;
    QTest::newRow("space after the start line") << get(" Host: a\r\n") << 400;
    QTest::newRow("space before colon") << get("Host : a\r\n") << 400;
    QTest::newRow("tab before colon") << get("Host\t: a\r\n") << 400;
    QTest::newRow("NUL in a value") << get(QByteArray("Host: a\r\nX: a\0b\r\n", 19)) << 400;
    QTest::newRow("CTL in a value") << get("Host: a\r\nX: a\x01z\r\n") << 400;
    QTest::newRow("DEL in a value") << get("Host: a\r\nX: a\x7fz\r\n") << 400;
    QTest::newRow("NUL in a name") << get(QByteArray("Host: a\r\nX\0: b\r\n", 17)) << 400;
    QTest::newRow("non-token name") << get("Host: a\r\nFo@: b\r\n") << 400;
    QTest::newRow("name with space") << get("Host: a\r\nBad Name: b\r\n") << 400;
    QTest::newRow("empty name") << get("Host: a\r\n: b\r\n") << 400;
    QTest::newRow("no colon") << get("Host: a\r\nNoColon\r\n") << 400;
    QTest::newRow("obs-text name") << get("Host: a\r\nX\xe9: b\r\n") << 400;
    // The gate: request line.
    QTest::newRow("invalid method") << QByteArray("GE(T / HTTP/1.1\r\nHost: a\r\n\r\n") << 400;
    QTest::newRow("empty method") << QByteArray(" / HTTP/1.1\r\nHost: a\r\n\r\n") << 400;
    QTest::newRow("two spaces") << QByteArray("GET  / HTTP/1.1\r\nHost: a\r\n\r\n") << 400;
    QTest::newRow("tab separator") << QByteArray("GET\t/ HTTP/1.1\r\nHost: a\r\n\r\n") << 400;
    QTest::newRow("CTL in target") << QByteArray("GET /a\x01 HTTP/1.1\r\nHost: a\r\n\r\n") << 400;
    QTest::newRow("UTF-8 in target")
        << QByteArray("GET /\xc3\xa9 HTTP/1.1\r\nHost: a\r\n\r\n") << 400;
    QTest::newRow("space in target") << QByteArray("GET /a b HTTP/1.1\r\nHost: a\r\n\r\n") << 400;
    QTest::newRow("HTTP/0.9 request") << QByteArray("GET /\r\n\r\n") << 400;
    QTest::newRow("trailing space") << QByteArray("GET / HTTP/1.1 \r\nHost: a\r\n\r\n") << 400;
    QTest::newRow("lower-case http") << QByteArray("GET / http/1.1\r\nHost: a\r\n\r\n") << 400;
    QTest::newRow("two-digit major") << QByteArray("GET / HTTP/11.1\r\nHost: a\r\n\r\n") << 400;
    QTest::newRow("two-digit minor") << QByteArray("GET / HTTP/1.01\r\nHost: a\r\n\r\n") << 400;
    QTest::newRow("no minor") << QByteArray("GET / HTTP/1\r\nHost: a\r\n\r\n") << 400;
    QTest::newRow("ICE protocol") << QByteArray("SOURCE / ICE/1.0\r\nHost: a\r\n\r\n") << 400;
    QTest::newRow("RTSP protocol") << QByteArray("OPTIONS / RTSP/1.0\r\n\r\n") << 400;
    QTest::newRow("HTTP/2.0") << QByteArray("GET / HTTP/2.0\r\nHost: a\r\n\r\n") << 505;
    QTest::newRow("HTTP/1.2") << QByteArray("GET / HTTP/1.2\r\nHost: a\r\n\r\n") << 505;
    QTest::newRow("HTTP/0.9") << QByteArray("GET / HTTP/0.9\r\n\r\n") << 505;
    QTest::newRow("HTTP/5.6 unterminated") << QByteArray("GET / HTTP/5.6") << 505;
    // Targets.
    QTest::newRow("fragment") << QByteArray("GET /a#b HTTP/1.1\r\nHost: a\r\n\r\n") << 400;
    QTest::newRow("asterisk for GET") << QByteArray("GET * HTTP/1.1\r\nHost: a\r\n\r\n") << 400;
    QTest::newRow("authority form for GET")
        << QByteArray("GET a:80 HTTP/1.1\r\nHost: a\r\n\r\n") << 400;
    QTest::newRow("userinfo") << QByteArray("GET http://u:p@a/ HTTP/1.1\r\nHost: a\r\n\r\n") << 400;
    // Host (RFC 9112 §3.2).
    QTest::newRow("HTTP/1.1 without Host") << QByteArray("GET / HTTP/1.1\r\n\r\n") << 400;
    QTest::newRow("two Host fields") << get("Host: a\r\nHost: a\r\n") << 400;
    QTest::newRow("two Host fields in HTTP/1.0")
        << QByteArray("GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n") << 400;
    QTest::newRow("Host with userinfo") << get("Host: u@a\r\n") << 400;
    QTest::newRow("Host with bad port") << get("Host: a:99999\r\n") << 400;
    QTest::newRow("empty Host") << get("Host:\r\n") << 400;
    // CONNECT.
    QTest::newRow("CONNECT without port")
        << QByteArray("CONNECT a HTTP/1.1\r\nHost: a\r\n\r\n") << 400;
    QTest::newRow("CONNECT origin form")
        << QByteArray("CONNECT /x HTTP/1.1\r\nHost: a\r\n\r\n") << 400;
    QTest::newRow("CONNECT port zero")
        << QByteArray("CONNECT a:0 HTTP/1.1\r\nHost: a\r\n\r\n") << 400;
    QTest::newRow("CONNECT with Content-Length")
        << QByteArray("CONNECT a:443 HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello") << 400;
    QTest::newRow("CONNECT with Transfer-Encoding")
        << QByteArray("CONNECT a:443 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n")
        << 400;
    // Transfer-Encoding and Content-Length.
    QTest::newRow("TE in HTTP/1.0")
        << QByteArray("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n") << 400;
    QTest::newRow("TE and CL")
        << get("Host: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n") << 400;
    QTest::newRow("TE final gzip") << get("Host: a\r\nTransfer-Encoding: gzip\r\n") << 400;
    QTest::newRow("TE chunked then gzip")
        << get("Host: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n") << 400;
    QTest::newRow("TE chunked twice")
        << get("Host: a\r\nTransfer-Encoding: chunked, chunked\r\n") << 400;
    QTest::newRow("TE empty") << get("Host: a\r\nTransfer-Encoding:\r\n") << 400;
    QTest::newRow("TE unknown") << get("Host: a\r\nTransfer-Encoding: pigeons\r\n") << 501;
    QTest::newRow("TE chunkedchunked")
        << get("Host: a\r\nTransfer-Encoding: chunkedchunked\r\n") << 501;
    QTest::newRow("TE identity") << get("Host: a\r\nTransfer-Encoding: identity, chunked\r\n")
                                 << 501;
    QTest::newRow("CL list") << get("Host: a\r\nContent-Length: 1, 1\r\n") << 400;
    QTest::newRow("CL identical duplicate")
        << get("Host: a\r\nContent-Length: 1\r\nContent-Length: 1\r\n") << 400;
    QTest::newRow("CL differing duplicate")
        << get("Host: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n") << 400;
    QTest::newRow("CL not digits") << get("Host: a\r\nContent-Length: abc\r\n") << 400;
    QTest::newRow("CL negative") << get("Host: a\r\nContent-Length: -1\r\n") << 400;
    QTest::newRow("CL plus") << get("Host: a\r\nContent-Length: +1\r\n") << 400;
    QTest::newRow("CL inner space") << get("Host: a\r\nContent-Length: 4 2\r\n") << 400;
    QTest::newRow("CL empty") << get("Host: a\r\nContent-Length:\r\n") << 400;
    QTest::newRow("CL overflow") << get("Host: a\r\nContent-Length: 99999999999999999999\r\n")
                                 << 400;
    // Chunked framing (the chunk gate).
    const QByteArray chunked = get("Host: a\r\nTransfer-Encoding: chunked\r\n");
    QTest::newRow("chunk size CR CR") << chunked + "5\r\r;ABCD\r\n34\r\n" << 400;
    QTest::newRow("chunk size space") << chunked + "a \r\n0123456789\r\n0\r\n\r\n" << 400;
    QTest::newRow("chunk size junk") << chunked + "2 erfrferferf\r\naa\r\n0\r\n\r\n" << 400;
    QTest::newRow("chunk size missing") << chunked + "\r\n" << 400;
    QTest::newRow("chunk size bare LF") << chunked + "1\na\r\n0\r\n\r\n" << 400;
    QTest::newRow("chunk data without CRLF") << chunked + "5\r\nABCDE0\r\n\r\n" << 400;
    QTest::newRow("chunk size overflow") << chunked + "fffffffffffffffff\r\n" << 400;
    QTest::newRow("chunk extension CTL") << chunked + "1;a\x01\r\na\r\n0\r\n\r\n" << 400;
    QTest::newRow("chunk extension empty") << chunked + "2;\r\naa\r\n0\r\n\r\n" << 400;
    QTest::newRow("chunk extension trailing space") << chunked + "1;a \r\na\r\n0\r\n\r\n" << 400;
    QTest::newRow("chunk extension unclosed quote") << chunked + "1;a=\"b\r\na\r\n0\r\n\r\n" << 400;
    QTest::newRow("chunk extension two values") << chunked + "1;a=b c\r\na\r\n0\r\n\r\n" << 400;
    QTest::newRow("chunk extension line too long")
        << chunked + "1;a=" + QByteArray(5000, 'b') + "\r\na\r\n0\r\n\r\n"
        << 400;
    QTest::newRow("trailer obs-fold") << chunked + "0\r\nX: a\r\n b\r\n\r\n" << 400;
    QTest::newRow("trailer space before colon") << chunked + "0\r\nX : a\r\n\r\n" << 400;
    QTest::newRow("trailer bare LF end") << chunked + "0\r\nX: a\r\n\n" << 400;
    QTest::newRow("last chunk bare LF") << chunked + "0\r\n\n" << 400;
    QTest::newRow("trailer bare CR") << chunked + "0\r\nX: a\rb\r\n\r\n" << 400;
}

void TestRequestReader::rejects() {
    QFETCH(QByteArray, input);
    QFETCH(int, status);
    const auto events = feedRequest(input);
    const ParseError* error = failureOf(events);
    QVERIFY2(error, describe(events).join(" / ").constData());
    QCOMPARE(error->status, status);
    QVERIFY(!error->reason.isEmpty());
    QVERIFY(std::holds_alternative<ParseFailed>(events.back()));
    // The verdict must not depend on how the bytes were cut.
    for (qsizetype cut = 1; cut < input.size(); ++cut) {
        const auto split = feedRequest(input, {cut});
        const ParseError* e = failureOf(split);
        QVERIFY2(e && e->status == status, qPrintable(QStringLiteral("cut at %1").arg(cut)));
        QCOMPARE(e->reason, error->reason);
    }
}

void TestRequestReader::limits_data() {
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<int>("status"); // 0: accepted
    const auto target = [](int length) { return QByteArray("/" + QByteArray(length - 1, 'a')); };
    // The request line "GET <target> HTTP/1.1" is 14 bytes plus the target.
    QTest::newRow("request line at the limit")
        << QByteArray("GET " + target(51) + " HTTP/1.1\r\nHost: a\r\n\r\n") << 0;
    QTest::newRow("request line over the limit")
        << QByteArray("GET " + target(52) + " HTTP/1.1\r\nHost: a\r\n\r\n") << 414;
    QTest::newRow("request line over the limit, unterminated")
        << QByteArray("GET " + target(200)) << 414;
    QByteArray fields = "Host: a\r\n";
    for (int i = 1; i < 8; ++i)
        fields += "X" + QByteArray::number(i) + ": v\r\n";
    QTest::newRow("fields at the limit") << get(fields) << 0;
    QTest::newRow("fields over the limit") << get(fields + "X8: v\r\n") << 431;
    const QByteArray big = "GET / HTTP/1.1\r\nHost: a\r\nX: " + QByteArray(200, 'v');
    const qsizetype room = 256 - big.size() - 4; // CRLF CRLF
    QTest::newRow("head at the limit") << big + QByteArray(room, 'v') + "\r\n\r\n" << 0;
    QTest::newRow("head over the limit") << big + QByteArray(room + 1, 'v') + "\r\n\r\n" << 431;
    QTest::newRow("head over the limit, unterminated") << big + QByteArray(500, 'v') << 431;
    const QByteArray chunked = get("Host: a\r\nTransfer-Encoding: chunked\r\n") + "0\r\n";
    QTest::newRow("trailer fields at the limit") << chunked + fields + "\r\n" << 0;
    QTest::newRow("trailer fields over the limit") << chunked + fields + "X8: v\r\n\r\n" << 431;
    QTest::newRow("trailer section over the limit")
        << chunked + "T: " + QByteArray(300, 't') + "\r\n\r\n"
        << 431;
}

void TestRequestReader::limits() {
    QFETCH(QByteArray, input);
    QFETCH(int, status);
    Http1Limits limits;
    limits.maxRequestLine = 64;
    limits.maxHeadBytes = 256;
    limits.maxFieldCount = 8;
    for (qsizetype cut = 0; cut < input.size(); ++cut) {
        const auto events =
            feedRequest(input, cut == 0 ? std::vector<qsizetype>{} : std::vector{cut}, limits);
        const ParseError* error = failureOf(events);
        if (status == 0) {
            QVERIFY2(!error, error ? error->reason.constData() : "");
            QCOMPARE(completedCount(events), 1);
        } else {
            QVERIFY(error);
            QCOMPARE(error->status, status);
        }
    }
}

// A property test: valid streams with a few bytes changed, inserted or removed
// must give the same events (failures included) fed whole and fed in pieces.
void TestRequestReader::mutatedInputsGiveTheSameEventsHoweverCut() {
    const QByteArrayList seeds = {
        "POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nAAA\r\nGET /b HTTP/1.1\r\n"
        "Host: b\r\n\r\n",
        "POST /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
        "5;name=value;flag\r\nhello\r\n6;q=\"a; b\"\r\n world\r\n0;last\r\nX:  abc \t\r\n\r\n",
        "CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\nxyz",
        "GET /chat HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
        "Content-Length: 2\r\n\r\nhiGET / HTTP/1.0\r\n\r\n",
    };
    static constexpr char kAlphabet[] = "\r\n :;=\"\\\t0aA-,\x7f\xff"
                                        "5HTTP/1.";
    std::mt19937 rng(20240611);
    for (int round = 0; round < 3000; ++round) {
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
        QVERIFY2(describe(feedRequest(input)) == describe(feedRequest(input, cuts)),
                 input.toPercentEncoding().constData());
    }
}
