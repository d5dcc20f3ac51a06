#pragma once

#include "StoreResult.h"

struct sqlite3;

namespace spyglass::core::store {

// SQL functions the compiled filters call, registered on each read
// connection:
//   sg_header_match(raw_head, name, value)  1 when the head has a field
//       `name` (case-insensitive) whose value contains `value` (ASCII
//       case-insensitive; "" = any value).
//   sg_body_contains(exchange_id, direction, needle)  1 when the decoded
//       body ('request', 'response' or '' for either) contains `needle`
//       (ASCII case-insensitive). Bounded: at most kBodyScanBytes of
//       decoded content per body are searched.
class SqlFunctions {
public:
    static constexpr qint64 kBodyScanBytes = 8 << 20;

    static Status registerAll(sqlite3* db);
};

} // namespace spyglass::core::store
