#include "StopWithProgress.h"

#include "RecordingService.h"

#include <QApplication>
#include <QEventLoop>
#include <QLocale>
#include <QProgressDialog>
#include <QTimer>
#include <atomic>
#include <thread>

namespace spyglass::app {

namespace {

// Shorter stops (the usual case: nothing spooled) show nothing.
constexpr int kShowAfterMs = 300;
constexpr int kRefreshMs = 200;

QString progressText(const RecordingService& recording) {
    const qint64 left = recording.status().spooledRecords + recording.earlierSessions().recordsLeft;
    if (left <= 0)
        return QObject::tr("Finishing the session…");
    return QObject::tr("Finishing the session: indexing %1 records…").arg(QLocale().toString(left));
}

} // namespace

void stopRecordingWithProgress(RecordingService& recording) {
    if (!qobject_cast<QApplication*>(QCoreApplication::instance())) {
        recording.stop();
        return;
    }
    QEventLoop loop;
    std::atomic<bool> done{false};
    std::thread stopper([&recording, &loop, &done] {
        recording.stop();
        done = true;
        QMetaObject::invokeMethod(&loop, &QEventLoop::quit, Qt::QueuedConnection);
    });

    QProgressDialog dialog;
    dialog.setObjectName(QStringLiteral("finishingSessionProgress"));
    dialog.setWindowTitle(QStringLiteral("Spyglass"));
    dialog.setCancelButton(nullptr); // what is spooled must reach the file
    dialog.setRange(0, 0);           // busy: the count is in the label
    const auto update = [&dialog, &recording] {
        dialog.setLabelText(progressText(recording));
        if (!dialog.isVisible())
            dialog.show();
    };
    QTimer refresh;
    QObject::connect(&refresh, &QTimer::timeout, &dialog, update);
    QTimer::singleShot(kShowAfterMs, &dialog, [&refresh, update] {
        update();
        refresh.start(kRefreshMs);
    });
    if (!done)
        loop.exec();
    stopper.join();
}

} // namespace spyglass::app
