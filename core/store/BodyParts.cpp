#include "BodyParts.h"

#include <sqlite3.h>

namespace spyglass::core::store {

Status BodyParts::read(sqlite3* db, qint64 exchangeId, QByteArrayView direction, const Sink& sink) {
    static constexpr char kSql[] =
        "SELECT data FROM body_parts WHERE exchange_id = ?1 AND direction = ?2 ORDER BY seq";
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db, kSql, -1, &statement, nullptr) != SQLITE_OK)
        return Error{
            QStringLiteral("cannot read a body: %1").arg(QString::fromUtf8(sqlite3_errmsg(db)))};
    sqlite3_bind_int64(statement, 1, exchangeId);
    sqlite3_bind_text(statement, 2, direction.data(), static_cast<int>(direction.size()),
                      SQLITE_TRANSIENT);
    int rc = SQLITE_ROW;
    while ((rc = sqlite3_step(statement)) == SQLITE_ROW) {
        const void* data = sqlite3_column_blob(statement, 0);
        const int size = sqlite3_column_bytes(statement, 0);
        if (size > 0 && !sink(QByteArrayView(static_cast<const char*>(data), size))) {
            rc = SQLITE_DONE;
            break;
        }
    }
    Status result;
    if (rc != SQLITE_DONE)
        result = Error{
            QStringLiteral("cannot read a body: %1").arg(QString::fromUtf8(sqlite3_errmsg(db)))};
    sqlite3_finalize(statement);
    return result;
}

} // namespace spyglass::core::store
