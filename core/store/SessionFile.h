#pragma once

#include "SqliteConnection.h"
#include "StoreResult.h"

#include <QDateTime>
#include <QString>
#include <memory>

namespace spyglass::core::store {

// Opening session files (`.spyglass`): one SQLite file per capture, mode
// 0600 because it holds decrypted traffic, WAL so that readers (the GUI,
// `spyglass-cli list`) run beside the writer, migrated to the current
// format on open. See docs/session-format.md.
class SessionFile {
public:
    enum class Durability {
        Normal, // synchronous=NORMAL: survives a crash of Spyglass; a power
                // loss may cost the last commits
        Full,   // synchronous=FULL ("durable capture"): every commit is fsync'd
    };

    static constexpr int kFileMode = 0600;
    static constexpr int kDirectoryMode = 0700;
    static constexpr const char* kSuffix = ".spyglass";

    // Creates the file (0600) if missing, tightens an existing one's mode to
    // 0600, and checks without SQLite that it can be a session (a regular
    // file; empty, or an SQLite file that is not another program's or of a
    // newer format: SessionHeader). Cheap: no SQLite page is touched.
    [[nodiscard]] static Status prepareForWriting(const QString& path);
    // prepareForWriting(), then opens the session and migrates it. For the
    // writer thread.
    static Result<std::unique_ptr<SqliteConnection>> openForWriting(const QString& path,
                                                                    Durability durability);
    // A read-only connection (queries, export). A session of an older format
    // is upgraded first when the file is writable. An empty file (a lazy
    // writer that has recorded nothing yet) is refused with a clear message.
    static Result<std::unique_ptr<SqliteConnection>> openForReading(const QString& path);
    // Exchanges left 'open' by a recorder that stopped (killed, or paused by
    // a storage error) can never finish: they become 'incomplete'.
    [[nodiscard]] static Status markOpenExchangesIncomplete(SqliteConnection& db);

    // <app data>/sessions, e.g. ~/.local/share/Spyglass/sessions. Needs the
    // QCoreApplication's name set ("Spyglass").
    static QString defaultDirectory();
    // Creates the default directory (0700) if needed and returns a path for a
    // new session file named after `now` ("20250101-120000.spyglass"), not
    // yet existing.
    static Result<QString> newDefaultPath(const QDateTime& now);

    // "Save as": a compacted, consistent copy of `source` (VACUUM INTO a
    // 0600 temporary beside `destination`, then rename over it).
    static Status saveAs(const QString& source, const QString& destination);
};

} // namespace spyglass::core::store
