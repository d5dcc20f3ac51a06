#pragma once

#include "QueuedRecord.h"
#include "StoreResult.h"

#include <QByteArray>
#include <QByteArrayView>

namespace spyglass::core::store {

// The bytes of one QueuedRecord in the writer's spool (docs/architecture.md,
// "Recording"): the writer appends records here when applying them to SQLite
// would take CPU from traffic, and applies them later, so the encoding must
// give back exactly what went in and cost little (well under a microsecond
// per record plus a copy of its bytes).
//
// Layout, version 1: a format byte (1), the event's variant index (one
// byte), the event's fields in declaration order, then both BodyFates and
// `damaged`. Integers are fixed-width little-endian; enums and bools are
// one byte; byte strings are a u32 length and the bytes; a QString is its
// UTF-8 as a byte string; a QList<QByteArray> is a u32 count and its items.
// A null and an empty QByteArray encode alike (the store binds both as ''),
// and a lone surrogate in a QString, which UTF-8 cannot carry, comes back
// as U+FFFD.
// The caller frames records (lengths, checksums); a record is not
// self-delimiting on purpose.

// Appends the encoding of `record` to `out` (no framing, no length prefix of
// the whole). `out` grows at most once per call, geometrically, so appending
// many records costs amortised copies only. Every byte string must be
// shorter than 4 GiB (queued chunks are far smaller).
void encodeRecord(const QueuedRecord& record, QByteArray& out);

// Decodes one record that occupies all of `bytes`. Malformed input (unknown
// variant tag or enum value, a length past the end, trailing bytes, a
// negative size) is an Error with a readable message, never a crash or UB.
// Every length is unsigned, so a "negative" one (0xFFFFFFFF) is simply
// longer than the bytes that are left.
Result<QueuedRecord> decodeRecord(QByteArrayView bytes);

} // namespace spyglass::core::store
