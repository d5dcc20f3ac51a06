// SessionWriter under pressure: a writer slower than the traffic drops and
// counts without ever making record() wait, and a full disk pauses
// recording (with a message and counters) until space returns.
#undef QT_NO_CAST_FROM_ASCII
#define QT_RESTRICTED_CAST_FROM_ASCII
#include "SessionInspector.h"
#include "SyntheticExchange.h"
#include "core/store/SessionWriter.h"

#include <QTemporaryDir>
#include <QTest>

using namespace spyglass::core;
using namespace spyglass::core::store;
using spyglass::core::store::testing::SessionInspector;
using spyglass::core::store::testing::SyntheticExchange;

namespace {

QByteArray bodyFor(record::ExchangeId id, qsizetype size) {
    QByteArray data(size, Qt::Uninitialized);
    for (qsizetype i = 0; i < size; ++i)
        data[i] = static_cast<char>('a' + (id + static_cast<record::ExchangeId>(i)) % 26);
    return data;
}

SyntheticExchange exchange(record::ExchangeId id, qsizetype bodySize) {
    SyntheticExchange e;
    e.id = id;
    e.path = "/item/" + QByteArray::number(id);
    e.responseBody = bodyFor(id, bodySize);
    e.chunkBytes = 4096;
    return e;
}

} // namespace

class TestWriterDegradation : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // A deliberately slow writer (5 ms per record) against a burst of 3000
    // exchanges: record() never waits for it (if it did, this burst would
    // take minutes and the test would hit its timeout), the queue drops
    // body bytes and then whole exchanges, counts them, and what is
    // recorded is consistent.
    void aSlowWriterDropsAndCountsWithoutStallingTraffic() {
        QTemporaryDir dir;
        const QString path = dir.filePath("s.spyglass");
        WriterOptions options;
        // The queue in front of the writer is what this test saturates.
        options.spool = SpoolUse::Never;
        options.path = path;
        options.queue.maxRecords = 400;
        options.queue.maxBytes = 256 * 1024;
        auto opened = SessionWriter::open(options);
        QVERIFY(opened);
        auto writer = std::move(opened).value();
        writer->setApplyDelayForTesting(std::chrono::microseconds(5000));
        writer->start();
        constexpr record::ExchangeId kExchanges = 3000;
        for (record::ExchangeId id = 1; id <= kExchanges; ++id)
            exchange(id, 20'000).recordInto(*writer);
        const RecorderStatus during = writer->status();
        QVERIFY2(during.droppedExchanges > 0, qPrintable(during.summary()));
        QVERIFY2(during.saturatedBodies > 0, qPrintable(during.summary()));
        writer->setApplyDelayForTesting(std::chrono::microseconds(0));
        writer->stop();
        const RecorderStatus after = writer->status();
        QCOMPARE(after.recordedExchanges + after.droppedExchanges + after.damagedExchanges,
                 qint64{kExchanges});
        QVERIFY(after.summary().contains("dropped (recorder saturated)"));

        SessionInspector db(path);
        QCOMPARE(db.integer("SELECT count(*) FROM exchanges"), after.recordedExchanges);
        QCOMPARE(db.integer("SELECT count(*) FROM exchanges WHERE state != 'complete'"), 0);
        // Every stored body is a prefix of the real one, whole or marked.
        QCOMPARE(db.integer("SELECT count(*) FROM bodies WHERE size != 20000"), 0);
        QCOMPARE(db.integer("SELECT count(*) FROM bodies WHERE stored < size AND truncated != "
                            "'recorder saturated'"),
                 0);
        QCOMPARE(db.integer("SELECT count(*) FROM bodies WHERE truncated = 'recorder saturated'"),
                 after.saturatedBodies);
        auto rows = db.db().prepare("SELECT e.path, b.stored FROM exchanges e JOIN bodies b ON "
                                    "b.exchange_id = e.id WHERE b.direction = 'response'");
        QVERIFY(rows);
        int checked = 0;
        while (rows->step() == SqliteStatement::Step::Row) {
            const record::ExchangeId id = rows->bytes(0).mid(6).toULongLong();
            const qint64 stored = rows->int64(1);
            const QByteArray data = db.concat("SELECT data FROM body_parts WHERE exchange_id = "
                                              "(SELECT id FROM exchanges WHERE path = '/item/" +
                                              QByteArray::number(id) + "') ORDER BY seq");
            QCOMPARE(data, bodyFor(id, 20'000).left(stored));
            ++checked;
        }
        QCOMPARE(checked, after.recordedExchanges);
        QCOMPARE(db.integer("SELECT value FROM session WHERE key = 'recorder_dropped_exchanges'"),
                 after.droppedExchanges);
    }

    // SQLite's max_page_count makes the disk "fill" at a known size: the
    // writer gets SQLITE_FULL exactly as on a full filesystem.
    void aFullDiskPausesRecordingUntilSpaceReturns() {
        QTemporaryDir dir;
        const QString path = dir.filePath("s.spyglass");
        WriterOptions options;
        // The queue in front of the writer is what this test saturates.
        options.spool = SpoolUse::Never;
        options.path = path;
        options.retryInterval = std::chrono::milliseconds(50);
        auto opened = SessionWriter::open(options);
        QVERIFY(opened);
        auto writer = std::move(opened).value();
        std::atomic<int> pauses{0};
        writer->setStatusListener([&](const RecorderStatus& s) {
            if (s.state == RecorderStatus::State::Paused)
                ++pauses;
        });
        writer->setMaxPageCountForTesting(64); // 256 KiB with 4 KiB pages
        writer->start();
        record::ExchangeId id = 1;
        for (; id <= 40; ++id)
            exchange(id, 32 * 1024).recordInto(*writer);
        QTRY_COMPARE_WITH_TIMEOUT(writer->status().state, RecorderStatus::State::Paused, 10000);
        const RecorderStatus paused = writer->status();
        QVERIFY2(paused.message.contains("disk full"), qPrintable(paused.message));
        QVERIFY2(paused.message.contains(path), qPrintable(paused.message));
        QVERIFY(paused.pauses >= 1);
        // The listener runs on the writer thread just after the state flips.
        QTRY_VERIFY(pauses.load() >= 1);
        // Traffic goes on: records are taken and counted as not recorded.
        for (; id <= 60; ++id)
            exchange(id, 32 * 1024).recordInto(*writer);
        QTRY_VERIFY(writer->status().lostWhilePaused > 0);
        // Still full: the retries keep failing and it stays paused.
        QTest::qWait(200);
        QCOMPARE(writer->status().state, RecorderStatus::State::Paused);

        writer->setMaxPageCountForTesting(0); // space returns
        writer->resume();
        QTRY_COMPARE_WITH_TIMEOUT(writer->status().state, RecorderStatus::State::Recording, 10000);
        SyntheticExchange after = exchange(1000, 1000);
        after.path = "/after-resume";
        after.recordInto(*writer);
        writer->stop();

        SessionInspector db(path);
        QCOMPARE(db.bytes("PRAGMA integrity_check"), QByteArray("ok"));
        QCOMPARE(db.integer("SELECT count(*) FROM exchanges WHERE path = '/after-resume' AND "
                            "state = 'complete'"),
                 1);
        QCOMPARE(db.integer("SELECT count(*) FROM exchanges WHERE state = 'open'"), 0);
        const RecorderStatus final = writer->status();
        QCOMPARE(db.integer("SELECT count(*) FROM exchanges WHERE state = 'complete'"),
                 final.recordedExchanges);
        QVERIFY(final.recordedExchanges + final.lostWhilePaused >= 61);
    }
};

QTEST_GUILESS_MAIN(TestWriterDegradation)
#include "test_WriterDegradation.moc"
