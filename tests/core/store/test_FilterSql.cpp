// Filters compiled to SQL, run against a real session file: each field,
// the boolean structure, headers, full text and decoded-body search.
#undef QT_NO_CAST_FROM_ASCII
#define QT_RESTRICTED_CAST_FROM_ASCII
#include "Compress.h"
#include "SyntheticExchange.h"
#include "core/store/SessionReader.h"
#include "core/store/SessionWriter.h"

#include <QTemporaryDir>
#include <QTest>

using namespace spyglass::core;
using namespace spyglass::core::store;
using spyglass::core::store::testing::Compress;
using spyglass::core::store::testing::SyntheticExchange;

class TestFilterSql : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_path;
    std::unique_ptr<SessionReader> m_reader;

    static QList<SyntheticExchange> exchanges() {
        QList<SyntheticExchange> list;
        SyntheticExchange e;
        e.id = 1;
        e.host = "example.com";
        e.path = "/api/users";
        e.requestHeaders = {"X-Trace-Id: abc123"};
        e.responseHeaders = {"Content-Type: application/json", "Content-Encoding: gzip"};
        e.responseBody = Compress::gzip(R"({"user":"alice"})");
        e.durationUs = 2000;
        list << e;

        e = SyntheticExchange{};
        e.id = 2;
        e.method = "POST";
        e.host = "api.example.com";
        e.path = "/api/login";
        e.requestHeaders = {"Authorization: Basic eHl6",
                            "Content-Type: application/x-www-form-urlencoded"};
        e.requestBody = "user=bob&pass=hunter2";
        e.status = 401;
        e.reason = "Unauthorized";
        e.responseHeaders = {"Content-Type: text/plain"};
        e.responseBody = "denied";
        e.durationUs = 50'000;
        list << e;

        e = SyntheticExchange{};
        e.id = 3;
        e.host = "static.other.org";
        e.port = 8080;
        e.path = "/img/logo.png";
        e.responseHeaders = {"Content-Type: image/png"};
        e.responseBody = QByteArray(5000, '\x89');
        e.durationUs = 1'500'000;
        list << e;

        e = SyntheticExchange{};
        e.id = 4;
        e.method = "DELETE";
        e.path = "/api/users/1";
        e.status = 500;
        e.reason = "Internal Server Error";
        e.error = "upstream reset the connection";
        e.durationUs = 10'000;
        list << e;

        e = SyntheticExchange{};
        e.id = 5;
        e.mode = record::Mode::Tunnel;
        e.host = "secure.example.net";
        e.port = 443;
        e.durationUs = 30'000'000;
        list << e;

        e = SyntheticExchange{};
        e.id = 6;
        e.mode = record::Mode::Intercepted;
        e.scheme = "https";
        e.port = 443;
        e.path = "/x";
        e.status = 304;
        e.reason = "Not Modified";
        e.responseHeaders = {"Cache-Control: max-age=60"};
        record::TlsRecord tls;
        tls.leg = record::TlsLeg::Client;
        tls.version = "TLSv1.3";
        e.tls = {tls};
        list << e;

        e = SyntheticExchange{};
        e.id = 8;
        e.path = "/big";
        e.responseHeaders = {"Content-Type: text/plain", "Content-Encoding: br"};
        QByteArray text;
        while (text.size() < 600'000)
            text += "lorem ipsum dolor sit amet ";
        e.responseBody = Compress::brotli(text + "Needle-In-Haystack" + text);
        e.chunkBytes = 1000; // the needle is far past the first parts
        list << e;
        return list;
    }

    QStringList paths(const QString& expression) {
        auto filter = SessionReader::compileFilter(expression);
        if (!filter)
            qFatal("%s: %s", qPrintable(expression), qPrintable(filter.errorMessage()));
        auto rows = m_reader->rowsAfter(0, 100, &filter.value());
        if (!rows)
            qFatal("%s: %s", qPrintable(expression), qPrintable(rows.errorMessage()));
        QStringList result;
        for (const ListRow& row : rows.value())
            result << QString::number(row.id);
        auto counted = m_reader->count(&filter.value());
        if (!counted || counted.value() != result.size())
            qFatal("%s: count disagrees with rows", qPrintable(expression));
        return result;
    }

private Q_SLOTS:
    void initTestCase() {
        m_path = m_dir.filePath("filters.spyglass");
        WriterOptions options;
        options.path = m_path;
        auto writer = SessionWriter::open(options);
        QVERIFY(writer);
        writer.value()->start();
        for (const SyntheticExchange& e : exchanges()) {
            e.recordInto(*writer.value());
            if (e.id == 6) {
                // Exchange 7 is still in flight when the proxy stops.
                SyntheticExchange pending;
                pending.id = 7;
                pending.path = "/slow";
                pending.requestHeaders = {"X-Pending: yes"};
                auto events = pending.events();
                events.pop_back();
                for (auto& ev : events)
                    writer.value()->record(std::move(ev));
            }
        }
        writer.value()->stop();
        auto reader = SessionReader::open(m_path);
        QVERIFY(reader);
        m_reader = std::move(reader).value();
    }

    void filters_data() {
        QTest::addColumn<QString>("expression");
        QTest::addColumn<QString>("ids"); // row ids (= order of recording)
        QTest::newRow("everything") << ""
                                    << "1 2 3 4 5 6 7 8";
        QTest::newRow("url substring") << "api/users"
                                       << "1 4";
        QTest::newRow("url with scheme") << "https://"
                                         << "6";
        QTest::newRow("url with port") << "other.org:8080/img"
                                       << "3";
        QTest::newRow("url is case-insensitive") << "LOGO"
                                                 << "3";
        QTest::newRow("like wildcards are literal") << "api_users"
                                                    << "";
        QTest::newRow("percent is literal") << "%"
                                            << "";
        QTest::newRow("host substring") << "host:example"
                                        << "1 2 4 5 6 7 8";
        QTest::newRow("host subdomain") << "host:api."
                                        << "2";
        QTest::newRow("path") << "path:/api/"
                              << "1 2 4";
        QTest::newRow("method") << "method:post,delete"
                                << "2 4";
        QTest::newRow("status exact") << "status:401"
                                      << "2";
        QTest::newRow("status class") << "status:4xx"
                                      << "2";
        QTest::newRow("status at least") << "status:>=500"
                                         << "4";
        QTest::newRow("status list") << "status:304,401"
                                     << "2 6";
        QTest::newRow("status range") << "status:200-299"
                                      << "1 3 5 7 8";
        QTest::newRow("mode") << "mode:tunnel"
                              << "5";
        QTest::newRow("mode list") << "mode:intercepted,tunnel"
                                   << "5 6";
        QTest::newRow("content type") << "type:json"
                                      << "1";
        // Sizes are of content as it went over the wire (still encoded); a
        // tunnel's are the bytes relayed.
        QTest::newRow("response size") << "size:>=5000"
                                       << "3";
        QTest::newRow("response size range") << "size:1-10"
                                             << "2";
        QTest::newRow("request size") << "req-size:>0"
                                      << "2 5";
        QTest::newRow("duration") << "duration:>1s"
                                  << "3 5";
        QTest::newRow("duration ms") << "duration:<=10ms"
                                     << "1 4 6 8";
        QTest::newRow("id") << "id:2-3"
                            << "2 3";
        QTest::newRow("tls") << "tls:1.3"
                             << "6";
        QTest::newRow("has-error") << "has-error"
                                   << "4";
        QTest::newRow("error text") << "error:reset"
                                    << "4";
        QTest::newRow("not") << "not has-error"
                             << "1 2 3 5 6 7 8";
        QTest::newRow("not on unknown duration") << "-duration:>1ms"
                                                 << "7";
        QTest::newRow("and") << "host:example.com method:GET status:200"
                             << "1 7 8";
        QTest::newRow("or") << "status:401 or status:500"
                            << "2 4";
        QTest::newRow("grouping") << "host:example (status:4xx or has-error)"
                                  << "2 4";
        QTest::newRow("header present") << "header:x-trace-id"
                                        << "1";
        QTest::newRow("header value") << "header:Authorization=basic"
                                      << "2";
        QTest::newRow("header value mismatch") << "header:Authorization=bearer"
                                               << "";
        QTest::newRow("request header") << "req-header:content-type"
                                        << "2";
        QTest::newRow("response header") << "resp-header:content-type=text/plain"
                                         << "2 8";
        QTest::newRow("header of an incomplete exchange") << "header:X-Pending"
                                                          << "7";
        QTest::newRow("text in headers") << "text:abc123"
                                         << "1";
        QTest::newRow("text prefix") << "text:hunt"
                                     << "";
        QTest::newRow("text url words") << "text:logo"
                                        << "3";
        QTest::newRow("text header value") << "text:max-age"
                                           << "6";
        QTest::newRow("body plain") << "body:hunter2"
                                    << "2";
        QTest::newRow("body gzip") << "body:alice"
                                   << "1";
        QTest::newRow("body case-insensitive") << "body:ALICE"
                                               << "1";
        QTest::newRow("body br deep") << "resp-body:needle-in-haystack"
                                      << "8";
        QTest::newRow("request body only") << "req-body:denied"
                                           << "";
        QTest::newRow("response body only") << "resp-body:denied"
                                            << "2";
        QTest::newRow("body with other terms") << "host:api body:denied"
                                               << "2";
    }
    void filters() {
        QFETCH(QString, expression);
        QFETCH(QString, ids);
        QCOMPARE(paths(expression).join(" "), ids);
    }

    void valuesAreBoundNotSpliced() {
        // Quotes and SQL in values are data.
        QCOMPARE(paths("\"' OR 1=1 --\"").join(" "), QString());
        QCOMPARE(paths("host:\"'\"").join(" "), QString());
        auto filter = SessionReader::compileFilter("host:\"x' OR '1'='1\"");
        QVERIFY(filter);
        QVERIFY(!filter->where.contains("OR '1'"));
    }

    void pagesAndIdsHonourFilters() {
        auto filter = SessionReader::compileFilter("host:example");
        QVERIFY(filter);
        auto page = m_reader->page(2, 2, &filter.value());
        QVERIFY(page);
        QCOMPARE(page->size(), 2);
        QCOMPARE(page->at(0).id, 4);
        QCOMPARE(page->at(1).id, 5);
        auto ids = m_reader->ids(&filter.value(), 5);
        QVERIFY(ids);
        QCOMPARE(ids.value(), (QList<qint64>{6, 7, 8}));
    }
};

QTEST_GUILESS_MAIN(TestFilterSql)
#include "test_FilterSql.moc"
