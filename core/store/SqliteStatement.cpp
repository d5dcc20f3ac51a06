#include "SqliteStatement.h"

#include "SqliteConnection.h"

#include <sqlite3.h>

namespace spyglass::core::store {

SqliteStatement::SqliteStatement(SqliteConnection& connection, sqlite3_stmt* statement, bool owned)
    : m_connection(&connection)
    , m_statement(statement)
    , m_owned(owned) {}

SqliteStatement::~SqliteStatement() {
    if (!m_statement)
        return;
    if (m_owned) {
        sqlite3_finalize(m_statement);
    } else {
        sqlite3_reset(m_statement);
        sqlite3_clear_bindings(m_statement);
    }
}

SqliteStatement::SqliteStatement(SqliteStatement&& other) noexcept
    : m_connection(other.m_connection)
    , m_statement(other.m_statement)
    , m_owned(other.m_owned) {
    other.m_statement = nullptr;
}

void SqliteStatement::bind(int index, qint64 value) {
    sqlite3_bind_int64(m_statement, index, value);
}

void SqliteStatement::bind(int index, double value) {
    sqlite3_bind_double(m_statement, index, value);
}

void SqliteStatement::bindText(int index, QByteArrayView utf8) {
    // A null view would bind NULL; the schema wants '' for "none".
    sqlite3_bind_text64(m_statement, index, utf8.data() ? utf8.data() : "",
                        static_cast<sqlite3_uint64>(utf8.size()), SQLITE_TRANSIENT, SQLITE_UTF8);
}

void SqliteStatement::bindText(int index, const QString& text) {
    bindText(index, QByteArrayView(text.toUtf8()));
}

void SqliteStatement::bindBlob(int index, QByteArrayView bytes) {
    sqlite3_bind_blob64(m_statement, index, bytes.data() ? bytes.data() : "",
                        static_cast<sqlite3_uint64>(bytes.size()), SQLITE_TRANSIENT);
}

void SqliteStatement::bindBlobNoCopy(int index, QByteArrayView bytes) {
    sqlite3_bind_blob64(m_statement, index, bytes.data() ? bytes.data() : "",
                        static_cast<sqlite3_uint64>(bytes.size()), SQLITE_STATIC);
}

void SqliteStatement::bindNull(int index) {
    sqlite3_bind_null(m_statement, index);
}

SqliteStatement::Step SqliteStatement::step() {
    const int rc = sqlite3_step(m_statement);
    if (rc == SQLITE_ROW)
        return Step::Row;
    if (rc == SQLITE_DONE)
        return Step::Done;
    m_connection->noteError(rc);
    return Step::Error;
}

Status SqliteStatement::run(const char* what) {
    const Step result = step();
    if (result == Step::Error) {
        Error failure = error(QString::fromUtf8(what));
        reset();
        return failure;
    }
    reset();
    return {};
}

void SqliteStatement::reset() {
    sqlite3_reset(m_statement);
    sqlite3_clear_bindings(m_statement);
}

qint64 SqliteStatement::int64(int column) const {
    return sqlite3_column_int64(m_statement, column);
}

double SqliteStatement::real(int column) const {
    return sqlite3_column_double(m_statement, column);
}

bool SqliteStatement::isNull(int column) const {
    return sqlite3_column_type(m_statement, column) == SQLITE_NULL;
}

QByteArray SqliteStatement::bytes(int column) const {
    // sqlite3_column_blob first, then _bytes: the documented safe order.
    const void* data = sqlite3_column_blob(m_statement, column);
    const int size = sqlite3_column_bytes(m_statement, column);
    if (!data || size <= 0)
        return QByteArray("");
    return QByteArray(static_cast<const char*>(data), size);
}

QString SqliteStatement::text(int column) const {
    return QString::fromUtf8(bytes(column));
}

int SqliteStatement::columnCount() const {
    return sqlite3_column_count(m_statement);
}

Error SqliteStatement::error(const QString& what) const {
    return m_connection->error(what);
}

} // namespace spyglass::core::store
