#pragma once

#include "StoreResult.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

struct sqlite3_stmt;

namespace spyglass::core::store {

class SqliteConnection;

// A prepared statement. Statements from SqliteConnection::cached() are
// borrowed: the destructor only resets them (which also ends the implicit
// read transaction a SELECT holds, so a reader never pins an old WAL
// snapshot); statements from prepare() are owned and finalized.
class SqliteStatement {
public:
    enum class Step { Row, Done, Error };

    SqliteStatement(SqliteConnection& connection, sqlite3_stmt* statement, bool owned);
    ~SqliteStatement();
    SqliteStatement(SqliteStatement&& other) noexcept;
    SqliteStatement& operator=(SqliteStatement&&) = delete;
    SqliteStatement(const SqliteStatement&) = delete;
    SqliteStatement& operator=(const SqliteStatement&) = delete;

    // Parameters are 1-based, as in SQLite. Text and blobs are copied
    // (SQLITE_TRANSIENT) except bindBlobNoCopy, whose bytes must stay alive
    // until the statement is reset.
    void bind(int index, qint64 value);
    void bind(int index, double value);
    void bindText(int index, QByteArrayView utf8);
    void bindText(int index, const QString& text);
    void bindBlob(int index, QByteArrayView bytes);
    void bindBlobNoCopy(int index, QByteArrayView bytes);
    void bindNull(int index);

    [[nodiscard]] Step step();
    // Steps a statement that returns no rows, then resets it.
    [[nodiscard]] Status run(const char* what);
    void reset();

    [[nodiscard]] qint64 int64(int column) const;
    [[nodiscard]] double real(int column) const;
    [[nodiscard]] bool isNull(int column) const;
    // Column bytes (text or blob), copied.
    [[nodiscard]] QByteArray bytes(int column) const;
    [[nodiscard]] QString text(int column) const;
    [[nodiscard]] int columnCount() const;

    // "what: <SQLite's message>"; call right after a failed step().
    [[nodiscard]] Error error(const QString& what) const;

private:
    SqliteConnection* m_connection;
    sqlite3_stmt* m_statement;
    bool m_owned;
};

} // namespace spyglass::core::store
