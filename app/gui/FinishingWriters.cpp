#include "FinishingWriters.h"

namespace spyglass::app {

FinishingWriters::FinishingWriters(std::function<void()> finished)
    : m_finished(std::move(finished)) {}

FinishingWriters::~FinishingWriters() {
    waitAll();
}

void FinishingWriters::finish(std::shared_ptr<core::store::SessionWriter> writer) {
    if (!writer)
        return;
    std::lock_guard lock(m_mutex);
    reapLocked();
    Finishing& entry = m_writers.emplace_back();
    entry.writer = std::move(writer);
    // The entry stays where it is in the list until reaped, so the thread
    // may refer to it.
    entry.thread = std::thread([this, &entry] {
        entry.writer->stop();
        {
            std::lock_guard done(m_mutex);
            entry.done = true;
        }
        if (m_finished)
            m_finished();
    });
}

int FinishingWriters::count() const {
    std::lock_guard lock(m_mutex);
    int finishing = 0;
    for (const Finishing& entry : m_writers)
        finishing += entry.done ? 0 : 1;
    return finishing;
}

qint64 FinishingWriters::recordsLeft() const {
    std::lock_guard lock(m_mutex);
    qint64 records = 0;
    for (const Finishing& entry : m_writers) {
        if (!entry.done)
            records += entry.writer->status().spooledRecords;
    }
    return records;
}

void FinishingWriters::waitAll() {
    std::list<Finishing> all;
    {
        std::lock_guard lock(m_mutex);
        all.splice(all.end(), m_writers);
    }
    // Joined without the lock: a finishing thread takes it to say it is done.
    for (Finishing& entry : all) {
        if (entry.thread.joinable())
            entry.thread.join();
    }
}

void FinishingWriters::reapLocked() {
    for (auto it = m_writers.begin(); it != m_writers.end();) {
        if (it->done) {
            it->thread.join();
            it = m_writers.erase(it);
        } else {
            ++it;
        }
    }
}

} // namespace spyglass::app
