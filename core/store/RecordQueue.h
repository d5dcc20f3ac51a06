#pragma once

#include "QueuedRecord.h"

#include <QtGlobal>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace spyglass::core::store {

struct QueueLimits {
    // Records waiting for the writer. New exchanges are refused at 3/4 of
    // this so the exchanges already admitted can still finish whole.
    qsizetype maxRecords = 25'000;
    // Bytes waiting for the writer. Body bytes are dropped when this fills;
    // new exchanges are refused at 1.5 times it (heads, certificates).
    qsizetype maxBytes = 16 << 20;
    // Content bytes kept per message; 0 = headers only.
    qint64 bodyCap = 16 << 20;
};

// What the queue has dropped so far (monotonic).
struct QueueCounters {
    qint64 droppedExchanges = 0; // refused whole: the queue was full
    qint64 saturatedBodies = 0;  // messages whose bytes were cut: "recorder saturated"
    qint64 droppedBodyBytes = 0; // bytes cut for saturation (not for the cap)
    qint64 damagedExchanges = 0; // admitted, then lost records at the hard limit
};

// The bounded queue between the proxy (producers) and the writer thread
// (the one consumer). push() never waits for the writer's work: the lock
// guards a push_back and a little bookkeeping, and the consumer holds it
// only to swap vectors. When full it degrades: first body bytes go (the
// message is marked truncated), then whole new exchanges are refused;
// either way it counts what it dropped.
class RecordQueue {
public:
    explicit RecordQueue(QueueLimits limits);

    void push(record::RecordEvent&& event);

    // Waits up to `timeout` for records, then moves every queued record into
    // `out` (which is cleared first; its capacity is reused). Returns false
    // once the queue is closed and empty.
    //
    // Producers do not wake a busy consumer for every record (a futex wake
    // and a context switch per record cost the proxy more than the record
    // itself): a consumer that is working polls with a short timeout, and
    // is woken early only when kWakeRecords pile up. An idle consumer asks
    // to be woken by the next record with `wakeOnFirst`.
    bool takeAll(std::vector<QueuedRecord>& out, std::chrono::milliseconds timeout,
                 bool wakeOnFirst = true);
    // The consumer hands back the records it applied, so that the thread
    // that allocated their bytes (the proxy's) frees them on its next push()
    // rather than the writer. glibc keeps freed chunks in the freeing
    // thread's cache: freed by the writer, the proxy's thread never gets them
    // back and every allocation it makes goes to the arena's slow path
    // (measured: malloc and free were a fifth of the network thread's time
    // with recording on). At most one batch waits: when the producer has not
    // collected the last one, or on reclaimGivenBack(), the consumer frees
    // it itself. `applied` is left empty (with the capacity of a vector the
    // producer emptied, so no thread regrows a vector per batch).
    void giveBack(std::vector<QueuedRecord>& applied);
    // Frees a batch the producer did not collect (the proxy is idle).
    void reclaimGivenBack();
    // Wakes the consumer; records pushed afterwards are dropped and counted.
    void close();
    // Makes the consumer's takeAll() return now, even with nothing queued.
    void wake();

    [[nodiscard]] QueueCounters counters() const;
    [[nodiscard]] qsizetype size() const;
    [[nodiscard]] bool isEmpty() const { return size() == 0; }
    [[nodiscard]] const QueueLimits& limits() const { return m_limits; }
    // A new body cap from now on (Settings apply to the running session):
    // bytes of a message beyond it are not queued, like beyond the first.
    void setBodyCap(qint64 bodyCap);

    static constexpr qsizetype kWakeRecords = 512;

private:
    struct ExchangeState {
        std::array<qint64, 2> queuedBody{}; // content bytes accepted per direction
        std::array<BodyFate, 2> fate{};
        bool refused = false;
        bool damaged = false;
    };

    void pushLocked(record::RecordEvent&& event);
    void pushBodyLocked(record::BodyChunk&& chunk, ExchangeState* state);
    [[nodiscard]] bool enqueueLocked(QueuedRecord&& record, qsizetype bytes);

    const QueueLimits m_limits;
    mutable std::mutex m_mutex;
    qint64 m_bodyCap; // m_limits.bodyCap until setBodyCap()
    std::condition_variable m_wake;
    std::vector<QueuedRecord> m_records;
    std::vector<QueuedRecord> m_givenBack; // applied, for the producer to free
    std::vector<QueuedRecord> m_spare;     // emptied by the producer, capacity kept
    qsizetype m_bytes = 0;
    bool m_closed = false;
    bool m_woken = false;
    bool m_consumerWantsFirst = false; // an idle consumer waits for any record
    // Exchanges between their Begin and End, as seen by the producers.
    std::unordered_map<record::ExchangeId, ExchangeState> m_exchanges;
    QueueCounters m_counters;
};

} // namespace spyglass::core::store
