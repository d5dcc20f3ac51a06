#pragma once

#include "RecordEvents.h"

#include <atomic>

namespace spyglass::core::record {

// Hands out exchange ids unique within one proxy run; shared by every
// session of a ProxyServer (and by its worker threads, hence atomic).
class ExchangeIdSource {
public:
    ExchangeId next() { return m_last.fetch_add(1, std::memory_order_relaxed) + 1; }

private:
    std::atomic<ExchangeId> m_last{0};
};

} // namespace spyglass::core::record
