// SessionWriter: what the proxy's records become in the session file.
#undef QT_NO_CAST_FROM_ASCII
#define QT_RESTRICTED_CAST_FROM_ASCII
#include "SessionInspector.h"
#include "SyntheticExchange.h"
#include "core/store/RecordApplier.h"
#include "core/store/SessionReader.h"
#include "core/store/SessionWriter.h"
#include "core/store/SqliteConnection.h"

#include <QTemporaryDir>
#include <QTest>
#include <sys/stat.h>

using namespace spyglass::core;
using namespace spyglass::core::store;
using spyglass::core::store::testing::SessionInspector;
using spyglass::core::store::testing::SyntheticExchange;

namespace {

QByteArray pattern(qsizetype size, int seed) {
    QByteArray data(size, Qt::Uninitialized);
    quint32 x = static_cast<quint32>(seed) * 2654435761u + 1;
    for (qsizetype i = 0; i < size; ++i) {
        x = x * 1103515245u + 12345u;
        data[i] = static_cast<char>(x >> 24);
    }
    return data;
}

std::unique_ptr<SessionWriter> openWriter(const QString& path, qint64 bodyCap = 16 << 20) {
    WriterOptions options;
    options.path = path;
    options.queue.bodyCap = bodyCap;
#ifdef SPYGLASS_TEST_SPOOL_ALWAYS
    // test_SessionWriterSpooled: the same cases with every record passing
    // through the spool file first.
    options.spool = SpoolUse::Always;
#else
    options.spool = SpoolUse::Never;
#endif
    auto writer = SessionWriter::open(options);
    if (!writer)
        qFatal("%s", qPrintable(writer.errorMessage()));
    return std::move(writer).value();
}

int fileMode(const QString& path) {
    struct stat info {};
    if (::stat(QFile::encodeName(path).constData(), &info) != 0)
        return -1;
    return static_cast<int>(info.st_mode & 0777);
}

record::TlsRecord tlsLeg(record::TlsLeg leg, const QByteArray& version, QList<QByteArray> chain) {
    record::TlsRecord t;
    t.leg = leg;
    t.version = version;
    t.cipher = "TLS_AES_128_GCM_SHA256";
    t.alpn = "http/1.1";
    t.sni = "example.com";
    t.chainDer = std::move(chain);
    t.verified = leg == record::TlsLeg::Server;
    return t;
}

} // namespace

class TestSessionWriter : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void recordsLandInTheirTables() {
        QTemporaryDir dir;
        const QString path = dir.filePath("s.spyglass");
        auto writer = openWriter(path);
        writer->start();
        SyntheticExchange e;
        e.method = "POST";
        e.path = "/api/items?x=1";
        e.requestHeaders = {"Content-Type: application/json", "X-Trace-Id: abc123"};
        e.requestBody = R"({"name":"spyglass"})";
        e.responseHeaders = {"Content-Type: text/plain; charset=utf-8", "Content-Encoding: gzip"};
        e.responseBody = pattern(100'000, 1);
        e.status = 201;
        e.reason = "Created";
        e.note = "a note";
        e.recordInto(*writer);
        writer->stop();
        QCOMPARE(writer->status().recordedExchanges, 1);

        SessionInspector db(path);
        QCOMPARE(db.integer("SELECT count(*) FROM exchanges"), 1);
        QCOMPARE(db.bytes("SELECT method || ' ' || scheme || ' ' || host || ' ' || port || ' ' || "
                          "path || ' ' || status || ' ' || mode || ' ' || state FROM exchanges"),
                 QByteArray("POST http example.com 80 /api/items?x=1 201 forward complete"));
        QCOMPARE(db.integer("SELECT duration_us FROM exchanges"), e.durationUs);
        QCOMPARE(db.integer("SELECT request_size FROM exchanges"), e.requestBody.size());
        QCOMPARE(db.integer("SELECT response_size FROM exchanges"), 100'000);
        QCOMPARE(db.bytes("SELECT content_type FROM exchanges"),
                 QByteArray("text/plain; charset=utf-8"));
        QCOMPARE(db.bytes("SELECT raw FROM heads WHERE direction = 'request'"), e.requestHead());
        QCOMPARE(db.bytes("SELECT raw FROM heads WHERE direction = 'response'"), e.responseHead());
        QCOMPARE(db.integer("SELECT status FROM heads WHERE direction = 'response'"), 201);
        QCOMPARE(db.concat("SELECT data FROM body_parts WHERE direction = 'request' ORDER BY seq"),
                 e.requestBody);
        QCOMPARE(db.concat("SELECT data FROM body_parts WHERE direction = 'response' ORDER BY seq"),
                 e.responseBody);
        QCOMPARE(db.bytes("SELECT size || '/' || stored || '/' || truncated || '/' || "
                          "content_encoding FROM bodies WHERE direction = 'response'"),
                 QByteArray("100000/100000//gzip"));
        QCOMPARE(db.bytes("SELECT note FROM details"), QByteArray("a note"));
        QCOMPARE(db.integer("SELECT response_wire_bytes FROM details"),
                 e.responseHead().size() + 100'000);
        QCOMPARE(db.integer("SELECT response_start_us - accept_us FROM timings"), 1300);
        QVERIFY(db.bytes("SELECT typeof(client_tls_start_us) FROM timings") == "null");
        QCOMPARE(db.integer("SELECT exchanges FROM hosts WHERE name = 'example.com'"), 1);
        // Free text: URL and header words are in the full-text index.
        QCOMPARE(db.integer("SELECT count(*) FROM search WHERE search MATCH 'abc123'"), 1);
        QCOMPARE(db.integer("SELECT count(*) FROM search WHERE search MATCH 'items'"), 1);
    }

    void bodyCap_data() {
        QTest::addColumn<qint64>("cap");
        QTest::addColumn<qint64>("stored");
        QTest::addColumn<QByteArray>("truncated");
        QTest::newRow("headers only") << qint64{0} << qint64{0} << QByteArray("cap");
        QTest::newRow("inside the first chunk")
            << qint64{1000} << qint64{1000} << QByteArray("cap");
        QTest::newRow("at a chunk boundary") << qint64{16384} << qint64{16384} << QByteArray("cap");
        QTest::newRow("exactly the body") << qint64{40000} << qint64{40000} << QByteArray();
        QTest::newRow("above the body") << qint64{1 << 20} << qint64{40000} << QByteArray();
    }
    void bodyCap() {
        QFETCH(qint64, cap);
        QFETCH(qint64, stored);
        QFETCH(QByteArray, truncated);
        QTemporaryDir dir;
        const QString path = dir.filePath("s.spyglass");
        auto writer = openWriter(path, cap);
        writer->start();
        SyntheticExchange e;
        e.responseBody = pattern(40000, 2);
        e.recordInto(*writer);
        writer->stop();
        SessionInspector db(path);
        QCOMPARE(db.integer("SELECT size FROM bodies WHERE direction = 'response'"), 40000);
        QCOMPARE(db.integer("SELECT stored FROM bodies WHERE direction = 'response'"), stored);
        QCOMPARE(db.bytes("SELECT truncated FROM bodies WHERE direction = 'response'"), truncated);
        QCOMPARE(db.concat("SELECT data FROM body_parts WHERE direction = 'response' ORDER BY seq"),
                 e.responseBody.left(stored));
        QCOMPARE(db.integer("SELECT response_size FROM exchanges"), 40000);
    }

    // Settings change while recording: the cap applies to the next bytes,
    // durability from the next transaction (SQLite refuses it inside one).
    void bodyCapAndDurabilityChangeWhileRecording() {
        QTemporaryDir dir;
        const QString path = dir.filePath("s.spyglass");
        auto writer = openWriter(path);
        writer->start();
        QCOMPARE(writer->appliedSynchronous(), 1);
        // A slow writer: the change below arrives inside a transaction.
        writer->setApplyDelayForTesting(std::chrono::milliseconds(5));
        SyntheticExchange before;
        before.id = 1;
        before.responseBody = pattern(5000, 6);
        before.recordInto(*writer);
        QTest::qSleep(15); // let the slow writer be inside its transaction
        writer->setBodyCap(1000);
        writer->setDurability(SessionFile::Durability::Full);
        SyntheticExchange after;
        after.id = 2;
        after.responseBody = pattern(5000, 7);
        after.recordInto(*writer);
        QTRY_COMPARE(writer->appliedSynchronous(), 2);
        writer->stop();
        SessionInspector db(path);
        QCOMPARE(db.bytes("SELECT stored || '/' || truncated FROM bodies WHERE exchange_id = 1 "
                          "AND direction = 'response'"),
                 QByteArray("5000/"));
        QCOMPARE(db.bytes("SELECT size || '/' || stored || '/' || truncated FROM bodies WHERE "
                          "exchange_id = 2 AND direction = 'response'"),
                 QByteArray("5000/1000/cap"));
        QCOMPARE(db.concat("SELECT data FROM body_parts WHERE exchange_id = 2"),
                 after.responseBody.left(1000));
    }

    void chunkedFramingIsNoted() {
        QTemporaryDir dir;
        const QString path = dir.filePath("s.spyglass");
        auto writer = openWriter(path);
        writer->start();
        SyntheticExchange e;
        e.chunked = true;
        e.responseBody = "hello";
        e.recordInto(*writer);
        writer->stop();
        SessionInspector db(path);
        QCOMPARE(db.integer("SELECT chunked FROM bodies WHERE direction = 'response'"), 1);
        QCOMPARE(db.concat("SELECT data FROM body_parts WHERE direction = 'response'"),
                 QByteArray("hello"));
    }

    void tlsDetailsAndSharedChains() {
        QTemporaryDir dir;
        const QString path = dir.filePath("s.spyglass");
        auto writer = openWriter(path);
        writer->start();
        const QList<QByteArray> chain{"leaf-der-bytes", "intermediate-der-bytes"};
        for (record::ExchangeId id : {1, 2}) {
            SyntheticExchange e;
            e.id = id;
            e.mode = record::Mode::Intercepted;
            e.scheme = "https";
            e.port = 443;
            e.tls = {tlsLeg(record::TlsLeg::Server, "TLSv1.2", chain),
                     tlsLeg(record::TlsLeg::Client, "TLSv1.3", {})};
            e.recordInto(*writer);
        }
        writer->stop();
        SessionInspector db(path);
        QCOMPARE(db.integer("SELECT count(*) FROM tls"), 4);
        // The list shows the client leg's version, whatever the order.
        QCOMPARE(db.integer("SELECT count(*) FROM exchanges WHERE tls_version = 'TLSv1.3'"), 2);
        // A chain seen twice is stored once.
        QCOMPARE(db.integer("SELECT count(*) FROM certificates"), 2);
        QCOMPARE(db.integer("SELECT count(*) FROM tls_chains"), 4);
        QCOMPARE(db.bytes("SELECT c.der FROM tls_chains t JOIN certificates c ON c.id = "
                          "t.certificate_id WHERE t.exchange_id = 2 AND t.position = 1"),
                 QByteArray("intermediate-der-bytes"));
        QCOMPARE(db.integer("SELECT verified FROM tls WHERE leg = 'server' AND exchange_id = 1"),
                 1);
        // Format 2: the parameters of a leg are stored once and referenced
        // by every exchange that shows them.
        QCOMPARE(db.integer("SELECT count(*) FROM tls_parameters"), 2);
        QCOMPARE(db.integer("SELECT count(*) FROM tls_parameter_chains"), 2);
        QCOMPARE(db.integer("SELECT count(DISTINCT server_tls) FROM details"), 1);
    }

    void differentTlsParametersAreKeptApart() {
        QTemporaryDir dir;
        const QString path = dir.filePath("s.spyglass");
        auto writer = openWriter(path);
        writer->start();
        // Same version and chain, but one leg verified and one not; then a
        // different chain: three distinct server legs.
        const QList<QByteArray> chainA{"leaf-a", "intermediate"};
        const QList<QByteArray> chainB{"leaf-b", "intermediate"};
        for (record::ExchangeId id : {1, 2, 3, 4}) {
            SyntheticExchange e;
            e.id = id;
            e.mode = record::Mode::Intercepted;
            e.scheme = "https";
            e.port = 443;
            record::TlsRecord server =
                tlsLeg(record::TlsLeg::Server, "TLSv1.3", id == 3 ? chainB : chainA);
            server.verified = id != 2;
            e.tls = {server};
            e.recordInto(*writer);
        }
        writer->stop();
        SessionInspector db(path);
        QCOMPARE(db.integer("SELECT count(*) FROM tls_parameters"), 3);
        QCOMPARE(db.integer("SELECT count(*) FROM certificates"), 3);
        QCOMPARE(db.integer("SELECT verified FROM tls WHERE exchange_id = 2"), 0);
        QCOMPARE(db.integer("SELECT verified FROM tls WHERE exchange_id = 4"), 1);
        QCOMPARE(db.bytes("SELECT c.der FROM tls_chains t JOIN certificates c ON c.id = "
                          "t.certificate_id WHERE t.exchange_id = 3 AND t.position = 0"),
                 QByteArray("leaf-b"));
        QCOMPARE(db.integer("SELECT count(*) FROM tls WHERE leg = 'client'"), 0);
    }

    void tunnelsRecordBytesRelayed() {
        QTemporaryDir dir;
        const QString path = dir.filePath("s.spyglass");
        auto writer = openWriter(path);
        writer->start();
        record::ExchangeBegin begin;
        begin.id = 7;
        begin.startUs = 1'700'000'000'000'000;
        begin.mode = record::Mode::Tunnel;
        begin.host = "::1";
        begin.port = 443;
        begin.method = "CONNECT";
        begin.sni = "example.org";
        writer->record(begin);
        record::ExchangeEnd end;
        end.id = 7;
        end.status = 200;
        end.requestWireBytes = 517;
        end.responseWireBytes = 4096;
        end.timings.doneUs = begin.startUs + 5000;
        end.note = "not intercepted: no rule";
        writer->record(end);
        writer->stop();
        SessionInspector db(path);
        QCOMPARE(
            db.bytes("SELECT mode || ' ' || method || ' ' || host || ' ' || request_size || ' ' "
                     "|| response_size FROM exchanges"),
            QByteArray("tunnel CONNECT ::1 517 4096"));
        QCOMPARE(db.bytes("SELECT sni FROM details"), QByteArray("example.org"));
        QCOMPARE(db.integer("SELECT count(*) FROM bodies"), 0);
        QCOMPARE(db.integer("SELECT count(*) FROM search WHERE search MATCH '\"::1\"'"), 1);
    }

    void exchangesInFlightAtStopAreIncomplete() {
        QTemporaryDir dir;
        const QString path = dir.filePath("s.spyglass");
        auto writer = openWriter(path);
        writer->start();
        SyntheticExchange e;
        e.responseBody = pattern(1000, 3);
        auto events = e.events();
        events.pop_back(); // no ExchangeEnd
        for (auto& event : events)
            writer->record(std::move(event));
        writer->stop();
        SessionInspector db(path);
        QCOMPARE(db.bytes("SELECT state FROM exchanges"), QByteArray("incomplete"));
        QCOMPARE(db.integer("SELECT duration_us IS NULL FROM exchanges"), 1);
        // Bytes and heads that arrived are kept.
        QCOMPARE(db.concat("SELECT data FROM body_parts WHERE direction = 'response'"),
                 e.responseBody);
        QCOMPARE(db.bytes("SELECT raw FROM heads WHERE direction = 'request'"), e.requestHead());
        QCOMPARE(db.bytes("SELECT raw FROM heads WHERE direction = 'response'"), e.responseHead());
        QCOMPARE(writer->status().recordedExchanges, 0);
    }

    // Format 3: the last head of each direction and a body stored whole at
    // the end live in the exchange's details row; interim heads and bodies
    // of kPartBytes or more are rows of their own. The views `heads` and
    // `body_parts` show them all as format 2 did.
    void headsAndSmallBodiesLiveInTheDetailsRow() {
        QTemporaryDir dir;
        const QString path = dir.filePath("s.spyglass");
        auto writer = openWriter(path);
        writer->start();
        SyntheticExchange small;
        small.id = 1;
        small.requestBody = "ping";
        small.responseBody = pattern(1000, 4);
        auto events = small.events();
        // A 100 Continue before the final response head.
        const QByteArray interim = "HTTP/1.1 100 Continue\r\n\r\n";
        auto final = std::find_if(events.begin(), events.end(), [](const record::RecordEvent& e) {
            auto* head = std::get_if<record::HeadRecord>(&e);
            return head && head->direction == record::Direction::Response;
        });
        QVERIFY(final != events.end());
        events.insert(final,
                      record::HeadRecord{1, record::Direction::Response, 100, interim, interim});
        for (auto& event : events)
            writer->record(std::move(event));
        SyntheticExchange large;
        large.id = 2;
        large.responseBody = pattern(RecordApplier::kPartBytes + 1000, 5);
        large.recordInto(*writer);
        writer->stop();

        SessionInspector db(path);
        QCOMPARE(db.integer("SELECT count(*) FROM interim_heads"), 1);
        QCOMPARE(db.bytes("SELECT group_concat(seq || ':' || status, ' ') FROM (SELECT seq, status "
                          "FROM heads WHERE exchange_id = 1 AND direction = 'response' "
                          "ORDER BY seq)"),
                 QByteArray("0:100 1:200"));
        QCOMPARE(db.bytes("SELECT raw FROM heads WHERE exchange_id = 1 AND seq = 0 AND "
                          "direction = 'response'"),
                 interim);
        QCOMPARE(db.bytes("SELECT response_head FROM details WHERE exchange_id = 1"),
                 small.responseHead());
        QCOMPARE(db.bytes("SELECT request_head FROM details WHERE exchange_id = 1"),
                 small.requestHead());
        QCOMPARE(db.bytes("SELECT response_body FROM details WHERE exchange_id = 1"),
                 small.responseBody);
        QCOMPARE(db.bytes("SELECT request_body FROM details WHERE exchange_id = 1"),
                 small.requestBody);
        QCOMPARE(db.integer("SELECT count(*) FROM body_chunks WHERE exchange_id = 1"), 0);
        QCOMPARE(db.integer("SELECT response_body IS NULL FROM details WHERE exchange_id = 2"), 1);
        QCOMPARE(db.integer("SELECT count(*) FROM body_chunks WHERE exchange_id = 2"), 2);
        QCOMPARE(db.concat("SELECT data FROM body_parts WHERE exchange_id = 2 ORDER BY seq"),
                 large.responseBody);
        QCOMPARE(db.concat("SELECT data FROM body_parts WHERE exchange_id = 1 AND direction = "
                           "'response' ORDER BY seq"),
                 small.responseBody);

        auto reader = SessionReader::open(path);
        QVERIFY(reader);
        auto detail = reader.value()->exchange(1);
        QVERIFY(detail && detail.value());
        QCOMPARE(detail.value()->heads.size(), 3);
        QCOMPARE(detail.value()->heads.at(1).status, 100);
        QCOMPARE(detail.value()->heads.at(2).raw, small.responseHead());
        QCOMPARE(reader.value()->body(1, record::Direction::Response, false)->data,
                 small.responseBody);
        QCOMPARE(reader.value()->body(2, record::Direction::Response, false)->data,
                 large.responseBody);
    }

    void openRowsOfACrashedRunBecomeIncomplete() {
        QTemporaryDir dir;
        const QString path = dir.filePath("s.spyglass");
        openWriter(path).reset(); // creates the file
        {
            auto rw = SqliteConnection::open(path, SqliteConnection::Access::ReadWrite);
            QVERIFY(rw);
            QVERIFY(
                rw.value()->exec("INSERT INTO exchanges (start_us, mode, client, method, scheme, "
                                 "host, port, path) VALUES (1, 'forward', 'c', 'GET', 'http', "
                                 "'h', 80, '/')"));
        }
        openWriter(path).reset();
        SessionInspector db(path);
        QCOMPARE(db.bytes("SELECT state FROM exchanges"), QByteArray("incomplete"));
    }

    void aSecondRunAppendsWithItsOwnIds() {
        QTemporaryDir dir;
        const QString path = dir.filePath("s.spyglass");
        for (int run = 0; run < 2; ++run) {
            auto writer = openWriter(path);
            writer->start();
            SyntheticExchange e; // the proxy's ids restart at 1 every run
            e.path = "/run" + QByteArray::number(run);
            e.recordInto(*writer);
            writer->stop();
        }
        SessionInspector db(path);
        QCOMPARE(db.bytes("SELECT group_concat(id || path, ' ') FROM exchanges"),
                 QByteArray("1/run0 2/run1"));
        QCOMPARE(db.integer("SELECT exchanges FROM hosts"), 2);
    }

    // docs/session-format.md: new files have 16 KiB pages; a file made with
    // another page size keeps it (SQLite cannot change it in WAL mode) and
    // is appended to as before.
    void newFilesHave16KiBPagesOldOnesKeepTheirs() {
        QTemporaryDir dir;
        const QString path = dir.filePath("s.spyglass");
        for (int run = 0; run < 2; ++run) {
            auto writer = openWriter(path);
            writer->start();
            SyntheticExchange e;
            e.path = "/run" + QByteArray::number(run);
            e.recordInto(*writer);
            writer->stop();
            if (run == 0) {
                QCOMPARE(SessionInspector(path).integer("PRAGMA page_size"), 16384);
                // As an older Spyglass wrote it: 4 KiB pages.
                auto db = SqliteConnection::open(path, SqliteConnection::Access::ReadWrite);
                QVERIFY(db);
                QVERIFY(db.value()->exec("PRAGMA journal_mode = DELETE; PRAGMA page_size = 4096; "
                                         "VACUUM; PRAGMA journal_mode = WAL;"));
            }
        }
        SessionInspector db(path);
        QCOMPARE(db.integer("PRAGMA page_size"), 4096);
        QCOMPARE(db.bytes("SELECT group_concat(path, ' ') FROM exchanges"),
                 QByteArray("/run0 /run1"));
        QCOMPARE(db.bytes("PRAGMA integrity_check"), QByteArray("ok"));
    }

    void commitListenerReportsWhatIsDurable() {
        QTemporaryDir dir;
        const QString path = dir.filePath("s.spyglass");
        auto writer = openWriter(path);
        std::vector<record::ExchangeId> acknowledged;
        std::mutex mutex;
        writer->setCommitListener([&](const std::vector<record::ExchangeId>& ids) {
            std::lock_guard lock(mutex);
            acknowledged.insert(acknowledged.end(), ids.begin(), ids.end());
        });
        writer->start();
        for (record::ExchangeId id = 1; id <= 50; ++id) {
            SyntheticExchange e;
            e.id = id;
            e.recordInto(*writer);
        }
        writer->stop();
        QCOMPARE(acknowledged.size(), std::size_t{50});
        for (std::size_t i = 0; i < acknowledged.size(); ++i)
            QCOMPARE(acknowledged[i], record::ExchangeId(i + 1));
    }

    void theFileAndItsWalArePrivate() {
        QTemporaryDir dir;
        const QString path = dir.filePath("s.spyglass");
        const mode_t old = ::umask(0);
        auto writer = openWriter(path);
        ::umask(old);
        writer->start();
        SyntheticExchange e;
        e.recordInto(*writer);
        QTRY_VERIFY(writer->status().recordedExchanges == 1);
        QCOMPARE(fileMode(path), 0600);
        QCOMPARE(fileMode(path + "-wal"), 0600);
        QCOMPARE(fileMode(path + "-shm"), 0600);
        writer->stop();
        // The last connection checkpoints and removes the WAL.
        QVERIFY(!QFile::exists(path + "-wal"));
    }

    void anExistingWorldReadableFileIsTightened() {
        QTemporaryDir dir;
        const QString path = dir.filePath("s.spyglass");
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.close();
        QVERIFY(::chmod(QFile::encodeName(path).constData(), 0644) == 0);
        openWriter(path).reset();
        QCOMPARE(fileMode(path), 0600);
    }

    void openErrorsAreReported() {
        WriterOptions options;
        options.path = "/nonexistent-dir/s.spyglass";
        auto writer = SessionWriter::open(options);
        QVERIFY(!writer);
        QVERIFY2(writer.errorMessage().contains("/nonexistent-dir/s.spyglass"),
                 qPrintable(writer.errorMessage()));
    }
};

QTEST_GUILESS_MAIN(TestSessionWriter)
#include "test_SessionWriter.moc"
