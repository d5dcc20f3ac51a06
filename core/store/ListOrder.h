#pragma once

#include "FilterCompiler.h"

#include <QByteArray>
#include <QList>
#include <limits>

namespace spyglass::core::store {

// A column of the list table the GUI can sort by. Id, host and status use
// an index; the others are sorted by SQLite (on the GUI's query thread).
enum class ListColumn {
    Id,
    Start,
    Duration,
    Mode,
    Method,
    Host,
    Path,
    StatusCode,
    ContentType,
    RequestSize,
    ResponseSize,
    TlsVersion,
    ErrorText,
};

// Which ids SessionReader::orderedIds returns, and in what order.
struct IdQuery {
    const FilterSql* filter = nullptr; // null = all
    QByteArray exactHost;              // non-empty: only this host (the host list's selection)
    ListColumn column = ListColumn::Id;
    bool descending = false;
    // Only ids in (afterId, upToId]: a live view asks for what arrived
    // after the last id it knows.
    qint64 afterId = 0;
    qint64 upToId = std::numeric_limits<qint64>::max();
};

struct OrderedIds {
    QList<qint64> ids;
    // The largest id in the whole table when the query ran (whatever the
    // filter): rows above it were not considered, so a live view asks for
    // ids after it next time.
    qint64 maxId = 0;
};

} // namespace spyglass::core::store
