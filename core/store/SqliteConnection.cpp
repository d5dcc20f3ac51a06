#include "SqliteConnection.h"

#include <sqlite3.h>

namespace spyglass::core::store {

namespace {

// The writer is the only writer, so waiting happens only while a reader
// recovers the WAL after a crash or a checkpoint holds a lock briefly.
constexpr int kBusyTimeoutMs = 5000;

} // namespace

Result<std::unique_ptr<SqliteConnection>> SqliteConnection::open(const QString& path,
                                                                 Access access) {
    sqlite3* db = nullptr;
    const int flags = (access == Access::ReadOnly ? SQLITE_OPEN_READONLY
                                                  : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
                      SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
    const QByteArray name = path.toUtf8();
    const int rc = sqlite3_open_v2(name.constData(), &db, flags, nullptr);
    if (rc != SQLITE_OK) {
        const QString message =
            db ? QString::fromUtf8(sqlite3_errmsg(db)) : QString::fromUtf8(sqlite3_errstr(rc));
        sqlite3_close_v2(db);
        return Error{QStringLiteral("cannot open %1: %2").arg(path, message)};
    }
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, kBusyTimeoutMs);
    return std::unique_ptr<SqliteConnection>(new SqliteConnection(db, path));
}

SqliteConnection::SqliteConnection(sqlite3* db, QString path)
    : m_db(db)
    , m_path(std::move(path)) {}

SqliteConnection::~SqliteConnection() {
    for (auto& [sql, statement] : m_cache)
        sqlite3_finalize(statement);
    sqlite3_close_v2(m_db);
}

Status SqliteConnection::exec(const char* sql) {
    char* message = nullptr;
    const int rc = sqlite3_exec(m_db, sql, nullptr, nullptr, &message);
    if (rc != SQLITE_OK) {
        m_lastErrorCode = rc;
        const QString text = QString::fromUtf8(message ? message : sqlite3_errstr(rc));
        sqlite3_free(message);
        return Error{text};
    }
    return {};
}

Result<SqliteStatement> SqliteConnection::cached(const QByteArray& sql) {
    const std::string key(sql.constData(), static_cast<std::size_t>(sql.size()));
    if (auto it = m_cache.find(key); it != m_cache.end())
        return SqliteStatement(*this, it->second, false);
    if (m_cache.size() >= kMaxCachedStatements) {
        for (auto& [text, statement] : m_cache)
            sqlite3_finalize(statement);
        m_cache.clear();
    }
    sqlite3_stmt* statement = nullptr;
    const int rc = sqlite3_prepare_v3(m_db, sql.constData(), static_cast<int>(sql.size()),
                                      SQLITE_PREPARE_PERSISTENT, &statement, nullptr);
    if (rc != SQLITE_OK) {
        m_lastErrorCode = rc;
        return error(QStringLiteral("cannot prepare \"%1\"").arg(QString::fromUtf8(sql)));
    }
    m_cache.emplace(key, statement);
    return SqliteStatement(*this, statement, false);
}

Result<SqliteStatement> SqliteConnection::prepare(const QByteArray& sql) {
    sqlite3_stmt* statement = nullptr;
    const int rc = sqlite3_prepare_v2(m_db, sql.constData(), static_cast<int>(sql.size()),
                                      &statement, nullptr);
    if (rc != SQLITE_OK) {
        m_lastErrorCode = rc;
        return error(QStringLiteral("cannot prepare \"%1\"").arg(QString::fromUtf8(sql)));
    }
    return SqliteStatement(*this, statement, true);
}

Result<qint64> SqliteConnection::queryInt(const QByteArray& sql) {
    auto statement = prepare(sql);
    if (!statement)
        return statement.error();
    switch (statement->step()) {
    case SqliteStatement::Step::Row:
        return statement->int64(0);
    case SqliteStatement::Step::Done:
        return qint64{0};
    case SqliteStatement::Step::Error:
        break;
    }
    return statement->error(QString::fromUtf8(sql));
}

qint64 SqliteConnection::lastInsertRowId() const {
    return sqlite3_last_insert_rowid(m_db);
}

int SqliteConnection::changes() const {
    return sqlite3_changes(m_db);
}

Error SqliteConnection::error(const QString& what) const {
    return Error{QStringLiteral("%1: %2").arg(what, QString::fromUtf8(sqlite3_errmsg(m_db)))};
}

void SqliteConnection::interrupt() {
    sqlite3_interrupt(m_db);
}

} // namespace spyglass::core::store
