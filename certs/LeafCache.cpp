#include "certs/LeafCache.h"

namespace spyglass::certs {

LeafCache::LeafCache(std::shared_ptr<const LeafMinter> minter, std::shared_ptr<const Clock> clock,
                     std::size_t capacity)
    : m_minter(std::move(minter))
    , m_clock(std::move(clock))
    , m_capacity(capacity == 0 ? 1 : capacity) {}

bool LeafCache::fresh(const Leaf& leaf, Clock::TimePoint now) const {
    return now >= leaf.notBefore() && now < leaf.notAfter() - kRenewBefore;
}

Result<std::shared_ptr<const Leaf>> LeafCache::get(const QString& host) {
    // Fast path: a string equal to a key is that key's normal form already
    // (HostName::parse is idempotent), so the IDNA work is only done for
    // names not cached yet or not in normal form.
    {
        const Clock::TimePoint now = m_clock->now();
        std::lock_guard lock(m_mutex);
        if (auto it = m_index.find(host); it != m_index.end() && fresh(*it.value()->second, now)) {
            m_order.splice(m_order.begin(), m_order, it.value());
            ++m_stats.hits;
            return it.value()->second;
        }
    }
    auto name = HostName::parse(host);
    if (!name)
        return name.error();
    return get(name.value());
}

Result<std::shared_ptr<const Leaf>> LeafCache::get(const HostName& name) {
    const Clock::TimePoint now = m_clock->now();
    bool renewing = false;
    {
        std::lock_guard lock(m_mutex);
        if (auto it = m_index.find(name.text()); it != m_index.end()) {
            if (fresh(*it.value()->second, now)) {
                m_order.splice(m_order.begin(), m_order, it.value());
                ++m_stats.hits;
                return it.value()->second;
            }
            renewing = true;
        }
    }

    auto minted = m_minter->mint(name, now);
    if (!minted)
        return minted.error();

    std::lock_guard lock(m_mutex);
    ++m_stats.mints;
    if (renewing)
        ++m_stats.renewals;
    if (auto it = m_index.find(name.text()); it != m_index.end()) {
        it.value()->second = minted.value();
        m_order.splice(m_order.begin(), m_order, it.value());
    } else {
        m_order.emplace_front(name.text(), minted.value());
        m_index.insert(name.text(), m_order.begin());
        while (m_order.size() > m_capacity) {
            m_index.remove(m_order.back().first);
            m_order.pop_back();
            ++m_stats.evictions;
        }
    }
    return minted;
}

std::size_t LeafCache::size() const {
    std::lock_guard lock(m_mutex);
    return m_order.size();
}

LeafCache::Stats LeafCache::stats() const {
    std::lock_guard lock(m_mutex);
    return m_stats;
}

void LeafCache::clear() {
    std::lock_guard lock(m_mutex);
    m_order.clear();
    m_index.clear();
}

} // namespace spyglass::certs
