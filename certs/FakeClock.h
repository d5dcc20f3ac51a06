#pragma once

#include "certs/Clock.h"

#include <atomic>

namespace spyglass::certs {

// A clock that only moves when told to. Thread-safe (an atomic count of
// seconds), so a test may advance it while another thread reads it.
class FakeClock final : public Clock {
public:
    // Starts at 2026-01-01T00:00:00Z unless told otherwise.
    explicit FakeClock(TimePoint start = TimePoint(std::chrono::seconds(1767225600)))
        : m_seconds(toSeconds(start)) {}

    TimePoint now() const override {
        return TimePoint(std::chrono::seconds(m_seconds.load(std::memory_order_acquire)));
    }
    void set(TimePoint t) { m_seconds.store(toSeconds(t), std::memory_order_release); }
    void advance(std::chrono::seconds by) { m_seconds.fetch_add(by.count()); }

private:
    static long long toSeconds(TimePoint t) {
        return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
    }

    std::atomic<long long> m_seconds;
};

} // namespace spyglass::certs
