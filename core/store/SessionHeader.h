#pragma once

#include "StoreResult.h"

#include <QByteArrayView>
#include <QString>

namespace spyglass::core::store {

// The first bytes of a session file read without SQLite: a lazily opened
// writer (WriterOptions::openOnFirstRecord) uses them to refuse a file that
// can never be a session before any traffic flows, without paying for
// SQLite's pages in an idle proxy. The errors say exactly what
// SessionSchema::migrate says for the same file, so both paths read alike
// (a test compares them).
//
// SQLite's file header (https://www.sqlite.org/fileformat.html §1.3): the
// 16-byte magic "SQLite format 3\0", user_version as a big-endian u32 at
// offset 60, application_id at 68; page 1's b-tree page header follows at
// offset 100 (its type, and its cell count at 103).
class SessionHeader {
public:
    // Bytes to read from the start of the file: the database header and
    // page 1's b-tree page header.
    static constexpr int kPeekBytes = 108;

    // `firstBytes` are the file's first bytes (fewer when the file is
    // shorter; none when it is empty, which is fine: a new session).
    // `current` says the header is up to date: no WAL or rollback journal
    // beside the file that could still change page 1. Only then is an
    // unmarked (application_id 0) SQLite file with content refused here;
    // other doubtful cases are left to the real open.
    [[nodiscard]] static Status check(QByteArrayView firstBytes, const QString& path, bool current);

    // The texts shared with the SQLite checks.
    [[nodiscard]] static QString notSqliteError(const QString& path);
    [[nodiscard]] static QString foreignDatabaseError(const QString& path);
    [[nodiscard]] static QString newerFormatError(const QString& path, int version, int newest);
};

} // namespace spyglass::core::store
