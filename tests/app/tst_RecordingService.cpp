// RecordingService (app/gui): New session must not make the window wait
// while the old session's writer applies what waits in its spool; the old
// file still ends up with everything, and quitting waits for it.
// Real SessionWriters on temporary files; the old writer is slowed with its
// test seam so that its spool holds records when the user moves on.

#include "app/gui/RecordingService.h"
#include "core/store/RecordSpool.h"
#include "core/store/SessionInspector.h"
#include "core/store/SpoolRecovery.h"
#include "core/store/SyntheticExchange.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace spyglass;
using core::store::SpoolUse;
using core::store::WriterOptions;
using core::store::testing::SessionInspector;
using core::store::testing::SyntheticExchange;

namespace {

constexpr int kExchanges = 150;

SyntheticExchange exchange(qint64 n) {
    SyntheticExchange e;
    e.id = static_cast<core::record::ExchangeId>(n);
    e.path = "/finishing/" + QByteArray::number(n);
    e.responseBody = QByteArray(2000, static_cast<char>('a' + n % 26));
    e.startUs = 1'700'000'000'000'000 + n * 1000;
    return e;
}

} // namespace

class TestRecordingService final : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    // A service recording through the spool into FIRST, whose writer
    // applies a record every 2 ms, with kExchanges exchanges (about 750
    // records) queued: waiting for 300 in the spool leaves it 0.6 s or more
    // of applying.
    std::unique_ptr<app::RecordingService> busyService(const QString& first) {
        WriterOptions options;
        options.path = first;
        options.spool = SpoolUse::Always;
        auto service = std::make_unique<app::RecordingService>(options);
        QString error;
        if (!service->start(&error))
            qFatal("%s", qPrintable(error));
        service->writerForTesting()->setApplyDelayForTesting(std::chrono::milliseconds(2));
        for (qint64 n = 1; n <= kExchanges; ++n)
            exchange(n).recordInto(service->recorder());
        return service;
    }

    static qint64 completeExchanges(const QString& path) {
        SessionInspector inspector(path);
        return inspector.integer("SELECT count(*) FROM exchanges WHERE state = 'complete'");
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        // New sessions go to <XDG_DATA_HOME>/Spyglass/sessions.
        qputenv("XDG_DATA_HOME", QFile::encodeName(m_dir.filePath(QStringLiteral("data"))));
        QCoreApplication::setApplicationName(QStringLiteral("Spyglass"));
    }

    void newSessionLeavesTheOldOneToFinishInTheBackground() {
        const QString first = m_dir.filePath(QStringLiteral("first.spyglass"));
        auto service = busyService(first);
        auto old = service->writerForTesting();
        QTRY_VERIFY_WITH_TIMEOUT(old->status().spooledRecords > 300, 10000);

        QString error;
        QVERIFY2(service->startNewSession(&error), qPrintable(error));
        // It returned while the old writer still had spooled records to
        // apply: on the GUI thread it would have applied all of them first.
        const auto earlier = service->earlierSessions();
        QCOMPARE(earlier.finishing, 1);
        QVERIFY2(earlier.recordsLeft > 0, qPrintable(old->status().summary()));
        QVERIFY(service->sessionPath() != first);
        QVERIFY(service->writerForTesting() != old);
        // The new session records meanwhile.
        exchange(kExchanges + 1).recordInto(service->recorder());

        old->setApplyDelayForTesting(std::chrono::microseconds(0));
        QTRY_COMPARE_WITH_TIMEOUT(service->earlierSessions().finishing, 0, 30000);
        QCOMPARE(service->earlierSessions().recordsLeft, 0);
        QCOMPARE(completeExchanges(first), qint64(kExchanges));
        QVERIFY(!QFile::exists(core::store::spool_position::pathFor(first)));

        const QString second = service->sessionPath();
        service->stop();
        QCOMPARE(completeExchanges(second), qint64(1));
    }

    void stoppingWaitsForSessionsStillFinishing() {
        const QString first = m_dir.filePath(QStringLiteral("quit.spyglass"));
        auto service = busyService(first);
        QTRY_VERIFY_WITH_TIMEOUT(service->writerForTesting()->status().spooledRecords > 300, 10000);
        QString error;
        QVERIFY2(service->startNewSession(&error), qPrintable(error));
        QCOMPARE(service->earlierSessions().finishing, 1);
        // Quitting: the old file is complete when the service is gone.
        service.reset();
        QCOMPARE(completeExchanges(first), qint64(kExchanges));
        QVERIFY(!QFile::exists(core::store::spool_position::pathFor(first)));
    }
};

QTEST_GUILESS_MAIN(TestRecordingService)
#include "tst_RecordingService.moc"
