#include "RowCache.h"

namespace spyglass::ui {

using core::store::ListRow;

namespace {

bool sameRow(const ListRow& a, const ListRow& b) {
    // The fields a live exchange changes as it ends.
    return a.state == b.state && a.status == b.status && a.durationUs == b.durationUs &&
           a.responseSize == b.responseSize && a.requestSize == b.requestSize &&
           a.error == b.error && a.contentType == b.contentType && a.tlsVersion == b.tlsVersion &&
           a.mode == b.mode;
}

} // namespace

bool RowCache::insert(const ListRow& row) {
    auto it = m_rows.find(row.id);
    if (it != m_rows.end()) {
        const bool changed = !sameRow(it.value(), row);
        it.value() = row;
        return changed;
    }
    m_rows.insert(row.id, row);
    m_order.push_back(row.id);
    while (m_order.size() > static_cast<std::size_t>(m_capacity)) {
        m_rows.remove(m_order.front());
        m_order.pop_front();
    }
    return true;
}

void RowCache::clear() {
    m_rows.clear();
    m_order.clear();
}

QList<qint64> RowCache::openIds(int limit) const {
    QList<qint64> ids;
    for (auto it = m_rows.constBegin(); it != m_rows.constEnd() && ids.size() < limit; ++it) {
        if (it.value().state == ListRow::State::Open)
            ids.append(it.key());
    }
    return ids;
}

} // namespace spyglass::ui
