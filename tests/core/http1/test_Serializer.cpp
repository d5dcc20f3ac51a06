#include "core/http1/Serializer.h"

#include <QTest>

using namespace spyglass::core::http1;

class TestSerializer : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void requestHead() {
        RequestHead head;
        head.method = "POST";
        head.target = "/submit?x=1";
        head.versionMinor = 1;
        head.fields.append("Host", "example.com");
        head.fields.append("Content-Length", "3");
        QCOMPARE(serializeRequestHead(head),
                 QByteArray("POST /submit?x=1 HTTP/1.1\r\nHost: example.com\r\n"
                            "Content-Length: 3\r\n\r\n"));
        head.versionMinor = 0;
        head.fields = HeaderFields();
        QCOMPARE(serializeRequestHead(head), QByteArray("POST /submit?x=1 HTTP/1.0\r\n\r\n"));
    }

    void responseHead() {
        ResponseHead head;
        head.status = 407;
        head.reason = reasonPhrase(407);
        head.fields.append("Proxy-Authenticate", "Basic realm=\"spyglass\"");
        QCOMPARE(serializeResponseHead(head),
                 QByteArray("HTTP/1.1 407 Proxy Authentication Required\r\n"
                            "Proxy-Authenticate: Basic realm=\"spyglass\"\r\n\r\n"));
    }

    void responseHeadEmptyReasonKeepsSpace() {
        ResponseHead head;
        head.versionMinor = 0;
        head.status = 200;
        QCOMPARE(serializeResponseHead(head), QByteArray("HTTP/1.0 200 \r\n\r\n"));
    }

    void chunks_data() {
        QTest::addColumn<QByteArray>("data");
        QTest::addColumn<QByteArray>("encoded");
        QTest::newRow("empty") << QByteArray() << QByteArray();
        QTest::newRow("one") << QByteArray("a") << QByteArray("1\r\na\r\n");
        QTest::newRow("hex lower")
            << QByteArray(26, 'x') << QByteArray("1a\r\n" + QByteArray(26, 'x') + "\r\n");
        QTest::newRow("4096") << QByteArray(4096, 'y')
                              << QByteArray("1000\r\n" + QByteArray(4096, 'y') + "\r\n");
    }
    void chunks() {
        QFETCH(QByteArray, data);
        QFETCH(QByteArray, encoded);
        QCOMPARE(encodeChunk(data), encoded);
    }

    void lastChunk() {
        QCOMPARE(encodeLastChunk(), QByteArray("0\r\n\r\n"));
        HeaderFields trailers;
        trailers.append("Expires", "never");
        trailers.append("X-Sum", "abc");
        QCOMPARE(encodeLastChunk(trailers),
                 QByteArray("0\r\nExpires: never\r\nX-Sum: abc\r\n\r\n"));
    }

    void reasonPhrases_data() {
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("phrase");
        const std::pair<int, const char*> rows[] = {
            {100, "Continue"},
            {101, "Switching Protocols"},
            {103, "Early Hints"},
            {200, "OK"},
            {204, "No Content"},
            {301, "Moved Permanently"},
            {304, "Not Modified"},
            {400, "Bad Request"},
            {403, "Forbidden"},
            {404, "Not Found"},
            {407, "Proxy Authentication Required"},
            {408, "Request Timeout"},
            {413, "Content Too Large"},
            {414, "URI Too Long"},
            {421, "Misdirected Request"},
            {431, "Request Header Fields Too Large"},
            {500, "Internal Server Error"},
            {501, "Not Implemented"},
            {502, "Bad Gateway"},
            {503, "Service Unavailable"},
            {504, "Gateway Timeout"},
            {505, "HTTP Version Not Supported"},
            {508, "Loop Detected"},
            {511, "Network Authentication Required"},
            {299, "Unknown"},
            {0, "Unknown"},
            {999, "Unknown"},
        };
        for (const auto& [status, phrase] : rows)
            QTest::addRow("%d", status) << status << QByteArray(phrase);
    }
    void reasonPhrases() {
        QFETCH(int, status);
        QFETCH(QByteArray, phrase);
        QCOMPARE(reasonPhrase(status), phrase);
    }
};

QTEST_GUILESS_MAIN(TestSerializer)
#include "test_Serializer.moc"
