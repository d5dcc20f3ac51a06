// SessionReader: the query API the GUI uses from its own thread, beside a
// live writer.
#undef QT_NO_CAST_FROM_ASCII
#define QT_RESTRICTED_CAST_FROM_ASCII
#include "Compress.h"
#include "SyntheticExchange.h"
#include "core/store/SessionReader.h"
#include "core/store/SessionWriter.h"

#include <QTemporaryDir>
#include <QTest>
#include <thread>

using namespace spyglass::core;
using namespace spyglass::core::store;
using spyglass::core::store::testing::Compress;
using spyglass::core::store::testing::SyntheticExchange;

namespace {

std::unique_ptr<SessionWriter> startWriter(const QString& path, qint64 bodyCap = 16 << 20) {
    WriterOptions options;
    options.path = path;
    options.queue.bodyCap = bodyCap;
    auto writer = SessionWriter::open(options);
    if (!writer)
        qFatal("%s", qPrintable(writer.errorMessage()));
    writer.value()->start();
    return std::move(writer).value();
}

void recordSome(SessionWriter& writer, record::ExchangeId from, record::ExchangeId to) {
    for (record::ExchangeId id = from; id <= to; ++id) {
        SyntheticExchange e;
        e.id = id;
        e.host = "host" + QByteArray::number(id % 3) + ".test";
        e.path = "/n/" + QByteArray::number(id);
        e.recordInto(writer);
    }
}

QList<qint64> idsOf(const QList<ListRow>& rows) {
    QList<qint64> ids;
    for (const ListRow& r : rows)
        ids << r.id;
    return ids;
}

} // namespace

class TestSessionReader : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void pagesByPosition() {
        QTemporaryDir dir;
        const QString path = dir.filePath("s.spyglass");
        auto writer = startWriter(path);
        recordSome(*writer, 1, 250);
        writer->stop();
        auto reader = SessionReader::open(path);
        QVERIFY(reader);
        SessionReader& r = *reader.value();
        QCOMPARE(r.count().value(), 250);
        QCOMPARE(idsOf(r.page(0, 3).value()), (QList<qint64>{1, 2, 3}));
        QCOMPARE(idsOf(r.page(248, 10).value()), (QList<qint64>{249, 250}));
        QVERIFY(r.page(250, 10).value().isEmpty());
        const ListRow row = r.page(99, 1).value().constFirst();
        QCOMPARE(row.path, QByteArray("/n/100"));
        QCOMPARE(row.url(), QByteArray("http://host1.test/n/100"));
        QCOMPARE(row.state, ListRow::State::Complete);
        QCOMPARE(row.durationUs, 2500);
    }

    // Rows deleted by hand (sqlite3) leave holes in the ids: positions
    // must still count rows, not ids.
    void pagesStayRightWithHolesInTheIds() {
        QTemporaryDir dir;
        const QString path = dir.filePath("s.spyglass");
        auto writer = startWriter(path);
        recordSome(*writer, 1, 20);
        writer->stop();
        {
            auto rw = SqliteConnection::open(path, SqliteConnection::Access::ReadWrite);
            QVERIFY(rw);
            QVERIFY(rw.value()->exec("DELETE FROM exchanges WHERE id IN (2, 3, 10)"));
        }
        auto reader = SessionReader::open(path);
        QVERIFY(reader);
        QCOMPARE(reader.value()->count().value(), 17);
        QCOMPARE(idsOf(reader.value()->page(0, 3).value()), (QList<qint64>{1, 4, 5}));
        QCOMPARE(idsOf(reader.value()->page(7, 2).value()), (QList<qint64>{11, 12}));
    }

    // The count of a dense file is max - min + 1 (no index walk); a reader
    // that is open when rows are deleted or renumbered by hand sees the
    // triggers clear the mark and counts again, and later appends keep it
    // right.
    void theDenseMarkFallsWithAnyDeleteOrRenumbering() {
        QTemporaryDir dir;
        const QString path = dir.filePath("s.spyglass");
        auto writer = startWriter(path);
        recordSome(*writer, 1, 30);
        writer->stop();
        auto reader = SessionReader::open(path);
        QVERIFY(reader);
        QCOMPARE(reader.value()->count().value(), 30);
        auto rw = SqliteConnection::open(path, SqliteConnection::Access::ReadWrite);
        QVERIFY(rw);
        QCOMPARE(rw.value()->queryInt("SELECT value FROM session WHERE key = 'ids_dense'").value(),
                 1);
        QVERIFY(rw.value()->exec("UPDATE exchanges SET id = 100 WHERE id = 30"));
        QCOMPARE(rw.value()->queryInt("SELECT value FROM session WHERE key = 'ids_dense'").value(),
                 0);
        QCOMPARE(reader.value()->count().value(), 30); // 1..29 and 100
        QVERIFY(rw.value()->exec("DELETE FROM exchanges WHERE id IN (5, 6)"));
        QCOMPARE(reader.value()->count().value(), 28);
        rw.value().reset();
        writer = startWriter(path);
        recordSome(*writer, 31, 35);
        writer->stop();
        QCOMPARE(reader.value()->count().value(), 33);
        auto fresh = SessionReader::open(path);
        QVERIFY(fresh);
        QCOMPARE(fresh.value()->count().value(), 33);
    }

    // The GUI's reader stays open while the writer records: it sees each
    // commit, and its cached count follows appends.
    void aLiveReaderSeesNewRows() {
        QTemporaryDir dir;
        const QString path = dir.filePath("s.spyglass");
        auto writer = startWriter(path);
        recordSome(*writer, 1, 10);
        QTRY_COMPARE(writer->status().recordedExchanges, 10);
        auto reader = SessionReader::open(path);
        QVERIFY(reader);
        SessionReader& r = *reader.value();
        QCOMPARE(r.count().value(), 10);
        recordSome(*writer, 11, 30);
        QTRY_COMPARE(writer->status().recordedExchanges, 30);
        QCOMPARE(r.count().value(), 30);
        QCOMPARE(idsOf(r.page(28, 5).value()), (QList<qint64>{29, 30}));
        QCOMPARE(r.ids(nullptr, 27).value(), (QList<qint64>{28, 29, 30}));
        QCOMPARE(idsOf(r.rowsAfter(25, 2).value()), (QList<qint64>{26, 27}));
        // A row in flight shows as open, without a duration yet.
        SyntheticExchange pending;
        pending.id = 99;
        auto events = pending.events();
        events.pop_back();
        for (auto& e : events)
            writer->record(std::move(e));
        QTRY_COMPARE(r.count().value(), 31);
        const ListRow open = r.page(30, 1).value().constFirst();
        QCOMPARE(open.state, ListRow::State::Open);
        QCOMPARE(open.durationUs, -1);
        QCOMPARE(open.status, 200); // the response head arrived
        writer->stop();
        QCOMPARE(r.page(30, 1).value().constFirst().state, ListRow::State::Incomplete);
    }

    void rowsByIdInTheGivenOrder() {
        QTemporaryDir dir;
        const QString path = dir.filePath("s.spyglass");
        auto writer = startWriter(path);
        recordSome(*writer, 1, 5);
        writer->stop();
        auto reader = SessionReader::open(path);
        QCOMPARE(idsOf(reader.value()->rows({5, 2, 42, 3}).value()), (QList<qint64>{5, 2, 3}));
    }

    void distinctHosts() {
        QTemporaryDir dir;
        const QString path = dir.filePath("s.spyglass");
        auto writer = startWriter(path);
        recordSome(*writer, 1, 10);
        writer->stop();
        auto reader = SessionReader::open(path);
        const QList<HostCount> hosts = reader.value()->hosts().value();
        QCOMPARE(hosts.size(), 3);
        QCOMPARE(hosts.at(0).host, QByteArray("host0.test"));
        QCOMPARE(hosts.at(0).exchanges, 3);
        QCOMPARE(hosts.at(1).exchanges, 4);
    }

    void oneExchangeInFull() {
        QTemporaryDir dir;
        const QString path = dir.filePath("s.spyglass");
        auto writer = startWriter(path);
        SyntheticExchange e;
        e.method = "PUT";
        e.requestBody = "payload";
        e.responseHeaders = {"Content-Encoding: gzip", "Content-Type: text/html"};
        e.responseBody = Compress::gzip("<p>decoded</p>");
        e.chunked = true;
        e.error = "";
        e.note = "note";
        record::TlsRecord tls;
        tls.leg = record::TlsLeg::Server;
        tls.version = "TLSv1.3";
        tls.cipher = "TLS_CHACHA20_POLY1305_SHA256";
        tls.chainDer = {"leaf", "root"};
        tls.verified = true;
        e.tls = {tls};
        e.recordInto(*writer);
        writer->stop();
        auto reader = SessionReader::open(path);
        auto found = reader.value()->exchange(1);
        QVERIFY(found && found.value());
        const ExchangeDetail& d = *found.value();
        QCOMPARE(d.row.method, QByteArray("PUT"));
        QCOMPARE(d.note, QString("note"));
        QVERIFY(d.hasTimings);
        QCOMPARE(d.timings.responseStartUs - d.timings.acceptUs, 1300);
        QCOMPARE(d.heads.size(), 2);
        QCOMPARE(d.head(record::Direction::Request)->raw, e.requestHead());
        QCOMPARE(d.head(record::Direction::Response)->status, 200);
        QCOMPARE(d.bodies.size(), 2);
        QVERIFY(d.body(record::Direction::Response)->chunked);
        QCOMPARE(d.body(record::Direction::Response)->contentEncoding, QByteArray("gzip"));
        QCOMPARE(d.tls.size(), 1);
        QCOMPARE(d.tls.at(0).chainDer, (QList<QByteArray>{"leaf", "root"}));
        QVERIFY(d.tls.at(0).verified);

        auto decoded = reader.value()->body(1, record::Direction::Response, true);
        QVERIFY(decoded);
        QVERIFY(decoded->decoded);
        QCOMPARE(decoded->data, QByteArray("<p>decoded</p>"));
        QCOMPARE(decoded->outcome, ContentDecoder::Outcome::Complete);
        auto raw = reader.value()->body(1, record::Direction::Response, false);
        QCOMPARE(raw->data, e.responseBody);
        QVERIFY(!raw->decoded);
        auto none = reader.value()->exchange(2);
        QVERIFY(none && !none.value());
    }

    void aTruncatedCompressedBodyDecodesWhatItCan() {
        QTemporaryDir dir;
        const QString path = dir.filePath("s.spyglass");
        auto writer = startWriter(path, 2000);
        SyntheticExchange e;
        QByteArray text;
        for (int i = 0; text.size() < 500'000; ++i)
            text += QByteArray::number(i) + " some text that is not too repetitive " +
                    QByteArray::number(i * 7919) + "\n";
        e.responseHeaders = {"Content-Encoding: gzip"};
        e.responseBody = Compress::gzip(text);
        QVERIFY(e.responseBody.size() > 2000);
        e.recordInto(*writer);
        writer->stop();
        auto reader = SessionReader::open(path);
        auto body = reader.value()->body(1, record::Direction::Response, true);
        QVERIFY(body);
        QCOMPARE(body->truncated, QByteArray("cap"));
        QCOMPARE(body->stored, 2000);
        QCOMPARE(body->size, e.responseBody.size());
        QCOMPARE(body->outcome, ContentDecoder::Outcome::Truncated);
        QVERIFY2(body->message.contains("truncated (cap)"), qPrintable(body->message));
        QVERIFY(!body->data.isEmpty());
        QVERIFY(text.startsWith(body->data));
    }

    void sessionInfoCarriesRecorderCounters() {
        QTemporaryDir dir;
        const QString path = dir.filePath("s.spyglass");
        startWriter(path)->stop();
        auto reader = SessionReader::open(path);
        const auto info = reader.value()->sessionInfo().value();
        QVERIFY(info.contains("created_us"));
        QCOMPARE(info.value("recorder_dropped_exchanges"), QString("0"));
    }

    // SessionReader::interrupt() forwards to the connection's interrupt; a
    // query that would never end proves it works from another thread.
    void interruptStopsARunningQuery() {
        QTemporaryDir dir;
        const QString path = dir.filePath("s.spyglass");
        startWriter(path)->stop();
        auto db = SqliteConnection::open(path, SqliteConnection::Access::ReadOnly);
        QVERIFY(db);
        std::atomic<bool> done{false};
        std::thread interrupter([&] {
            for (int i = 0; i < 100'000 && !done; ++i) {
                db.value()->interrupt();
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
            }
        });
        auto endless =
            db.value()->queryInt("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 "
                                 "FROM c) SELECT count(*) FROM c");
        done = true;
        interrupter.join();
        QVERIFY(!endless);
        QVERIFY2(endless.errorMessage().contains("interrupt"), qPrintable(endless.errorMessage()));
    }
};

QTEST_GUILESS_MAIN(TestSessionReader)
#include "test_SessionReader.moc"
