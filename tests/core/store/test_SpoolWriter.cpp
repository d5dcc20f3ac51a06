// The session writer's spool (docs/architecture.md, "Recording"): records
// that pass through SESSION-spool land in the session whole and in order,
// a spool left by a crash is replayed by the next open for writing (from
// where its last commit stopped, up to a torn last frame), and a storage
// error while draining loses nothing that was spooled.
#undef QT_NO_CAST_FROM_ASCII
#define QT_RESTRICTED_CAST_FROM_ASCII
#include "SessionInspector.h"
#include "SyntheticExchange.h"
#include "core/store/RecordCodec.h"
#include "core/store/RecordSpool.h"
#include "core/store/SessionFile.h"
#include "core/store/SessionReader.h"
#include "core/store/SessionWriter.h"
#include "core/store/SpoolRecovery.h"
#include "core/store/SqliteConnection.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <cstring>
#include <unistd.h>

using namespace spyglass::core;
using namespace spyglass::core::store;
using spyglass::core::store::testing::SessionInspector;
using spyglass::core::store::testing::SyntheticExchange;

namespace {

SyntheticExchange exchange(qint64 n, qsizetype bodyBytes = 3000) {
    SyntheticExchange e;
    e.id = static_cast<record::ExchangeId>(n);
    e.host = "spool" + QByteArray::number(n % 3) + ".test";
    e.path = "/spool/" + QByteArray::number(n);
    e.requestHeaders = {"X-Seq: " + QByteArray::number(n)};
    QByteArray body(bodyBytes, Qt::Uninitialized);
    for (qsizetype i = 0; i < body.size(); ++i)
        body[i] = static_cast<char>((n * 131 + i * 7) & 0xff);
    e.responseBody = body;
    e.startUs = 1'700'000'000'000'000 + n * 1000;
    return e;
}

// Writes the records of exchanges [first, last] into a spool at `spoolPath`
// as a killed writer would have left it; returns the offset after each
// exchange's last frame.
std::vector<qint64> writeSpool(const QString& spoolPath, qint64 first, qint64 last,
                               quint64* id = nullptr, int partialFrames = 0) {
    auto created = RecordSpool::create(spoolPath);
    if (!created)
        qFatal("%s", qPrintable(created.errorMessage()));
    RecordSpool& spool = *created.value();
    std::vector<qint64> ends;
    QByteArray encoded;
    for (qint64 n = first; n <= last; ++n) {
        for (record::RecordEvent& event : exchange(n).events()) {
            QueuedRecord queued{std::move(event)};
            encoded.clear();
            encodeRecord(queued, encoded);
            spool.append(encoded);
        }
        if (Status flushed = spool.flush(); !flushed)
            qFatal("%s", qPrintable(flushed.errorMessage()));
        ends.push_back(spool.endOffset());
    }
    // The first frames of one more exchange, whose end never reached the spool.
    std::vector<record::RecordEvent> partial = exchange(last + 1).events();
    for (int i = 0; i < partialFrames; ++i) {
        QueuedRecord queued{std::move(partial[static_cast<std::size_t>(i)])};
        encoded.clear();
        encodeRecord(queued, encoded);
        spool.append(encoded);
    }
    if (Status flushed = spool.flush(); !flushed)
        qFatal("%s", qPrintable(flushed.errorMessage()));
    if (id)
        *id = spool.id();
    return ends;
}

std::unique_ptr<SessionWriter> openWriter(const QString& path, SpoolUse spool) {
    WriterOptions options;
    options.path = path;
    options.spool = spool;
    options.retryInterval = std::chrono::milliseconds(50);
    auto writer = SessionWriter::open(options);
    if (!writer)
        qFatal("%s", qPrintable(writer.errorMessage()));
    return std::move(writer).value();
}

// Exchanges [first, last] recorded the ordinary way (no spool), then stopped.
void recordAtOnce(const QString& path, qint64 first, qint64 last) {
    auto writer = openWriter(path, SpoolUse::Never);
    writer->start();
    for (qint64 n = first; n <= last; ++n)
        exchange(n).recordInto(*writer);
    writer->stop();
}

void verifyWhole(SessionInspector& db, qint64 n) {
    const SyntheticExchange e = exchange(n);
    const QByteArray where = "path = '/spool/" + QByteArray::number(n) + "'";
    QCOMPARE(db.integer("SELECT count(*) FROM exchanges WHERE " + where), 1);
    QCOMPARE(db.bytes("SELECT state FROM exchanges WHERE " + where), QByteArray("complete"));
    const qint64 id = db.integer("SELECT id FROM exchanges WHERE " + where);
    QCOMPARE(db.concat("SELECT data FROM body_parts WHERE exchange_id = " + QByteArray::number(id) +
                       " AND direction = 'response' ORDER BY seq"),
             e.responseBody);
}

} // namespace

class TestSpoolWriter : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void everyRecordPassesThroughTheSpoolAndLands() {
        QTemporaryDir dir;
        const QString path = dir.filePath("s.spyglass");
        auto writer = openWriter(path, SpoolUse::Always);
        std::atomic<qint64> committed{0};
        writer->setCommitListener([&](const std::vector<record::ExchangeId>& ids) {
            committed += static_cast<qint64>(ids.size());
        });
        writer->start();
        for (qint64 n = 1; n <= 400; ++n)
            exchange(n).recordInto(*writer);
        writer->stop();
        QVERIFY2(!QFile::exists(spool_position::pathFor(path)),
                 "a drained spool is removed at stop");
        QCOMPARE(committed.load(), 400);
        QCOMPARE(writer->status().recordedExchanges, 400);
        QCOMPARE(writer->status().spooledRecords, 0);
        SessionInspector db(path);
        QCOMPARE(db.bytes("PRAGMA integrity_check"), QByteArray("ok"));
        QCOMPARE(db.integer("SELECT count(*) FROM exchanges"), 400);
        // In the proxy's order: ids follow the sequence.
        QCOMPARE(db.integer("SELECT count(*) FROM exchanges WHERE path = '/spool/' || id"), 400);
        for (qint64 n : {1, 2, 199, 400})
            verifyWhole(db, n);
    }

    void aStaleSpoolIsReplayedWhenTheSessionIsOpenedForWriting() {
        QTemporaryDir dir;
        const QString path = dir.filePath("s.spyglass");
        writeSpool(spool_position::pathFor(path), 1, 50, nullptr, 2);
        auto writer = openWriter(path, SpoolUse::Never);
        QVERIFY(!QFile::exists(spool_position::pathFor(path)));
        writer->stop();
        SessionInspector db(path);
        QCOMPARE(db.bytes("PRAGMA integrity_check"), QByteArray("ok"));
        QCOMPARE(db.integer("SELECT count(*) FROM exchanges WHERE state = 'complete'"), 50);
        QCOMPARE(db.integer("SELECT count(*) FROM exchanges WHERE state = 'incomplete' AND "
                            "path = '/spool/51'"),
                 1);
        for (qint64 n : {1, 25, 50})
            verifyWhole(db, n);
    }

    void aReplayContinuesAfterWhatTheLastCommitApplied() {
        QTemporaryDir dir;
        const QString path = dir.filePath("s.spyglass");
        // Exchanges 1-40 were committed from the spool, 41-100 were not yet.
        recordAtOnce(path, 1, 40);
        quint64 id = 0;
        const std::vector<qint64> ends = writeSpool(spool_position::pathFor(path), 1, 100, &id);
        {
            auto db = SqliteConnection::open(path, SqliteConnection::Access::ReadWrite);
            QVERIFY(db);
            QVERIFY(spool_position::save(*db.value(), id, ends[39]));
        }
        auto writer = openWriter(path, SpoolUse::Never);
        writer->stop();
        SessionInspector db(path);
        QCOMPARE(db.integer("SELECT count(*) FROM exchanges"), 100);
        QCOMPARE(db.integer("SELECT count(DISTINCT path) FROM exchanges"), 100);
        QCOMPARE(db.integer("SELECT count(*) FROM exchanges WHERE state = 'complete'"), 100);
        verifyWhole(db, 41);
        verifyWhole(db, 100);
    }

    void aTornLastFrameIsWhereTheReplayStops() {
        QTemporaryDir dir;
        const QString path = dir.filePath("s.spyglass");
        const QString spoolPath = spool_position::pathFor(path);
        const std::vector<qint64> ends = writeSpool(spoolPath, 1, 10);
        // The crash cut the last write 3 bytes short: exchange 10's end.
        QVERIFY(::truncate(QFile::encodeName(spoolPath).constData(), ends.back() - 3) == 0);
        auto writer = openWriter(path, SpoolUse::Never);
        writer->stop();
        SessionInspector db(path);
        QCOMPARE(db.bytes("PRAGMA integrity_check"), QByteArray("ok"));
        QCOMPARE(db.integer("SELECT count(*) FROM exchanges WHERE state = 'complete'"), 9);
        QCOMPARE(db.integer("SELECT count(*) FROM exchanges WHERE state = 'incomplete' AND "
                            "path = '/spool/10'"),
                 1);
        verifyWhole(db, 9);
        QVERIFY(!QFile::exists(spoolPath));
    }

    void aReaderAppliesAStaleSpoolFirst() {
        // `spyglass-cli list` of a session whose recorder was killed shows
        // what the spool held, too.
        QTemporaryDir dir;
        const QString path = dir.filePath("s.spyglass");
        recordAtOnce(path, 1, 5);
        writeSpool(spool_position::pathFor(path), 6, 20);
        auto reader = SessionReader::open(path);
        QVERIFY(reader);
        QVERIFY(!QFile::exists(spool_position::pathFor(path)));
        SessionInspector db(path);
        QCOMPARE(db.integer("SELECT count(*) FROM exchanges WHERE state = 'complete'"), 20);
        verifyWhole(db, 20);
    }

    void aReaderLeavesALiveRecordersSpoolAlone() {
        QTemporaryDir dir;
        const QString path = dir.filePath("s.spyglass");
        recordAtOnce(path, 1, 1);
        auto live = RecordSpool::create(spool_position::pathFor(path));
        QVERIFY(live);
        QByteArray encoded;
        for (record::RecordEvent& event : exchange(2).events()) {
            encoded.clear();
            encodeRecord(QueuedRecord{std::move(event)}, encoded);
            live.value()->append(encoded);
        }
        QVERIFY(live.value()->flush());
        auto reader = SessionReader::open(path);
        QVERIFY(reader);
        QVERIFY(QFile::exists(spool_position::pathFor(path)));
        SessionInspector db(path);
        QCOMPARE(db.integer("SELECT count(*) FROM exchanges"), 1);
    }

    void saveAsIncludesAStaleSpoolAndWaitsForALiveOne() {
        QTemporaryDir dir;
        const QString path = dir.filePath("s.spyglass");
        recordAtOnce(path, 1, 3);
        // A killed recorder's spool: the copy has its exchanges too.
        writeSpool(spool_position::pathFor(path), 4, 9);
        QVERIFY(SessionFile::saveAs(path, dir.filePath("copy.spyglass")));
        {
            SessionInspector copy(dir.filePath("copy.spyglass"));
            QCOMPARE(copy.integer("SELECT count(*) FROM exchanges WHERE state = 'complete'"), 9);
            verifyWhole(copy, 9);
        }
        // A running recorder's spool: not saved, and nothing is written.
        auto live = RecordSpool::create(spool_position::pathFor(path));
        QVERIFY(live);
        const Status refused = SessionFile::saveAs(path, dir.filePath("early.spyglass"));
        QVERIFY(!refused);
        QVERIFY2(refused.errorMessage().contains("still indexing"),
                 qPrintable(refused.errorMessage()));
        QVERIFY2(refused.errorMessage().contains(spool_position::pathFor(path)),
                 qPrintable(refused.errorMessage()));
        QVERIFY(!QFile::exists(dir.filePath("early.spyglass")));
        // Indexed and removed: saving works again.
        QVERIFY(live.value()->remove());
        QVERIFY(SessionFile::saveAs(path, dir.filePath("later.spyglass")));
    }

    void aSpoolInUseByARunningRecorderIsNotTouched() {
        QTemporaryDir dir;
        const QString path = dir.filePath("s.spyglass");
        auto live = RecordSpool::create(spool_position::pathFor(path));
        QVERIFY(live);
        WriterOptions options;
        options.path = path;
        auto writer = SessionWriter::open(options);
        QVERIFY(!writer);
        QVERIFY2(writer.errorMessage().contains(spool_position::pathFor(path)),
                 qPrintable(writer.errorMessage()));
        QVERIFY(QFile::exists(spool_position::pathFor(path)));
    }

    // SQLite's max_page_count fills the "disk" while the spool drains: the
    // rolled-back records are read from the spool again after the pause.
    void aFullDiskWhileDrainingLosesNothingSpooled() {
        QTemporaryDir dir;
        const QString path = dir.filePath("s.spyglass");
        auto writer = openWriter(path, SpoolUse::Always);
        // Slow enough that all 60 are in the spool before much is applied.
        writer->setApplyDelayForTesting(std::chrono::microseconds(20000));
        const qint64 perExchange = static_cast<qint64>(exchange(1, 16 * 1024).events().size());
        // Queued before the thread starts: its first take is all of them.
        for (qint64 n = 1; n <= 60; ++n)
            exchange(n, 16 * 1024).recordInto(*writer);
        writer->start();
        // Every record was taken from the queue and spooled (none applied
        // yet beyond the first few).
        QTRY_VERIFY2_WITH_TIMEOUT(writer->status().spooledRecords >= 50 * perExchange,
                                  qPrintable(writer->status().summary()), 10000);
        writer->setMaxPageCountForTesting(64); // 256 KiB with 4 KiB pages
        QTRY_COMPARE_WITH_TIMEOUT(writer->status().state, RecorderStatus::State::Paused, 10000);
        writer->setApplyDelayForTesting(std::chrono::microseconds(0));
        QVERIFY2(writer->status().message.contains("disk full"),
                 qPrintable(writer->status().message));
        QVERIFY(writer->status().spooledRecords > 0);
        writer->setMaxPageCountForTesting(0);
        writer->resume();
        QTRY_COMPARE_WITH_TIMEOUT(writer->status().state, RecorderStatus::State::Recording, 10000);
        writer->stop();
        const RecorderStatus final = writer->status();
        SessionInspector db(path);
        QCOMPARE(db.bytes("PRAGMA integrity_check"), QByteArray("ok"));
        // Only an exchange in flight at the last commit before the pause can
        // lose its end; everything after that commit is applied again.
        const qint64 complete =
            db.integer("SELECT count(*) FROM exchanges WHERE state = 'complete'");
        QCOMPARE(complete + final.lostWhilePaused, 60);
        QVERIFY2(final.lostWhilePaused <= 1, qPrintable(QString::number(final.lostWhilePaused)));
        QCOMPARE(final.recordedExchanges, complete);
        QCOMPARE(db.integer("SELECT count(DISTINCT path) FROM exchanges"),
                 db.integer("SELECT count(*) FROM exchanges"));
        for (qint64 n = 1; n <= 60; ++n) {
            const QByteArray where = "path = '/spool/" + QByteArray::number(n) + "'";
            if (db.bytes("SELECT state FROM exchanges WHERE " + where) == "complete") {
                const SyntheticExchange e = exchange(n, 16 * 1024);
                const qint64 id = db.integer("SELECT id FROM exchanges WHERE " + where);
                QCOMPARE(db.concat("SELECT data FROM body_parts WHERE exchange_id = " +
                                   QByteArray::number(id) +
                                   " AND direction = 'response' ORDER BY seq"),
                         e.responseBody);
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestSpoolWriter)
#include "test_SpoolWriter.moc"
