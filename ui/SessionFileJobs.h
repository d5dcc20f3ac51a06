#pragma once

#include <QObject>
#include <QString>
#include <atomic>
#include <functional>
#include <memory>

class QProgressDialog;
class QThread;
class QWidget;

namespace spyglass::ui {

// File ▸ Save session as… and Export HAR…: each runs on a worker thread
// (a large session takes seconds to copy or export) behind a progress
// dialog with Cancel, and reports the outcome with finished().
class SessionFileJobs final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SessionFileJobs)

public:
    explicit SessionFileJobs(QWidget* window);
    ~SessionFileJobs() override;

    // A compacted copy (VACUUM INTO) of `source` at `destination`.
    void saveAs(const QString& source, const QString& destination);
    // HAR 1.2 of the rows `filter` selects ("" = all).
    void exportHar(const QString& source, const QString& destination, const QString& filter);
    [[nodiscard]] bool isBusy() const { return m_busy; }

Q_SIGNALS:
    // `message` says what was written or why it failed.
    void finished(bool ok, const QString& message);

private:
    struct Progress {
        std::atomic<qint64> bytes{0};
        std::atomic<bool> cancel{false};
    };
    void run(const QString& title, std::function<QString(Progress&)> job, const QString& done);

    QWidget* m_window;
    bool m_busy = false;
    QProgressDialog* m_dialog = nullptr;
    QThread* m_worker = nullptr;
    std::shared_ptr<Progress> m_progress; // of the running job
};

} // namespace spyglass::ui
