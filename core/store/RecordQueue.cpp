#include "RecordQueue.h"

#include "core/proxy/Overloaded.h"

namespace spyglass::core::store {

namespace {

// What a queued record really holds in memory, so that maxBytes bounds the
// process's memory and not just the payload: the record's slot in the
// vector, and per byte array its allocation, which is its capacity (a 1 KiB
// piece of a 64 KiB buffer holds 64 KiB) plus Qt's header and malloc's
// bookkeeping.
constexpr qsizetype kRecordOverhead = static_cast<qsizetype>(sizeof(QueuedRecord));
constexpr qsizetype kAllocationOverhead = 48;
constexpr qsizetype kSlackToCompact = 16 * 1024;

qsizetype footprint(const QByteArray& bytes) {
    return bytes.isNull() ? 0 : std::max(bytes.capacity(), bytes.size()) + kAllocationOverhead;
}

qsizetype footprint(const QString& text) {
    return text.isNull() ? 0 : std::max(text.capacity(), text.size()) * 2 + kAllocationOverhead;
}

qsizetype footprint(const record::TlsRecord& tls) {
    qsizetype bytes =
        footprint(tls.version) + footprint(tls.cipher) + footprint(tls.alpn) + footprint(tls.sni);
    for (const QByteArray& der : tls.chainDer)
        bytes += footprint(der);
    return bytes;
}

int index(record::Direction direction) {
    return direction == record::Direction::Request ? 0 : 1;
}

} // namespace

RecordQueue::RecordQueue(QueueLimits limits)
    : m_limits(limits)
    , m_bodyCap(limits.bodyCap) {
    m_records.reserve(1024);
}

void RecordQueue::setBodyCap(qint64 bodyCap) {
    std::lock_guard lock(m_mutex);
    m_bodyCap = std::max<qint64>(0, bodyCap);
}

void RecordQueue::push(record::RecordEvent&& event) {
    bool wake = false;
    std::vector<QueuedRecord> applied; // freed here, after the lock
    {
        std::lock_guard lock(m_mutex);
        if (!m_givenBack.empty())
            applied.swap(m_givenBack);
        if (m_closed) {
            if (std::holds_alternative<record::ExchangeBegin>(event))
                ++m_counters.droppedExchanges;
            return;
        }
        const qsizetype before = static_cast<qsizetype>(m_records.size());
        pushLocked(std::move(event));
        const qsizetype after = static_cast<qsizetype>(m_records.size());
        wake = after > before && ((m_consumerWantsFirst && before == 0) ||
                                  (before < kWakeRecords && after >= kWakeRecords));
        if (wake)
            m_consumerWantsFirst = false;
    }
    if (wake)
        m_wake.notify_one();
    if (applied.capacity() > 0) {
        applied.clear();
        std::lock_guard lock(m_mutex);
        if (m_spare.capacity() < applied.capacity())
            m_spare.swap(applied);
    }
}

void RecordQueue::pushLocked(record::RecordEvent&& event) {
    auto find = [this](record::ExchangeId id) -> ExchangeState* {
        auto it = m_exchanges.find(id);
        return it == m_exchanges.end() ? nullptr : &it->second;
    };
    auto damage = [this](ExchangeState* state) {
        if (state && !state->damaged) {
            state->damaged = true;
            ++m_counters.damagedExchanges;
        }
    };
    std::visit(
        Overloaded{
            [&](record::ExchangeBegin& begin) {
                ExchangeState& state = m_exchanges[begin.id];
                // Bodies give way at maxBytes; whole exchanges only when
                // heads and the like fill half as much again, or 3/4 of the
                // records are taken (the rest is for exchanges in flight).
                const qsizetype admitLimit = m_limits.maxRecords / 4 * 3;
                if (static_cast<qsizetype>(m_records.size()) >= admitLimit ||
                    m_bytes >= m_limits.maxBytes / 2 * 3) {
                    state.refused = true;
                    ++m_counters.droppedExchanges;
                    return;
                }
                const qsizetype bytes = footprint(begin.client) + footprint(begin.scheme) +
                                        footprint(begin.host) + footprint(begin.method) +
                                        footprint(begin.path) + footprint(begin.sni);
                if (!enqueueLocked(QueuedRecord{std::move(begin), {}, false}, bytes)) {
                    state.refused = true;
                    ++m_counters.droppedExchanges;
                }
            },
            [&](record::HeadRecord& head) {
                ExchangeState* state = find(head.id);
                if (state && (state->refused || state->damaged))
                    return;
                const qsizetype bytes = footprint(head.raw) + footprint(head.forwarded);
                if (!enqueueLocked(QueuedRecord{std::move(head), {}, false}, bytes))
                    damage(state);
            },
            [&](record::BodyChunk& chunk) { pushBodyLocked(std::move(chunk), find(chunk.id)); },
            [&](record::TlsRecord& tls) {
                ExchangeState* state = find(tls.id);
                if (state && (state->refused || state->damaged))
                    return;
                const qsizetype bytes = footprint(tls);
                if (!enqueueLocked(QueuedRecord{std::move(tls), {}, false}, bytes))
                    damage(state);
            },
            [&](record::ExchangeEnd& end) {
                auto it = m_exchanges.find(end.id);
                if (it == m_exchanges.end()) {
                    // No Begin seen by this queue: the writer ignores it too.
                    return;
                }
                ExchangeState state = it->second;
                m_exchanges.erase(it);
                if (state.refused)
                    return;
                const qsizetype bytes =
                    footprint(end.contentType) + footprint(end.error) + footprint(end.note);
                if (!enqueueLocked(QueuedRecord{std::move(end), state.fate, state.damaged},
                                   bytes) &&
                    !state.damaged)
                    ++m_counters.damagedExchanges;
            },
        },
        event);
}

void RecordQueue::pushBodyLocked(record::BodyChunk&& chunk, ExchangeState* state) {
    if (!state || state->refused || state->damaged)
        return;
    const int dir = index(chunk.direction);
    BodyFate& fate = state->fate[static_cast<std::size_t>(dir)];
    qint64& queued = state->queuedBody[static_cast<std::size_t>(dir)];
    fate.chunked = fate.chunked || chunk.chunked;
    const qint64 size = chunk.data.size();
    const qint64 room = std::max<qint64>(0, m_bodyCap - queued - fate.droppedBytes);
    const qint64 take = std::min(size, room);
    if (take < size) {
        fate.overCap = true;
        fate.droppedBytes += size - take;
    }
    if (take == 0)
        return;
    // A body is stored as a prefix of what went over the wire: once bytes of
    // a message were dropped, none after them are kept, even if room frees.
    // A small piece of a large buffer would hold the whole buffer while
    // queued: it is copied out (cheap for the small piece; the buffer is
    // freed as soon as the proxy drops it).
    const bool compact = chunk.data.capacity() - take > kSlackToCompact;
    const qsizetype bytes = compact ? take + kAllocationOverhead : footprint(chunk.data);
    const bool full = m_bytes + bytes > m_limits.maxBytes ||
                      static_cast<qsizetype>(m_records.size()) >= m_limits.maxRecords / 2;
    if (fate.saturated || full) {
        if (!fate.saturated) {
            fate.saturated = true;
            ++m_counters.saturatedBodies;
        }
        fate.droppedBytes += take;
        m_counters.droppedBodyBytes += take;
        return;
    }
    if (compact)
        chunk.data = QByteArray(chunk.data.constData(), take);
    else if (take < size)
        chunk.data.truncate(take);
    if (enqueueLocked(QueuedRecord{std::move(chunk), {}, false}, bytes))
        queued += take;
}

bool RecordQueue::enqueueLocked(QueuedRecord&& record, qsizetype bytes) {
    // The hard limits: beyond them even records of admitted exchanges go.
    if (static_cast<qsizetype>(m_records.size()) >= m_limits.maxRecords ||
        m_bytes + bytes > m_limits.maxBytes * 2)
        return false;
    m_bytes += bytes + kRecordOverhead;
    m_records.push_back(std::move(record));
    return true;
}

bool RecordQueue::takeAll(std::vector<QueuedRecord>& out, std::chrono::milliseconds timeout,
                          bool wakeOnFirst) {
    out.clear();
    std::unique_lock lock(m_mutex);
    if (m_records.empty() && !m_closed && !m_woken) {
        m_consumerWantsFirst = wakeOnFirst;
        m_wake.wait_for(lock, timeout, [this, wakeOnFirst] {
            return (wakeOnFirst && !m_records.empty()) ||
                   static_cast<qsizetype>(m_records.size()) >= kWakeRecords || m_closed || m_woken;
        });
        m_consumerWantsFirst = false;
    }
    m_woken = false;
    std::swap(out, m_records);
    m_bytes = 0;
    return !(m_closed && out.empty());
}

void RecordQueue::giveBack(std::vector<QueuedRecord>& applied) {
    std::vector<QueuedRecord> uncollected;
    {
        std::lock_guard lock(m_mutex);
        uncollected.swap(m_givenBack);
        m_givenBack.swap(applied);
        applied.swap(m_spare);
    }
    if (applied.capacity() < uncollected.capacity()) {
        uncollected.clear();
        applied.swap(uncollected);
    }
}

void RecordQueue::reclaimGivenBack() {
    std::vector<QueuedRecord> uncollected;
    {
        std::lock_guard lock(m_mutex);
        uncollected.swap(m_givenBack);
    }
}

void RecordQueue::close() {
    {
        std::lock_guard lock(m_mutex);
        m_closed = true;
        m_exchanges.clear();
    }
    m_wake.notify_all();
}

void RecordQueue::wake() {
    {
        std::lock_guard lock(m_mutex);
        m_woken = true;
    }
    m_wake.notify_all();
}

QueueCounters RecordQueue::counters() const {
    std::lock_guard lock(m_mutex);
    return m_counters;
}

qsizetype RecordQueue::size() const {
    std::lock_guard lock(m_mutex);
    return static_cast<qsizetype>(m_records.size());
}

} // namespace spyglass::core::store
