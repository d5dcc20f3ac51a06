#pragma once

#include "core/store/SessionWriter.h"

#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <thread>

namespace spyglass::app {

// The writers of sessions the user has left for a new one (New session).
// Stopping a writer applies everything that waits in its spool, which after
// heavy traffic is up to 512 MiB or 10 s worth of records (SpoolPolicy) and
// takes seconds: done on the GUI thread, that froze the window. Each one is
// stopped on a thread of its own instead, while the new session records;
// nothing it captured is lost, and its file is complete once it is done.
class FinishingWriters {
public:
    // `finished` runs on the finishing thread after a writer has stopped.
    explicit FinishingWriters(std::function<void()> finished);
    // Waits for every writer still finishing (quitting must not cut one off:
    // its spool would then wait for the next reader).
    ~FinishingWriters();
    FinishingWriters(const FinishingWriters&) = delete;
    FinishingWriters& operator=(const FinishingWriters&) = delete;

    // Stops `writer` (the proxy no longer sends it records) off this thread.
    void finish(std::shared_ptr<core::store::SessionWriter> writer);
    // How many are still finishing, and the records they still have to index.
    [[nodiscard]] int count() const;
    [[nodiscard]] qint64 recordsLeft() const;
    // Blocks until every writer handed over has stopped.
    void waitAll();

private:
    struct Finishing {
        std::shared_ptr<core::store::SessionWriter> writer;
        std::thread thread;
        bool done = false; // under m_mutex
    };
    // Joins the threads that are done (each is at its end: no wait).
    void reapLocked();

    std::function<void()> m_finished;
    mutable std::mutex m_mutex;
    std::list<Finishing> m_writers;
};

} // namespace spyglass::app
