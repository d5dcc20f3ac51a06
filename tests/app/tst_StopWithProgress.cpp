// Quitting with records in the spool: stopRecordingWithProgress keeps the
// GUI thread's event loop running and shows the records left until the
// recorder has applied them all, and the file is complete afterwards.
// A real RecordingService and SessionWriter, slowed with the writer's seam.

#include "app/gui/RecordingService.h"
#include "app/gui/StopWithProgress.h"
#include "core/store/SessionInspector.h"
#include "core/store/SpoolRecovery.h"
#include "core/store/SyntheticExchange.h"

#include <QApplication>
#include <QFile>
#include <QLabel>
#include <QProgressDialog>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace spyglass;

class TestStopWithProgress final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void quittingShowsTheRecordsLeftAndLosesNone() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("quit.spyglass"));
        core::store::WriterOptions options;
        options.path = path;
        options.spool = core::store::SpoolUse::Always;
        app::RecordingService recording(options);
        QString error;
        QVERIFY2(recording.start(&error), qPrintable(error));
        auto writer = recording.writerForTesting();
        writer->setApplyDelayForTesting(std::chrono::milliseconds(2));
        constexpr int kExchanges = 200;
        for (qint64 n = 1; n <= kExchanges; ++n) {
            core::store::testing::SyntheticExchange e;
            e.id = static_cast<core::record::ExchangeId>(n);
            e.path = "/quit/" + QByteArray::number(n);
            e.responseBody = QByteArray(500, 'q');
            e.recordInto(recording.recorder());
        }
        // About 1,000 records at 2 ms each: over a second of applying left.
        QTRY_VERIFY_WITH_TIMEOUT(writer->status().spooledRecords > 500, 10000);

        // What the user sees while it stops: read from the event loop that
        // stopRecordingWithProgress keeps running.
        QString shown;
        QTimer look;
        connect(&look, &QTimer::timeout, this, [&shown] {
            for (QWidget* widget : QApplication::topLevelWidgets()) {
                auto* dialog = qobject_cast<QProgressDialog*>(widget);
                if (dialog && dialog->isVisible() && shown.isEmpty()) {
                    const auto labels = dialog->findChildren<QLabel*>();
                    for (const QLabel* label : labels)
                        shown += label->text();
                    // docs/screenshots/finishing-session.png, like tst_Screenshots.
                    if (const QString out = qEnvironmentVariable("SPYGLASS_SCREENSHOT_DIR");
                        !out.isEmpty())
                        dialog->grab().save(out + QStringLiteral("/finishing-session.png"));
                }
            }
        });
        look.start(50);
        app::stopRecordingWithProgress(recording);
        look.stop();

        QVERIFY2(shown.startsWith(QStringLiteral("Finishing the session: indexing ")),
                 qPrintable(shown));
        QVERIFY2(shown.endsWith(QStringLiteral(" records…")), qPrintable(shown));
        core::store::testing::SessionInspector inspector(path);
        QCOMPARE(inspector.integer("SELECT count(*) FROM exchanges WHERE state = 'complete'"),
                 qint64(kExchanges));
        QVERIFY(!QFile::exists(core::store::spool_position::pathFor(path)));
    }
};

QTEST_MAIN(TestStopWithProgress)
#include "tst_StopWithProgress.moc"
