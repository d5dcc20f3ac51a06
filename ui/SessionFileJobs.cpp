#include "SessionFileJobs.h"

#include "core/store/HarExporter.h"
#include "core/store/SessionFile.h"
#include "core/store/SessionReader.h"

#include <QFile>
#include <QLocale>
#include <QProgressDialog>
#include <QSaveFile>
#include <QThread>
#include <QTimer>

namespace spyglass::ui {

namespace {

constexpr int kProgressPollMs = 200;

// Forwards HarExporter's writes to the file, counting bytes for the progress
// dialog; a write fails once the user cancelled, which ends the export.
class ProgressDevice final : public QIODevice {
public:
    ProgressDevice(QIODevice& target, std::atomic<qint64>& bytes, std::atomic<bool>& cancel)
        : m_target(target)
        , m_bytes(bytes)
        , m_cancel(cancel) {
        open(QIODevice::WriteOnly);
    }

protected:
    qint64 readData(char*, qint64) override { return -1; }
    qint64 writeData(const char* data, qint64 size) override {
        if (m_cancel.load())
            return -1;
        const qint64 written = m_target.write(data, size);
        if (written > 0)
            m_bytes += written;
        return written;
    }

private:
    QIODevice& m_target;
    std::atomic<qint64>& m_bytes;
    std::atomic<bool>& m_cancel;
};

} // namespace

SessionFileJobs::SessionFileJobs(QWidget* window)
    : QObject(window)
    , m_window(window) {}

SessionFileJobs::~SessionFileJobs() {
    if (m_worker) {
        // Quitting mid-export: stop it and wait, so it never outlives the
        // objects it writes to.
        m_progress->cancel = true;
        m_worker->wait();
    }
}

void SessionFileJobs::saveAs(const QString& source, const QString& destination) {
    run(
        tr("Saving the session…"),
        [source, destination](Progress&) -> QString {
            const auto saved = core::store::SessionFile::saveAs(source, destination);
            return saved ? QString() : saved.errorMessage();
        },
        tr("Saved the session as %1").arg(destination));
}

void SessionFileJobs::exportHar(const QString& source, const QString& destination,
                                const QString& filter) {
    run(
        tr("Exporting HAR…"),
        [source, destination, filter](Progress& progress) -> QString {
            auto reader = core::store::SessionReader::open(source);
            if (!reader)
                return reader.errorMessage();
            auto compiled = core::store::SessionReader::compileFilter(filter);
            if (!compiled)
                return compiled.errorMessage();
            QSaveFile file(destination);
            if (!file.open(QIODevice::WriteOnly))
                return tr("cannot write %1: %2").arg(destination, file.errorString());
            ProgressDevice device(file, progress.bytes, progress.cancel);
            const auto written = core::store::HarExporter::write(
                *reader.value(), device, filter.isEmpty() ? nullptr : &compiled.value(), {});
            if (progress.cancel.load()) {
                file.cancelWriting();
                return tr("cancelled; nothing was written");
            }
            if (!written) {
                file.cancelWriting();
                return written.errorMessage();
            }
            if (!file.commit())
                return tr("cannot write %1: %2").arg(destination, file.errorString());
            return QString();
        },
        tr("Exported HAR to %1").arg(destination));
}

void SessionFileJobs::run(const QString& title, std::function<QString(Progress&)> job,
                          const QString& done) {
    if (m_busy) {
        Q_EMIT finished(false, tr("another save or export is still running"));
        return;
    }
    m_busy = true;
    auto progress = std::make_shared<Progress>();
    m_progress = progress;
    auto error = std::make_shared<QString>();
    m_dialog = new QProgressDialog(title, tr("Cancel"), 0, 0, m_window);
    m_dialog->setObjectName(QStringLiteral("fileJobProgress"));
    m_dialog->setWindowModality(Qt::WindowModal);
    m_dialog->setMinimumDuration(300); // quick jobs never flash a dialog
    connect(m_dialog, &QProgressDialog::canceled, this, [progress] { progress->cancel = true; });
    auto* poll = new QTimer(m_dialog);
    connect(poll, &QTimer::timeout, m_dialog, [this, progress, title] {
        const qint64 bytes = progress->bytes.load();
        if (bytes > 0)
            m_dialog->setLabelText(title + QLatin1Char('\n') +
                                   tr("%1 written").arg(QLocale().formattedDataSize(bytes)));
    });
    poll->start(kProgressPollMs);
    m_worker =
        QThread::create([job = std::move(job), progress, error] { *error = job(*progress); });
    connect(m_worker, &QThread::finished, this, [this, error, done] {
        m_worker->deleteLater();
        m_worker = nullptr;
        m_dialog->deleteLater();
        m_dialog = nullptr;
        m_busy = false;
        Q_EMIT finished(error->isEmpty(), error->isEmpty() ? done : *error);
    });
    m_worker->start();
}

} // namespace spyglass::ui
