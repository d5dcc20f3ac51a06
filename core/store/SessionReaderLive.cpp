// SessionReader's queries for a list that follows a live session: exchanges
// that start matching a filter after they were first seen (liveIds), where
// new rows go in a sorted list (placeInOrder) and which ports each host was
// reached on (hostPorts).
#include "SessionReader.h"

#include <QHash>
#include <algorithm>
#include <optional>

namespace spyglass::core::store {

namespace {

bool hasFilter(const IdQuery& query) {
    return (query.filter && query.filter->where != "1") || !query.exactHost.isEmpty();
}

// "1 when the row matches the query's filter and host" as SQL. coalesce: a
// comparison with a NULL column (duration while in flight) is "no match"
// here, so the row is asked about again rather than lost.
QByteArray matchExpression(const IdQuery& query) {
    QByteArray sql = "coalesce((";
    sql += query.filter && query.filter->where != "1" ? query.filter->where : QByteArray("1");
    sql += ")";
    if (!query.exactHost.isEmpty())
        sql += " AND e.host = ?";
    sql += ", 0)";
    return sql;
}

// Binds the filter's values, then the host, from `index` on.
void bindMatch(SqliteStatement& statement, const IdQuery& query, int& index) {
    if (query.filter && query.filter->where != "1") {
        for (const auto& value : query.filter->binds) {
            if (const auto* number = std::get_if<qint64>(&value))
                statement.bind(index, *number);
            else
                statement.bindText(index, QByteArrayView(std::get<QByteArray>(value)));
            ++index;
        }
    }
    if (!query.exactHost.isEmpty())
        statement.bindText(index++, QByteArrayView(query.exactHost));
}

// Ends the explicit read transaction on every path out of liveIds.
class ReadSnapshot {
public:
    explicit ReadSnapshot(SqliteConnection& db)
        : m_db(db)
        , m_ok(static_cast<bool>(db.exec("BEGIN"))) {}
    ~ReadSnapshot() {
        if (m_ok)
            (void)m_db.exec("COMMIT");
    }
    ReadSnapshot(const ReadSnapshot&) = delete;
    ReadSnapshot& operator=(const ReadSnapshot&) = delete;
    [[nodiscard]] bool ok() const { return m_ok; }

private:
    SqliteConnection& m_db;
    bool m_ok;
};

// A row's sort key as SQLite orders it: NULL (only duration, in flight)
// before every value; integers by value; text by bytes.
struct SortKey {
    bool null = true;
    qint64 number = 0;
    QByteArray text;
    qint64 id = 0;

    [[nodiscard]] int compareValue(const SortKey& other) const {
        if (null || other.null)
            return int(other.null) - int(null);
        if (number != other.number)
            return number < other.number ? -1 : 1;
        const int bytes = text.compare(other.text);
        return bytes < 0 ? -1 : (bytes > 0 ? 1 : 0);
    }
};

} // namespace

Result<LiveIds> SessionReader::liveIds(const IdQuery& query, const QList<qint64>& recheck,
                                       qint64 countAfter) {
    // One read snapshot for every statement: an exchange that ends between
    // two of them would otherwise be neither listed nor asked about again.
    ReadSnapshot snapshot(*m_db);
    if (!snapshot.ok())
        return m_db->error(QStringLiteral("cannot start a read transaction"));
    LiveIds result;
    auto ordered = orderedIds(query);
    if (!ordered)
        return ordered.error();
    result.ordered = std::move(ordered).value();
    // Counted here rather than with count(): its min(id), max(id) walks a
    // whole index (300 ms at a million rows) every time the file changed.
    // A rowid range costs what arrived; the whole table is counted once,
    // on the smallest index, in this snapshot (so up to maxId).
    auto counter = countAfter > 0
                       ? m_db->cached("SELECT count(*) FROM exchanges WHERE id > ? AND id <= ?")
                       : m_db->cached("SELECT count(*) FROM exchanges");
    if (!counter)
        return counter.error();
    if (countAfter > 0) {
        counter->bind(1, countAfter);
        counter->bind(2, result.ordered.maxId);
    }
    if (counter->step() != SqliteStatement::Step::Row)
        return counter->error(QStringLiteral("cannot count exchanges"));
    result.counted = countAfter >= result.ordered.maxId ? 0 : counter->int64(0);
    if (!hasFilter(query))
        return result;

    const QByteArray match = matchExpression(query);
    // Rows that were in flight without matching at the last poll.
    if (!recheck.isEmpty()) {
        auto statement = m_db->cached("SELECT " + match +
                                      ", e.state = 'open' FROM exchanges e "
                                      "WHERE e.id = ?");
        if (!statement)
            return statement.error();
        for (qint64 id : recheck) {
            int index = 1;
            bindMatch(statement.value(), query, index);
            statement->bind(index, id);
            const auto step = statement->step();
            if (step == SqliteStatement::Step::Error)
                return statement->error(QStringLiteral("cannot read exchanges"));
            if (step == SqliteStatement::Step::Row) {
                if (statement->int64(0) != 0)
                    result.lateMatches.append(id);
                else if (statement->int64(1) != 0)
                    result.openUnmatched.append(id);
                // else: it ended without matching; it never will.
            }
            statement->reset();
        }
    }
    // New rows still in flight that do not match (yet). `state = 'open'`
    // walks the partial index exchanges_open, so this costs what is in
    // flight, not the size of the session.
    auto open = m_db->cached("SELECT e.id FROM exchanges e WHERE e.state = 'open' AND e.id > ? "
                             "AND e.id <= ? AND NOT " +
                             match + " ORDER BY e.id");
    if (!open)
        return open.error();
    int index = 1;
    open->bind(index++, query.afterId);
    open->bind(index++, std::min(query.upToId, result.ordered.maxId));
    bindMatch(open.value(), query, index);
    QList<qint64> fresh;
    for (bool more = true; more;) {
        switch (open->step()) {
        case SqliteStatement::Step::Row:
            fresh.append(open->int64(0));
            break;
        case SqliteStatement::Step::Done:
            more = false;
            break;
        case SqliteStatement::Step::Error:
            return open->error(QStringLiteral("cannot read exchanges in flight"));
        }
    }
    // Both parts are ascending and disjoint (rechecked ids are at or below
    // afterId): the old ones first.
    result.openUnmatched.append(fresh);
    return result;
}

Result<QList<Placement>> SessionReader::placeInOrder(ListColumn column, bool descending,
                                                     const QList<qint64>& shown,
                                                     const QList<qint64>& ids) {
    const ListColumnSql sort = listColumnSql(column);
    std::optional<SqliteStatement> statement;
    if (column != ListColumn::Id) {
        auto prepared =
            m_db->cached(QByteArray("SELECT ") + sort.name + " FROM exchanges WHERE id = ?");
        if (!prepared)
            return prepared.error();
        statement.emplace(std::move(prepared).value());
    }
    // Probes near the top of the search are the same for every new row:
    // read each key once per call.
    QHash<qint64, SortKey> keys;
    std::optional<Error> failure;
    // By value: a later insert may rehash `keys` under a reference.
    const auto keyOf = [&](qint64 id) -> SortKey {
        auto it = keys.find(id);
        if (it != keys.end())
            return it.value();
        SortKey key;
        key.id = id;
        if (!statement) {
            key.null = false;
            key.number = id;
        } else {
            statement->bind(1, id);
            const auto step = statement->step();
            if (step == SqliteStatement::Step::Error && !failure)
                failure = statement->error(QStringLiteral("cannot read sort keys"));
            if (step == SqliteStatement::Step::Row && !statement->isNull(0)) {
                key.null = false;
                if (sort.text)
                    key.text = statement->bytes(0);
                else
                    key.number = statement->int64(0);
            }
            statement->reset();
        }
        return keys.insert(id, key).value();
    };
    // "a is listed before b": by key, ties by id, both reversed when
    // descending (ORDER BY key DESC, id DESC).
    const auto before = [&](qint64 a, qint64 b) {
        const SortKey ka = keyOf(a);
        const SortKey kb = keyOf(b);
        int order = ka.compareValue(kb);
        if (order == 0)
            order = a < b ? -1 : (a > b ? 1 : 0);
        return descending ? order > 0 : order < 0;
    };

    QList<qint64> sorted = ids;
    std::stable_sort(sorted.begin(), sorted.end(), before);
    QList<Placement> result;
    result.reserve(sorted.size());
    // Sorted new rows land at non-decreasing places: each search starts
    // where the previous one ended.
    auto from = shown.cbegin();
    for (qint64 id : sorted) {
        from = std::lower_bound(from, shown.cend(), id,
                                [&](qint64 listed, qint64 added) { return before(listed, added); });
        result.append(Placement{id, from - shown.cbegin()});
    }
    if (failure)
        return *failure;
    return result;
}

Result<QList<HostPort>> SessionReader::hostPorts(qint64 afterId, qint64 upToId) {
    auto statement = m_db->cached(
        "SELECT DISTINCT host, port, mode = 'forward' AND scheme = 'http' FROM exchanges "
        "WHERE id > ? AND id <= ? ORDER BY 1, 2, 3");
    if (!statement)
        return statement.error();
    statement->bind(1, afterId);
    statement->bind(2, upToId);
    QList<HostPort> result;
    for (;;) {
        switch (statement->step()) {
        case SqliteStatement::Step::Row:
            result.append(HostPort{statement->bytes(0), static_cast<quint16>(statement->int64(1)),
                                   statement->int64(2) != 0});
            continue;
        case SqliteStatement::Step::Done:
            return result;
        case SqliteStatement::Step::Error:
            return statement->error(QStringLiteral("cannot read host ports"));
        }
    }
}

} // namespace spyglass::core::store
