#pragma once

#include "certs/Clock.h"
#include "certs/Leaf.h"
#include "certs/LeafMinter.h"
#include "certs/Result.h"

#include <QHash>
#include <QString>
#include <chrono>
#include <list>
#include <memory>
#include <mutex>

namespace spyglass::certs {

// A bounded, thread-safe LRU of minted leaves keyed by the normalised host
// name (HostName::text()), so "Example.COM.", "example.com" and "EXAMPLE.com"
// share one entry. An entry within kRenewBefore of its notAfter (or whose
// notBefore lies in the future after a clock jump) is re-minted. Minting runs
// outside the lock: a slow mint never blocks lookups of other hosts; two
// threads missing the same host at once may both mint, and the later insert
// wins (both leaves are valid).
class LeafCache {
public:
    static constexpr std::size_t kDefaultCapacity = 1000;
    static constexpr auto kRenewBefore = std::chrono::days(2);

    struct Stats {
        std::size_t hits = 0;
        std::size_t mints = 0;
        std::size_t evictions = 0;
        std::size_t renewals = 0; // mints that replaced an entry near expiry
    };

    LeafCache(std::shared_ptr<const LeafMinter> minter, std::shared_ptr<const Clock> clock,
              std::size_t capacity = kDefaultCapacity);

    Result<std::shared_ptr<const Leaf>> get(const QString& host);
    Result<std::shared_ptr<const Leaf>> get(const HostName& name);

    std::size_t size() const;
    std::size_t capacity() const noexcept { return m_capacity; }
    Stats stats() const;
    void clear();

private:
    using Entry = std::pair<QString, std::shared_ptr<const Leaf>>;
    using Order = std::list<Entry>; // front = most recently used

    bool fresh(const Leaf& leaf, Clock::TimePoint now) const;

    const std::shared_ptr<const LeafMinter> m_minter;
    const std::shared_ptr<const Clock> m_clock;
    const std::size_t m_capacity;

    mutable std::mutex m_mutex;
    Order m_order;
    QHash<QString, Order::iterator> m_index;
    Stats m_stats;
};

} // namespace spyglass::certs
