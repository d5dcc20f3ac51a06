#pragma once

#include "StoreResult.h"

#include <QByteArray>
#include <QByteArrayView>
#include <functional>

struct sqlite3;

namespace spyglass::core::store {

// Reads a stored body (the concatenation of its body_parts rows in seq
// order) piece by piece, so a 16 MiB body never needs to be in memory
// whole. Takes the raw handle because SQL functions get only that.
class BodyParts {
public:
    // Returns false from the sink to stop early (not an error).
    using Sink = std::function<bool(QByteArrayView)>;

    static Status read(sqlite3* db, qint64 exchangeId, QByteArrayView direction, const Sink& sink);
};

} // namespace spyglass::core::store
