#pragma once

#include "StoreResult.h"

#include <span>

namespace spyglass::core::store {

class SqliteConnection;

// One step of the session format: the SQL that takes a file from
// `version - 1` to `version`. Steps are append-only: once released, a
// step's SQL never changes (a test opens a frozen file of every earlier
// version), so fixes go into a new step.
struct Migration {
    int version;
    const char* sql;
};

// The session file's schema (docs/session-format.md) and its migrations,
// tracked with PRAGMA user_version; PRAGMA application_id marks the file
// as a Spyglass session so we never "migrate" somebody else's database.
class SessionSchema {
public:
    static constexpr int kCurrentVersion = 3;
    static constexpr int kApplicationId = 0x53707967; // "Spyg"

    static std::span<const Migration> migrations();

    // Brings a read-write connection up to the last step of `steps`, in one
    // transaction: a failure leaves the file as it was. Refuses files of a
    // newer version and SQLite files that are not sessions.
    [[nodiscard]] static Status migrate(SqliteConnection& connection,
                                        std::span<const Migration> steps = migrations());
    // For read-only connections: the file's format version, or an error when
    // it is not a session this build can read (empty, foreign, newer).
    [[nodiscard]] static Result<int> readableVersion(SqliteConnection& connection);
};

} // namespace spyglass::core::store
