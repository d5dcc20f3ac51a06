// BodyKindDetector: Content-Type first, then the bytes.
#include "ui/inspector/BodyKind.h"

#include <QTest>

using spyglass::ui::inspector::BodyKind;
using spyglass::ui::inspector::BodyKindDetector;

class TestBodyKind : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void detect_data() {
        QTest::addColumn<QByteArray>("contentType");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<BodyKind>("kind");
        QTest::newRow("empty") << QByteArray("text/html") << QByteArray() << BodyKind::Empty;
        QTest::newRow("json type")
            << QByteArray("application/json; charset=utf-8") << QByteArray("{}") << BodyKind::Json;
        QTest::newRow("problem+json")
            << QByteArray("application/problem+json") << QByteArray("{}") << BodyKind::Json;
        QTest::newRow("json sniffed") << QByteArray() << QByteArray(" \n[1,2]") << BodyKind::Json;
        QTest::newRow("html") << QByteArray("Text/HTML") << QByteArray("<p>") << BodyKind::Markup;
        QTest::newRow("svg is an image")
            << QByteArray("image/svg+xml")
            << QByteArray("<svg xmlns='http://www.w3.org/2000/svg'/>") << BodyKind::Image;
        QTest::newRow("xml sniffed")
            << QByteArray("text/plain") << QByteArray("<a/>") << BodyKind::Markup;
        QTest::newRow("js") << QByteArray("application/javascript") << QByteArray("var a;")
                            << BodyKind::JavaScript;
        QTest::newRow("css") << QByteArray("text/css") << QByteArray("a{}") << BodyKind::Css;
        QTest::newRow("form") << QByteArray("application/x-www-form-urlencoded")
                              << QByteArray("a=1") << BodyKind::UrlEncodedForm;
        QTest::newRow("multipart") << QByteArray("multipart/form-data; boundary=x")
                                   << QByteArray("--x") << BodyKind::Multipart;
        QTest::newRow("png sniffed") << QByteArray("application/octet-stream")
                                     << QByteArray("\x89PNG\r\n\x1A\n....") << BodyKind::Image;
        QTest::newRow("webp") << QByteArray("image/webp") << QByteArray("RIFF\0\0\0\0WEBPVP8 ", 16)
                              << BodyKind::Image;
        QTest::newRow("image type, not an image")
            << QByteArray("image/png") << QByteArray("nope") << BodyKind::Binary;
        QTest::newRow("binary") << QByteArray() << QByteArray("\x01\x00\x02", 3)
                                << BodyKind::Binary;
        QTest::newRow("invalid utf-8")
            << QByteArray() << QByteArray("ab\xff\xfe") << BodyKind::Binary;
        QTest::newRow("text") << QByteArray() << QByteArray("hello ✓") << BodyKind::PlainText;
    }
    void detect() {
        QFETCH(QByteArray, contentType);
        QFETCH(QByteArray, body);
        QFETCH(BodyKind, kind);
        QCOMPARE(BodyKindDetector::detect(contentType, body), kind);
    }

    void textSniffToleratesACutCharacter() {
        // 4095 ASCII bytes, then a check mark (3 bytes) straddling the 4 KiB sample.
        QByteArray body(4095, 'a');
        body += "\xE2\x9C\x93 more";
        QVERIFY(BodyKindDetector::looksLikeText(body));
    }

    void parameters() {
        QCOMPARE(BodyKindDetector::parameter("multipart/form-data; boundary=\"a b\"", "Boundary"),
                 QByteArray("a b"));
        QCOMPARE(BodyKindDetector::parameter("text/html;charset=utf-8", "charset"),
                 QByteArray("utf-8"));
        QVERIFY(BodyKindDetector::parameter("text/html", "charset").isEmpty());
        QCOMPARE(BodyKindDetector::mediaType(" Text/HTML ; x=y"), QByteArray("text/html"));
    }
};

QTEST_GUILESS_MAIN(TestBodyKind)
#include "test_BodyKind.moc"
