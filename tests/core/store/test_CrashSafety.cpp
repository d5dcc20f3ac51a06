// Crash safety: a child records a synthetic stream and reports each
// committed exchange; we SIGKILL it at random moments. After every kill the
// file passes PRAGMA integrity_check and every acknowledged exchange is
// there, whole.
#undef QT_NO_CAST_FROM_ASCII
#define QT_RESTRICTED_CAST_FROM_ASCII
#include "CrashStream.h"
#include "SessionInspector.h"
#include "core/store/SessionReader.h"
#include "core/store/SessionWriter.h"
#include "core/store/SpoolRecovery.h"

#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>
#include <set>

using namespace spyglass::core;
using namespace spyglass::core::store;
using namespace spyglass::core::store::testing;

namespace {

constexpr int kKills = 12;
constexpr int kStartTimeoutMs = 20000;

} // namespace

class TestCrashSafety : public QObject {
    Q_OBJECT

    // Reads the child's acks until `want` more arrived or `waitMs` passed.
    static void readAcks(QProcess& child, std::set<qint64>& acked, QByteArray& pending, int want,
                         int waitMs) {
        QElapsedTimer timer;
        timer.start();
        const std::size_t target = acked.size() + static_cast<std::size_t>(want);
        while (acked.size() < target && timer.elapsed() < waitMs) {
            child.waitForReadyRead(20);
            pending += child.readAllStandardOutput();
            qsizetype newline;
            while ((newline = pending.indexOf('\n')) >= 0) {
                const QByteArray line = pending.left(newline);
                pending.remove(0, newline + 1);
                if (line.startsWith("ack "))
                    acked.insert(line.mid(4).toLongLong());
            }
        }
    }

    static void verifyWhole(SessionReader& reader, qint64 n) {
        const SyntheticExchange expected = crashExchange(n);
        auto filter =
            SessionReader::compileFilter("path:\"/crash/" + QString::number(n) + "\" id:>0");
        QVERIFY(filter);
        auto rows = reader.rowsAfter(0, 10, &filter.value());
        QVERIFY(rows);
        // "/crash/12" also matches "/crash/123": pick the exact path.
        const ListRow* row = nullptr;
        for (const ListRow& r : rows.value()) {
            if (r.path == expected.path)
                row = &r;
        }
        QVERIFY2(row, qPrintable("acknowledged exchange " + QString::number(n) + " is missing"));
        QCOMPARE(row->state, ListRow::State::Complete);
        QCOMPARE(row->status, expected.status);
        QCOMPARE(row->responseSize, expected.responseBody.size());
        auto detail = reader.exchange(row->id);
        QVERIFY(detail && detail.value());
        QCOMPARE(detail.value()->head(record::Direction::Request)->raw, expected.requestHead());
        QCOMPARE(detail.value()->head(record::Direction::Response)->raw, expected.responseHead());
        QVERIFY(detail.value()->hasTimings);
        QCOMPARE(detail.value()->timings.doneUs, expected.startUs + expected.durationUs);
        auto body = reader.body(row->id, record::Direction::Response, false);
        QVERIFY(body);
        QVERIFY2(body->truncated.isEmpty(), QByteArray("body cut: " + body->truncated).constData());
        QCOMPARE(body->data, expected.responseBody);
        if (!expected.requestBody.isEmpty())
            QCOMPARE(reader.body(row->id, record::Direction::Request, false)->data,
                     expected.requestBody);
    }

private Q_SLOTS:
    void killedAtRandomMomentsLosesNothingAcknowledged_data() {
        QTest::addColumn<bool>("spooled");
        QTest::newRow("applied at once") << false;
        // Every record passes through SESSION-spool first; after each kill a
        // writer opens the session and replays what the spool still holds.
        QTest::newRow("through the spool") << true;
    }

    void killedAtRandomMomentsLosesNothingAcknowledged() {
        QFETCH(bool, spooled);
        QTemporaryDir dir;
        const QString path = dir.filePath("crash.spyglass");
        const quint32 seed = QRandomGenerator::global()->generate();
        qInfo("seed %u", seed);
        QRandomGenerator random(seed);
        std::set<qint64> acked;
        for (int round = 0; round < kKills; ++round) {
            QProcess child;
            child.setProcessChannelMode(QProcess::SeparateChannels);
            const qint64 start = qint64{round} * 1'000'000 + 1;
            QStringList arguments{path, QString::number(start)};
            if (spooled)
                arguments << QStringLiteral("spool");
            child.start(QStringLiteral(SPYGLASS_CRASH_CHILD), arguments);
            QVERIFY2(child.waitForStarted(kStartTimeoutMs), qPrintable(child.errorString()));
            QByteArray pending;
            QElapsedTimer ready;
            ready.start();
            while (!pending.contains("ready\n") && ready.elapsed() < kStartTimeoutMs) {
                child.waitForReadyRead(50);
                pending += child.readAllStandardOutput();
            }
            QVERIFY2(pending.contains("ready\n"), child.readAllStandardError().constData());
            pending.remove(0, pending.indexOf("ready\n") + 6);
            // A random moment: after 1-400 acks or up to 300 ms, whichever first.
            const int wantAcks = static_cast<int>(random.bounded(1, 400));
            const int waitMs = static_cast<int>(random.bounded(0, 300));
            const std::size_t before = acked.size();
            readAcks(child, acked, pending, wantAcks, waitMs);
            ::kill(static_cast<pid_t>(child.processId()), SIGKILL);
            QVERIFY(child.waitForFinished(10000));
            QCOMPARE(child.exitStatus(), QProcess::CrashExit);
            // Acks that were written before the kill but not read yet count too.
            pending += child.readAllStandardOutput();
            for (qsizetype line = 0; (line = pending.indexOf('\n')) >= 0;) {
                if (pending.startsWith("ack "))
                    acked.insert(pending.mid(4, line - 4).toLongLong());
                pending.remove(0, line + 1);
            }
            qInfo("round %d: %zu acks (%zu in all)", round, acked.size() - before, acked.size());
            if (spooled) {
                WriterOptions options;
                options.path = path;
                options.spool = SpoolUse::Never;
                auto replay = SessionWriter::open(options);
                QVERIFY2(replay, qPrintable(replay.ok() ? QString() : replay.errorMessage()));
                QVERIFY(!QFile::exists(spool_position::pathFor(path)));
                replay.value()->stop();
            }

            SessionInspector inspect(path);
            QCOMPARE(inspect.bytes("PRAGMA integrity_check"), QByteArray("ok"));
            qInfo("  the session holds %lld complete exchanges",
                  inspect.integer("SELECT count(*) FROM exchanges WHERE state = 'complete'"));
            {
                // FTS5 checks its own index on request (a "write" command).
                auto rw = SqliteConnection::open(path, SqliteConnection::Access::ReadWrite);
                QVERIFY(rw);
                const Status fts =
                    rw.value()->exec("INSERT INTO search (search) VALUES ('integrity-check')");
                QVERIFY2(fts, qPrintable(fts.ok() ? QString() : fts.errorMessage()));
            }
            auto reader = SessionReader::open(path);
            QVERIFY2(reader, qPrintable(reader.ok() ? QString() : reader.errorMessage()));
            for (qint64 n : acked) {
                verifyWhole(*reader.value(), n);
                if (QTest::currentTestFailed())
                    return;
            }
        }
        QVERIFY2(acked.size() > kKills, "the children acknowledged almost nothing");
    }
};

QTEST_GUILESS_MAIN(TestCrashSafety)
#include "test_CrashSafety.moc"
