#pragma once

#include "SqliteStatement.h"
#include "StoreResult.h"

#include <QByteArray>
#include <QString>
#include <memory>
#include <string>
#include <unordered_map>

struct sqlite3;

namespace spyglass::core::store {

// One sqlite3 connection (the C API directly, not QtSql: the writer needs
// control over transactions, statement caching and error codes). Not thread
// safe, except interrupt(); each thread opens its own.
class SqliteConnection {
public:
    enum class Access { ReadWrite, ReadOnly };

    // ReadWrite creates the file when missing. The caller sets the file mode
    // first (SessionFile does), because SQLite creates files with 0644.
    static Result<std::unique_ptr<SqliteConnection>> open(const QString& path, Access access);
    ~SqliteConnection();
    SqliteConnection(const SqliteConnection&) = delete;
    SqliteConnection& operator=(const SqliteConnection&) = delete;

    // Runs one or more statements that return no rows we need.
    [[nodiscard]] Status exec(const char* sql);
    [[nodiscard]] Status exec(const QByteArray& sql) { return exec(sql.constData()); }
    // Prepared once per connection and reused; the returned statement is
    // reset when it goes out of scope. `sql` must be a string literal or
    // otherwise outlive nothing: the cache copies it.
    [[nodiscard]] Result<SqliteStatement> cached(const QByteArray& sql);
    // A statement of our own (finalized when it goes out of scope).
    [[nodiscard]] Result<SqliteStatement> prepare(const QByteArray& sql);

    // First column of the first row as an integer (PRAGMAs, counts).
    [[nodiscard]] Result<qint64> queryInt(const QByteArray& sql);

    [[nodiscard]] qint64 lastInsertRowId() const;
    [[nodiscard]] int changes() const;
    // The (extended) result code of the last failure noted by this wrapper.
    [[nodiscard]] int lastErrorCode() const { return m_lastErrorCode; }
    // "what: <SQLite's message>" for the connection's most recent error.
    [[nodiscard]] Error error(const QString& what) const;
    void noteError(int code) { m_lastErrorCode = code; }

    // Makes a running statement on this connection fail with SQLITE_INTERRUPT
    // (for a long filter scan the user cancelled). Callable from any thread.
    void interrupt();

    [[nodiscard]] sqlite3* handle() const { return m_db; }
    [[nodiscard]] const QString& path() const { return m_path; }

private:
    SqliteConnection(sqlite3* db, QString path);

    // Bounds the cache when callers prepare many distinct filter queries.
    static constexpr std::size_t kMaxCachedStatements = 128;

    sqlite3* m_db;
    QString m_path;
    int m_lastErrorCode = 0;
    std::unordered_map<std::string, struct sqlite3_stmt*> m_cache;
};

} // namespace spyglass::core::store
