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

// The list table's column behind each ListColumn, and whether it holds
// TEXT (SQLite orders it by bytes) or INTEGER. One table for the SQL sort
// (SessionReaderOrdered.cpp) and the live placement that must agree with
// it (SessionReaderLive.cpp). Names come only from here, never from input.
struct ListColumnSql {
    const char* name;
    bool text;
};

inline ListColumnSql listColumnSql(ListColumn column) {
    switch (column) {
    case ListColumn::Id:
        return {"id", false};
    case ListColumn::Start:
        return {"start_us", false};
    case ListColumn::Duration:
        return {"duration_us", false};
    case ListColumn::Mode:
        return {"mode", true};
    case ListColumn::Method:
        return {"method", true};
    case ListColumn::Host:
        return {"host", true};
    case ListColumn::Path:
        return {"path", true};
    case ListColumn::StatusCode:
        return {"status", false};
    case ListColumn::ContentType:
        return {"content_type", true};
    case ListColumn::RequestSize:
        return {"request_size", false};
    case ListColumn::ResponseSize:
        return {"response_size", false};
    case ListColumn::TlsVersion:
        return {"tls_version", true};
    case ListColumn::ErrorText:
        return {"error", true};
    }
    return {"id", false};
}

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
