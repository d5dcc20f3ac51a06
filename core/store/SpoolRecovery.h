#pragma once

#include "StoreResult.h"

#include <QString>

namespace spyglass::core::store {

class SqliteConnection;

// The spool's place in the session file: which spool (its random id) and
// the file offset up to which its records are in SQLite. Saved inside each
// transaction that applies spooled records, so a crash leaves the two in
// step: what the session holds, and where a replay must continue.
namespace spool_position {
[[nodiscard]] QString pathFor(const QString& sessionPath); // SESSION-spool
[[nodiscard]] Status save(SqliteConnection& db, quint64 spoolId, qint64 appliedOffset);
} // namespace spool_position

// After a crash (or SIGKILL) while records waited in the spool: applies
// those not yet in the session, inside transactions of its own, then
// removes the spool. Exchanges that were in flight at the last commit
// before the crash keep what was committed (they are swept 'incomplete');
// every exchange that began in the spool is recovered, whole if its end was
// spooled. No spool: nothing to do. A spool held by a running recorder is an
// error (the session is in use). Returns the records applied.
[[nodiscard]] Result<qint64> replayStaleSpool(SqliteConnection& db, const QString& sessionPath);

// For readers (`spyglass-cli list`, the inspector): when SESSION-spool was
// left by a recorder that is gone, opens the session for writing and
// replays it, so what was captured is shown. A spool a running recorder
// holds is its own business (its records arrive as it drains them): nothing
// is done. Returns the records applied.
[[nodiscard]] Result<qint64> recoverStaleSpool(const QString& sessionPath);

} // namespace spyglass::core::store
