#pragma once

#include "ListOrder.h"

#include <QByteArray>
#include <QList>

namespace spyglass::core::store {

// What a live list needs besides its ids (SessionReader::liveIds): the
// answer to an IdQuery plus, read in the same snapshot, the exchanges still
// in flight that do not match yet. A filter such as `status:5xx` cannot
// match an exchange before its response, so the list asks again for those
// ids on its next poll.
struct LiveIds {
    OrderedIds ordered;          // orderedIds(query)
    QList<qint64> lateMatches;   // ids of `recheck` that match now, ascending
    QList<qint64> openUnmatched; // in flight, not matching: recheck next time, ascending
    qint64 counted = 0;          // exchanges in (countAfter, ordered.maxId], whatever the filter
};

// Where a row goes in a list sorted by SessionReader::orderedIds: it is
// inserted before row `before` of the list as it was given (rows placed
// before the same row keep the order of the list of placements).
struct Placement {
    qint64 id = 0;
    qsizetype before = 0;
};

// A (host, port) pair seen in a session, and whether it was plain HTTP
// (forwarded without CONNECT, so no intercept rule applies to it).
struct HostPort {
    QByteArray host;
    quint16 port = 0;
    bool plainHttp = false;

    friend bool operator==(const HostPort&, const HostPort&) = default;
};

} // namespace spyglass::core::store
