// SessionReader::orderedIds: the id vectors behind the GUI's exchange list
// (sorted in SQL, filtered, restricted to one host, or only what is new).
#include "SessionReader.h"

namespace spyglass::core::store {

namespace {

QByteArray orderedIdsSql(const IdQuery& query) {
    QByteArray sql = "SELECT e.id FROM exchanges e WHERE e.id > ? AND e.id <= ?";
    if (query.filter && query.filter->where != "1")
        sql += " AND (" + query.filter->where + ')';
    if (!query.exactHost.isEmpty())
        sql += " AND e.host = ?";
    const QByteArray direction = query.descending ? " DESC" : "";
    sql += " ORDER BY ";
    // Ties keep id order, so equal keys list in arrival order and a
    // repeated sort gives the same vector. (host, id) and (status, id) walk
    // their indexes, which hold the rowid.
    if (query.column != ListColumn::Id)
        sql += "e." + QByteArray(listColumnSql(query.column).name) + direction + ", ";
    sql += "e.id" + direction;
    return sql;
}

} // namespace

Result<OrderedIds> SessionReader::orderedIds(const IdQuery& query) {
    // The bound first, in its own statement: rows committed while the main
    // query runs are above it and come with the next call.
    auto bound = m_db->cached("SELECT coalesce(max(id), 0) FROM exchanges");
    if (!bound)
        return bound.error();
    if (bound->step() != SqliteStatement::Step::Row)
        return bound->error(QStringLiteral("cannot read exchange ids"));
    OrderedIds result;
    result.maxId = bound->int64(0);
    bound->reset();
    const qint64 upTo = std::min(query.upToId, result.maxId);
    if (upTo <= query.afterId)
        return result;

    auto statement = m_db->cached(orderedIdsSql(query));
    if (!statement)
        return statement.error();
    int index = 1;
    statement->bind(index++, query.afterId);
    statement->bind(index++, upTo);
    if (query.filter && query.filter->where != "1") {
        for (const auto& value : query.filter->binds) {
            if (const auto* number = std::get_if<qint64>(&value))
                statement->bind(index, *number);
            else
                statement->bindText(index, QByteArrayView(std::get<QByteArray>(value)));
            ++index;
        }
    }
    if (!query.exactHost.isEmpty())
        statement->bindText(index++, QByteArrayView(query.exactHost));
    for (;;) {
        switch (statement->step()) {
        case SqliteStatement::Step::Row:
            result.ids.append(statement->int64(0));
            continue;
        case SqliteStatement::Step::Done:
            return result;
        case SqliteStatement::Step::Error:
            return statement->error(QStringLiteral("cannot read exchange ids"));
        }
    }
}

} // namespace spyglass::core::store
