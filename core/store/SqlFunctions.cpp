#include "SqlFunctions.h"

#include "BodyParts.h"
#include "ContentDecoder.h"
#include "HeadText.h"

#include <sqlite3.h>

namespace spyglass::core::store {

namespace {

QByteArrayView argBytes(sqlite3_value* value) {
    const void* data = sqlite3_value_blob(value);
    const int size = sqlite3_value_bytes(value);
    return data ? QByteArrayView(static_cast<const char*>(data), size) : QByteArrayView();
}

void headerMatch(sqlite3_context* context, int, sqlite3_value** argv) {
    const HeadText head = HeadText::parse(argBytes(argv[0]));
    const QByteArrayView name = argBytes(argv[1]);
    const QByteArray value = argBytes(argv[2]).toByteArray().toLower();
    for (const HeadField& field : head.fields()) {
        if (field.name.compare(name, Qt::CaseInsensitive) == 0 &&
            (value.isEmpty() || field.value.toLower().contains(value))) {
            sqlite3_result_int(context, 1);
            return;
        }
    }
    sqlite3_result_int(context, 0);
}

// Searches one decoded body for `needle`, carrying the last needle-1 bytes
// across pieces so a match split between two parts is found.
bool searchBody(sqlite3* db, qint64 id, QByteArrayView direction, QByteArrayView encoding,
                const QByteArray& needle, bool* failed) {
    DecodeLimits limits;
    limits.maxOutput = SqlFunctions::kBodyScanBytes;
    ContentDecoder decoder(encoding, limits);
    if (decoder.outcome() == ContentDecoder::Outcome::Unsupported)
        return false;
    QByteArray window;
    bool found = false;
    const ContentDecoder::Sink sink = [&](QByteArrayView piece) {
        window += piece.toByteArray().toLower();
        if (window.contains(needle)) {
            found = true;
            return false;
        }
        window = window.right(needle.size() - 1);
        return true;
    };
    const Status read = BodyParts::read(
        db, id, direction, [&](QByteArrayView part) { return decoder.feed(part, sink); });
    if (!read)
        *failed = true;
    return found;
}

void bodyContains(sqlite3_context* context, int, sqlite3_value** argv) {
    sqlite3* db = sqlite3_context_db_handle(context);
    const qint64 id = sqlite3_value_int64(argv[0]);
    const QByteArrayView direction = argBytes(argv[1]);
    const QByteArray needle = argBytes(argv[2]).toByteArray().toLower();
    if (needle.isEmpty()) {
        sqlite3_result_int(context, 1);
        return;
    }
    sqlite3_stmt* statement = nullptr;
    const char* sql = "SELECT direction, content_encoding FROM bodies WHERE exchange_id = ?1 "
                      "AND (?2 = '' OR direction = ?2) AND stored > 0";
    if (sqlite3_prepare_v2(db, sql, -1, &statement, nullptr) != SQLITE_OK) {
        sqlite3_result_error(context, sqlite3_errmsg(db), -1);
        return;
    }
    sqlite3_bind_int64(statement, 1, id);
    sqlite3_bind_text(statement, 2, direction.data() ? direction.data() : "",
                      static_cast<int>(direction.size()), SQLITE_TRANSIENT);
    bool found = false;
    bool failed = false;
    while (!found && !failed && sqlite3_step(statement) == SQLITE_ROW) {
        const QByteArray dir(reinterpret_cast<const char*>(sqlite3_column_text(statement, 0)),
                             sqlite3_column_bytes(statement, 0));
        const QByteArray encoding(reinterpret_cast<const char*>(sqlite3_column_text(statement, 1)),
                                  sqlite3_column_bytes(statement, 1));
        found = searchBody(db, id, dir, encoding, needle, &failed);
    }
    sqlite3_finalize(statement);
    if (failed) {
        // Interrupted (the user cancelled) or unreadable: fail the query.
        sqlite3_result_error(context, sqlite3_errmsg(db), -1);
        return;
    }
    sqlite3_result_int(context, found ? 1 : 0);
}

} // namespace

Status SqlFunctions::registerAll(sqlite3* db) {
    const int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC;
    if (sqlite3_create_function_v2(db, "sg_header_match", 3, flags | SQLITE_INNOCUOUS, nullptr,
                                   headerMatch, nullptr, nullptr, nullptr) != SQLITE_OK ||
        sqlite3_create_function_v2(db, "sg_body_contains", 3, SQLITE_UTF8, nullptr, bodyContains,
                                   nullptr, nullptr, nullptr) != SQLITE_OK)
        return Error{QStringLiteral("cannot register filter functions: %1")
                         .arg(QString::fromUtf8(sqlite3_errmsg(db)))};
    return {};
}

} // namespace spyglass::core::store
