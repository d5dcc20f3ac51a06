// HAR 1.2 export (streamed), curl commands and redaction.
#undef QT_NO_CAST_FROM_ASCII
#define QT_RESTRICTED_CAST_FROM_ASCII
#include "Compress.h"
#include "SyntheticExchange.h"
#include "core/store/CurlCommand.h"
#include "core/store/HarEntry.h"
#include "core/store/HarExporter.h"
#include "core/store/HeaderRedaction.h"
#include "core/store/SessionReader.h"
#include "core/store/SessionWriter.h"

#include <QBuffer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace spyglass::core;
using namespace spyglass::core::store;
using spyglass::core::store::testing::Compress;
using spyglass::core::store::testing::SyntheticExchange;

namespace {

QList<SyntheticExchange> sample() {
    QList<SyntheticExchange> list;
    SyntheticExchange e;
    e.id = 1;
    e.method = "POST";
    e.path = "/login?next=%2Fhome&x";
    e.requestHeaders = {"Authorization: Bearer s3cr3t-token", "Cookie: sid=abc; theme=dark",
                        "Content-Type: application/json"};
    e.requestBody = R"({"user":"ann"})";
    e.responseHeaders = {"Content-Type: application/json", "Content-Encoding: gzip",
                         "Set-Cookie: sid=new-secret; Path=/; HttpOnly; Secure", "Location: /home"};
    e.responseBody = Compress::gzip(R"({"ok":true,"name":"Zoë"})");
    e.status = 302;
    e.reason = "Found";
    list << e;

    e = SyntheticExchange{};
    e.id = 2;
    e.path = "/image.bin";
    e.responseHeaders = {"Content-Type: application/octet-stream"};
    for (int i = 0; i < 256; ++i)
        e.responseBody += static_cast<char>(i);
    list << e;

    e = SyntheticExchange{};
    e.id = 3;
    e.mode = record::Mode::Tunnel;
    e.host = "tunnel.example";
    e.port = 443;
    list << e;

    e = SyntheticExchange{};
    e.id = 4;
    e.path = "/big";
    e.responseHeaders = {"Content-Type: text/plain"};
    e.responseBody = QByteArray(5000, 'z');
    list << e;
    return list;
}

} // namespace

class TestHarExporter : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<SessionReader> m_reader;

    QJsonObject exportHar(const QString& filterText, bool redact, HarSummary* summary = nullptr) {
        auto filter = SessionReader::compileFilter(filterText);
        QBuffer buffer;
        buffer.open(QIODevice::WriteOnly);
        HarOptions options;
        options.redact = redact;
        auto written = HarExporter::write(*m_reader, buffer, &filter.value(), options);
        if (!written)
            qFatal("%s", qPrintable(written.errorMessage()));
        if (summary)
            *summary = written.value();
        QJsonParseError error{};
        const QJsonDocument doc = QJsonDocument::fromJson(buffer.data(), &error);
        if (error.error != QJsonParseError::NoError)
            qFatal("HAR is not JSON: %s", qPrintable(error.errorString()));
        return doc.object();
    }

private Q_SLOTS:
    void initTestCase() {
        WriterOptions options;
        options.path = m_dir.filePath("har.spyglass");
        options.queue.bodyCap = 4096; // exchange 4 is truncated
        auto writer = SessionWriter::open(options);
        QVERIFY(writer);
        writer.value()->start();
        for (const SyntheticExchange& e : sample())
            e.recordInto(*writer.value());
        writer.value()->stop();
        auto reader = SessionReader::open(options.path);
        QVERIFY(reader);
        m_reader = std::move(reader).value();
    }

    void theLogHasHar12Structure() {
        HarSummary summary;
        const QJsonObject root = exportHar("", false, &summary);
        QCOMPARE(summary.entries, 3);
        QCOMPARE(summary.skippedTunnels, 1);
        const QJsonObject log = root.value("log").toObject();
        QCOMPARE(log.value("version").toString(), QString("1.2"));
        QCOMPARE(log.value("creator").toObject().value("name").toString(), QString("Spyglass"));
        const QJsonArray entries = log.value("entries").toArray();
        QCOMPARE(entries.size(), 3);
        for (const QJsonValue& value : entries) {
            const QJsonObject entry = value.toObject();
            for (const char* key :
                 {"startedDateTime", "time", "request", "response", "cache", "timings"})
                QVERIFY2(entry.contains(QLatin1StringView(key)), key);
            const QJsonObject req = entry.value("request").toObject();
            for (const char* key : {"method", "url", "httpVersion", "cookies", "headers",
                                    "queryString", "headersSize", "bodySize"})
                QVERIFY2(req.contains(QLatin1StringView(key)), key);
            const QJsonObject res = entry.value("response").toObject();
            for (const char* key : {"status", "statusText", "httpVersion", "cookies", "headers",
                                    "content", "redirectURL", "headersSize", "bodySize"})
                QVERIFY2(res.contains(QLatin1StringView(key)), key);
            QVERIFY(res.value("content").toObject().contains("size"));
            QVERIFY(res.value("content").toObject().contains("mimeType"));
            const QJsonObject t = entry.value("timings").toObject();
            for (const char* key : {"send", "wait", "receive"})
                QVERIFY2(t.value(QLatin1StringView(key)).toDouble() >= 0, key);
            QVERIFY(
                QDateTime::fromString(entry.value("startedDateTime").toString(), Qt::ISODateWithMs)
                    .isValid());
        }
    }

    void fieldsOfAnExchange() {
        const QJsonObject entry = exportHar("id:1", false)
                                      .value("log")
                                      .toObject()
                                      .value("entries")
                                      .toArray()
                                      .at(0)
                                      .toObject();
        QCOMPARE(entry.value("startedDateTime").toString(), QString("2023-11-14T22:13:20.000Z"));
        const QJsonObject req = entry.value("request").toObject();
        QCOMPARE(req.value("method").toString(), QString("POST"));
        QCOMPARE(req.value("url").toString(), QString("http://example.com/login?next=%2Fhome&x"));
        QCOMPARE(req.value("httpVersion").toString(), QString("HTTP/1.1"));
        const QJsonArray query = req.value("queryString").toArray();
        QCOMPARE(query.size(), 2);
        QCOMPARE(query.at(0).toObject().value("value").toString(), QString("/home"));
        QCOMPARE(req.value("cookies").toArray().size(), 2);
        QCOMPARE(req.value("postData").toObject().value("text").toString(),
                 QString(R"({"user":"ann"})"));
        QCOMPARE(req.value("postData").toObject().value("mimeType").toString(),
                 QString("application/json"));
        const QJsonObject res = entry.value("response").toObject();
        QCOMPARE(res.value("status").toInt(), 302);
        QCOMPARE(res.value("statusText").toString(), QString("Found"));
        QCOMPARE(res.value("redirectURL").toString(), QString("/home"));
        const QJsonObject content = res.value("content").toObject();
        QCOMPARE(content.value("text").toString(),
                 QString::fromUtf8(R"({"ok":true,"name":"Zoë"})"));
        QCOMPARE(content.value("size").toInt(), QByteArray(R"({"ok":true,"name":"Zoë"})").size());
        QVERIFY(!content.contains("encoding"));
        QCOMPARE(res.value("bodySize").toInt(),
                 Compress::gzip(R"({"ok":true,"name":"Zoë"})").size());
        const QJsonObject cookie = res.value("cookies").toArray().at(0).toObject();
        QCOMPARE(cookie.value("name").toString(), QString("sid"));
        QCOMPARE(cookie.value("value").toString(), QString("new-secret"));
        QCOMPARE(cookie.value("path").toString(), QString("/"));
        QVERIFY(cookie.value("httpOnly").toBool());
        QVERIFY(cookie.value("secure").toBool());
        // Synthetic timings: request start +10, connect +20..+120, sent
        // +300, first response byte +1300, done +2500 (microseconds).
        const QJsonObject t = entry.value("timings").toObject();
        QCOMPARE(t.value("blocked").toDouble(), 0.01);
        QCOMPARE(t.value("dns").toDouble(), -1.0);
        QCOMPARE(t.value("connect").toDouble(), 0.1);
        QCOMPARE(t.value("ssl").toDouble(), -1.0);
        QCOMPARE(t.value("send").toDouble(), 0.18);
        QCOMPARE(t.value("wait").toDouble(), 1.0);
        QCOMPARE(t.value("receive").toDouble(), 1.2);
        QCOMPARE(entry.value("time").toDouble(), 0.01 + 0.1 + 0.18 + 1.0 + 1.2);
        QCOMPARE(entry.value("_spyglass").toObject().value("mode").toString(), QString("forward"));
    }

    void binaryBodiesAreBase64() {
        const QJsonObject content = exportHar("id:2", false)
                                        .value("log")
                                        .toObject()
                                        .value("entries")
                                        .toArray()
                                        .at(0)
                                        .toObject()
                                        .value("response")
                                        .toObject()
                                        .value("content")
                                        .toObject();
        QCOMPARE(content.value("encoding").toString(), QString("base64"));
        QByteArray expected;
        for (int i = 0; i < 256; ++i)
            expected += static_cast<char>(i);
        QCOMPARE(QByteArray::fromBase64(content.value("text").toString().toLatin1()), expected);
    }

    void truncatedBodiesAreMarked() {
        const QJsonObject res = exportHar("id:4", false)
                                    .value("log")
                                    .toObject()
                                    .value("entries")
                                    .toArray()
                                    .at(0)
                                    .toObject()
                                    .value("response")
                                    .toObject();
        const QJsonObject content = res.value("content").toObject();
        QCOMPARE(content.value("text").toString().size(), 4096);
        QCOMPARE(content.value("_truncated").toString(), QString("cap"));
        QVERIFY2(content.value("comment").toString().contains("4096 of 5000 bytes"),
                 qPrintable(content.value("comment").toString()));
        QCOMPARE(res.value("bodySize").toInt(), 5000);
    }

    void redactMasksCredentials() {
        const QByteArray text = QJsonDocument(exportHar("", true)).toJson();
        for (const char* secret : {"s3cr3t-token", "abc", "dark", "new-secret"})
            QVERIFY2(!text.contains(secret), secret);
        const QJsonObject entry = exportHar("id:1", true)
                                      .value("log")
                                      .toObject()
                                      .value("entries")
                                      .toArray()
                                      .at(0)
                                      .toObject();
        QStringList headers;
        for (const QJsonValue& h : entry.value("request").toObject().value("headers").toArray())
            headers << h.toObject().value("name").toString() + ": " +
                           h.toObject().value("value").toString();
        QVERIFY(headers.contains("Authorization: Bearer [redacted]"));
        QVERIFY(headers.contains("Cookie: sid=[redacted]; theme=[redacted]"));
        QVERIFY(headers.contains("Content-Type: application/json")); // others untouched
    }

    void redactionRules_data() {
        QTest::addColumn<QByteArray>("name");
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<QByteArray>("redacted");
        QTest::newRow("basic") << QByteArray("Authorization") << QByteArray("Basic dXNlcjpwYXNz")
                               << QByteArray("Basic [redacted]");
        QTest::newRow("bare token")
            << QByteArray("authorization") << QByteArray("token") << QByteArray("[redacted]");
        QTest::newRow("proxy") << QByteArray("Proxy-Authorization") << QByteArray("Basic eA==")
                               << QByteArray("Basic [redacted]");
        QTest::newRow("cookies") << QByteArray("Cookie") << QByteArray("a=1; b=2")
                                 << QByteArray("a=[redacted]; b=[redacted]");
        QTest::newRow("set-cookie")
            << QByteArray("SET-COOKIE") << QByteArray("id=9; Path=/; Max-Age=60")
            << QByteArray("id=[redacted]; Path=/; Max-Age=60");
        QTest::newRow("other") << QByteArray("X-Api-Key") << QByteArray("k") << QByteArray("k");
    }
    void redactionRules() {
        QFETCH(QByteArray, name);
        QFETCH(QByteArray, value);
        QFETCH(QByteArray, redacted);
        QCOMPARE(HeaderRedaction::redact(name, value), redacted);
    }

    void redactAHead() {
        const QByteArray head =
            "GET / HTTP/1.1\r\nHost: a\r\nCookie: x=1\r\nauthorization: Bearer t\r\n\r\n";
        QCOMPARE(HeaderRedaction::redactHead(head),
                 QByteArray("GET / HTTP/1.1\r\nHost: a\r\nCookie: x=[redacted]\r\nauthorization: "
                            "Bearer [redacted]\r\n\r\n"));
    }

    void exportStreamsEveryRow() {
        // More rows than one page of the exporter (256).
        QTemporaryDir dir;
        WriterOptions options;
        options.path = dir.filePath("many.spyglass");
        auto writer = SessionWriter::open(options);
        writer.value()->start();
        for (record::ExchangeId id = 1; id <= 700; ++id) {
            SyntheticExchange e;
            e.id = id;
            e.path = "/" + QByteArray::number(id);
            e.responseBody = "body " + QByteArray::number(id);
            e.recordInto(*writer.value());
        }
        writer.value()->stop();
        auto reader = SessionReader::open(options.path);
        QBuffer buffer;
        buffer.open(QIODevice::WriteOnly);
        auto written = HarExporter::write(*reader.value(), buffer, nullptr, HarOptions{});
        QVERIFY(written);
        QCOMPARE(written->entries, 700);
        const QJsonArray entries = QJsonDocument::fromJson(buffer.data())
                                       .object()
                                       .value("log")
                                       .toObject()
                                       .value("entries")
                                       .toArray();
        QCOMPARE(entries.size(), 700);
        QCOMPARE(entries.at(699)
                     .toObject()
                     .value("response")
                     .toObject()
                     .value("content")
                     .toObject()
                     .value("text")
                     .toString(),
                 QString("body 700"));
    }

    // The curl command, run by a shell into a file: the body bytes survive
    // quoting, binary bodies go through printf.
    void curlCommands_data() {
        QTest::addColumn<QByteArray>("body");
        QTest::newRow("text with quotes") << QByteArray("it's \"quoted\" $HOME `x` \\n");
        QByteArray binary;
        for (int i = 0; i < 256; ++i)
            binary += static_cast<char>(i);
        QTest::newRow("binary") << binary;
        QTest::newRow("starts with @") << QByteArray("@/etc/passwd");
    }
    void curlCommands() {
        QFETCH(QByteArray, body);
        ExchangeDetail detail;
        detail.row.method = "PUT";
        detail.row.scheme = "http";
        detail.row.host = "example.com";
        detail.row.port = 8080;
        detail.row.path = "/up";
        detail.heads << StoredHead{
            record::Direction::Request,
            0,
            0,
            "PUT /up HTTP/1.1\r\nHost: example.com:8080\r\nX-A: 'b'\r\nAuthorization: Bearer "
            "t\r\nContent-Length: 3\r\nAccept-Encoding: gzip\r\n\r\n",
            {}};
        BodyContent content;
        content.data = body;
        content.stored = content.size = body.size();
        const QByteArray command = CurlCommand::build(detail, &content, true);
        QVERIFY(command.contains(" -X 'PUT'"));
        QVERIFY(command.contains("-H 'X-A: '\\''b'\\'''"));
        QVERIFY(command.contains("Bearer [redacted]"));
        QVERIFY(!command.contains("Content-Length"));
        QVERIFY(command.contains("--compressed"));
        QVERIFY(command.endsWith("'http://example.com:8080/up'"));
        // Replace curl with a stand-in that saves what it would send.
        QTemporaryDir dir;
        const QString fake = dir.filePath("curl");
        QFile script(fake);
        QVERIFY(script.open(QIODevice::WriteOnly));
        script.write("#!/bin/sh\nout=\"$(dirname \"$0\")/sent\"\nwhile [ $# -gt 0 ]; do\n"
                     "  case \"$1\" in\n"
                     "    --data-raw) printf '%s' \"$2\" > \"$out\"; shift ;;\n"
                     "    --data-binary) [ \"$2\" = @- ] && cat > \"$out\"; shift ;;\n"
                     "  esac; shift\ndone\n");
        script.close();
        script.setPermissions(QFileDevice::ExeOwner | QFileDevice::ReadOwner |
                              QFileDevice::WriteOwner);
        QProcess shell;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("PATH", dir.path() + ":" + env.value("PATH"));
        shell.setProcessEnvironment(env);
        shell.start("/bin/sh", {"-c", QString::fromUtf8(command)});
        QVERIFY(shell.waitForFinished(10000));
        QCOMPARE(shell.exitCode(), 0);
        QFile sent(dir.filePath("sent"));
        QVERIFY(sent.open(QIODevice::ReadOnly));
        QCOMPARE(sent.readAll(), body);
    }
};

QTEST_GUILESS_MAIN(TestHarExporter)
#include "test_HarExporter.moc"
