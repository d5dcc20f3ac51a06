#pragma once

#include "core/store/ListRow.h"

#include <QHash>
#include <QList>
#include <deque>

namespace spyglass::ui {

// The exchange list's bounded cell cache: list rows by id, the oldest
// fetched dropped first once `capacity` is reached. Keyed by id, not by
// position, so a re-sort or rows inserted above keep what was fetched.
class RowCache {
public:
    explicit RowCache(int capacity)
        : m_capacity(capacity) {}

    [[nodiscard]] const core::store::ListRow* find(qint64 id) const {
        auto it = m_rows.constFind(id);
        return it == m_rows.constEnd() ? nullptr : &it.value();
    }
    // Adds or refreshes a row; returns whether a cached row changed.
    bool insert(const core::store::ListRow& row);
    void clear();
    // Ids of cached rows still in flight (state Open), at most `limit`: the
    // live view re-reads them to show their end.
    [[nodiscard]] QList<qint64> openIds(int limit) const;
    [[nodiscard]] int size() const { return static_cast<int>(m_rows.size()); }
    [[nodiscard]] int capacity() const { return m_capacity; }

private:
    int m_capacity;
    QHash<qint64, core::store::ListRow> m_rows;
    std::deque<qint64> m_order; // insertion order, for eviction
};

} // namespace spyglass::ui
