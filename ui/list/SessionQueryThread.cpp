#include "SessionQueryThread.h"

#include "core/store/SessionReader.h"

namespace spyglass::ui {

using core::store::SessionReader;

SessionQueryThread::SessionQueryThread(QObject* parent)
    : QObject(parent)
    , m_context(new QObject) {
    m_thread.setObjectName(QStringLiteral("sg-list-query"));
    m_context->moveToThread(&m_thread);
    m_thread.start();
}

SessionQueryThread::~SessionQueryThread() {
    interrupt();
    m_thread.quit();
    m_thread.wait();
    // The thread has ended: the context and the reader are no longer used
    // anywhere, so they can go from this thread.
    delete m_context;
    m_reader.reset();
}

void SessionQueryThread::open(const QString& path, std::function<void(const QString& error)> done) {
    QMetaObject::invokeMethod(
        m_context,
        [this, path, done = std::move(done)] {
            auto opened = SessionReader::open(path);
            QString error;
            std::unique_ptr<SessionReader> reader;
            if (opened)
                reader = std::move(opened).value();
            else
                error = opened.errorMessage();
            std::unique_ptr<SessionReader> old;
            {
                std::lock_guard lock(m_readerMutex);
                old = std::exchange(m_reader, std::move(reader));
            }
            if (done)
                done(error);
        },
        Qt::QueuedConnection);
}

void SessionQueryThread::close() {
    QMetaObject::invokeMethod(
        m_context,
        [this] {
            std::unique_ptr<SessionReader> old;
            std::lock_guard lock(m_readerMutex);
            old = std::move(m_reader);
        },
        Qt::QueuedConnection);
}

void SessionQueryThread::post(Job job) {
    // m_reader is only replaced on the query thread, so reading it there
    // without the lock is safe.
    QMetaObject::invokeMethod(
        m_context, [this, job = std::move(job)] { job(m_reader.get()); }, Qt::QueuedConnection);
}

void SessionQueryThread::interrupt() {
    std::lock_guard lock(m_readerMutex);
    if (m_reader)
        m_reader->interrupt();
}

} // namespace spyglass::ui
