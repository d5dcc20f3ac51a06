#pragma once

#include <QObject>
#include <QString>
#include <QThread>
#include <functional>
#include <memory>
#include <mutex>

namespace spyglass::core::store {
class SessionReader;
}

namespace spyglass::ui {

// The exchange list's query thread (architecture guide §5): one read-only
// SessionReader on a QThread of its own, so the GUI thread never runs SQL.
// Jobs run one at a time in the order posted; a job hands its result back
// with deliver(), which queues a call on the receiver's thread.
class SessionQueryThread final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SessionQueryThread)

public:
    // A job gets the open reader, or null when no session is open (or the
    // last open failed).
    using Job = std::function<void(core::store::SessionReader* reader)>;

    explicit SessionQueryThread(QObject* parent = nullptr);
    // Interrupts the running query and joins the thread; jobs not yet run
    // are dropped.
    ~SessionQueryThread() override;

    // Opens `path` read-only on the query thread (after the jobs already
    // posted) and calls `done` there with "" or the error.
    void open(const QString& path, std::function<void(const QString& error)> done);
    // Closes the reader (after the jobs already posted).
    void close();
    void post(Job job);
    // Makes the query running now (if any) fail with "interrupted"; callable
    // while a long sort or body scan runs.
    void interrupt();

    // Runs `call` on `receiver`'s thread; dropped if the receiver is gone by
    // then (Qt removes posted calls when an object is destroyed).
    template <typename F> static void deliver(QObject* receiver, F call) {
        QMetaObject::invokeMethod(receiver, std::move(call), Qt::QueuedConnection);
    }

private:
    QThread m_thread;
    QObject* m_context = nullptr; // lives on m_thread; jobs are queued calls on it
    std::mutex m_readerMutex;     // guards the pointer for interrupt()
    std::unique_ptr<core::store::SessionReader> m_reader;
};

} // namespace spyglass::ui
