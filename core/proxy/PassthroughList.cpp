#include "core/proxy/PassthroughList.h"

#include <QMutexLocker>
#include <algorithm>

namespace spyglass::core::proxy {

namespace {

// The same spelling rules as InterceptPattern::matches: any case, IPv6
// brackets and one trailing dot do not make another host.
QByteArray normaliseHost(QByteArrayView host) {
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
        host = host.sliced(1, host.size() - 2);
    if (host.endsWith('.'))
        host.chop(1);
    return host.toByteArray().toLower();
}

} // namespace

PassthroughList::PassthroughList(qsizetype capacity)
    : m_capacity(std::max<qsizetype>(1, capacity)) {}

void PassthroughList::add(const QByteArray& host, qint64 nowUs, QString reason) {
    QByteArray key = normaliseHost(host);
    if (key.isEmpty())
        return;
    QMutexLocker locker(&m_mutex);
    if (auto it = m_slots.find(key); it != m_slots.end()) {
        m_order.erase(it->sequence);
        m_slots.erase(it);
    }
    // Entries are added with one duration, so the oldest addition expires
    // first: drop expired ones from the front, then make room if still full.
    while (!m_order.empty() && m_slots.constFind(m_order.begin()->second)->untilUs <= nowUs)
        dropOldestLocked();
    while (m_slots.size() >= m_capacity)
        dropOldestLocked();
    const quint64 sequence = m_nextSequence++;
    m_order.emplace(sequence, key);
    m_slots.insert(key, Slot{nowUs + kDurationUs, std::move(reason), sequence});
}

bool PassthroughList::contains(QByteArrayView host, qint64 nowUs) const {
    const QByteArray key = normaliseHost(host);
    QMutexLocker locker(&m_mutex);
    const auto it = m_slots.constFind(key);
    return it != m_slots.cend() && nowUs < it->untilUs;
}

QList<PassthroughList::Entry> PassthroughList::entries(qint64 nowUs) const {
    QMutexLocker locker(&m_mutex);
    QList<Entry> out;
    out.reserve(m_slots.size());
    for (const auto& [sequence, host] : m_order) {
        const Slot& slot = *m_slots.constFind(host);
        if (nowUs < slot.untilUs)
            out.append(Entry{host, slot.untilUs, slot.reason});
    }
    return out;
}

bool PassthroughList::remove(QByteArrayView host) {
    const QByteArray key = normaliseHost(host);
    QMutexLocker locker(&m_mutex);
    const auto it = m_slots.find(key);
    if (it == m_slots.end())
        return false;
    m_order.erase(it->sequence);
    m_slots.erase(it);
    return true;
}

void PassthroughList::clear() {
    QMutexLocker locker(&m_mutex);
    m_slots.clear();
    m_order.clear();
}

qsizetype PassthroughList::size() const {
    QMutexLocker locker(&m_mutex);
    return m_slots.size();
}

void PassthroughList::dropOldestLocked() {
    const auto oldest = m_order.begin();
    m_slots.remove(oldest->second);
    m_order.erase(oldest);
}

} // namespace spyglass::core::proxy
