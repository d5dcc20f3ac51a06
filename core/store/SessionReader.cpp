#include "SessionReader.h"

#include "FilterParser.h"
#include "SessionFile.h"
#include "SessionNames.h"
#include "SpoolRecovery.h"
#include "SqlFunctions.h"

namespace spyglass::core::store {

namespace {

constexpr const char* kRowColumns =
    "e.id, e.start_us, e.duration_us, e.mode, e.client, e.method, e.scheme, e.host, e.port, "
    "e.path, e.status, e.request_size, e.response_size, e.content_type, e.tls_version, e.error, "
    "e.state";

ListRow readRow(const SqliteStatement& s) {
    ListRow row;
    row.id = s.int64(0);
    row.startUs = s.int64(1);
    row.durationUs = s.isNull(2) ? -1 : s.int64(2);
    row.mode = modeFromName(s.bytes(3)).value_or(record::Mode::Forward);
    row.client = s.text(4);
    row.method = s.bytes(5);
    row.scheme = s.bytes(6);
    row.host = s.bytes(7);
    row.port = static_cast<quint16>(s.int64(8));
    row.path = s.bytes(9);
    row.status = static_cast<int>(s.int64(10));
    row.requestSize = s.int64(11);
    row.responseSize = s.int64(12);
    row.contentType = s.bytes(13);
    row.tlsVersion = s.bytes(14);
    row.error = s.text(15);
    const QByteArray state = s.bytes(16);
    row.state = state == "complete"     ? ListRow::State::Complete
                : state == "incomplete" ? ListRow::State::Incomplete
                                        : ListRow::State::Open;
    return row;
}

void bindFilter(SqliteStatement& statement, const FilterSql* filter, int& index) {
    if (!filter)
        return;
    for (const auto& value : filter->binds) {
        if (const auto* number = std::get_if<qint64>(&value))
            statement.bind(index, *number);
        else
            statement.bindText(index, QByteArrayView(std::get<QByteArray>(value)));
        ++index;
    }
}

QByteArray whereOf(const FilterSql* filter) {
    return filter ? QByteArray("(" + filter->where + ")") : QByteArray("1");
}

} // namespace

Result<std::unique_ptr<SessionReader>> SessionReader::open(const QString& path) {
    // Records a killed recorder left in SESSION-spool are applied first, so
    // the reader shows everything that was captured. If that fails (a
    // read-only copy of a session), the session is still read as it is and
    // the next writer retries.
    (void)recoverStaleSpool(path);
    auto db = SessionFile::openForReading(path);
    if (!db)
        return db.error();
    if (Status registered = SqlFunctions::registerAll(db.value()->handle()); !registered)
        return registered.error();
    return std::unique_ptr<SessionReader>(new SessionReader(std::move(db).value()));
}

SessionReader::SessionReader(std::unique_ptr<SqliteConnection> db)
    : m_db(std::move(db)) {}

Result<FilterSql> SessionReader::compileFilter(const QString& expression) {
    auto parsed = FilterParser::parse(expression);
    if (!parsed)
        return parsed.error();
    if (!parsed.value())
        return FilterSql{};
    return FilterCompiler::compile(*parsed.value());
}

Result<SessionReader::RowSpan> SessionReader::rowSpan() {
    auto version = m_db->queryInt("PRAGMA data_version");
    if (!version)
        return version.error();
    if (m_span.dataVersion == version.value())
        return m_span;
    // Two subqueries: SQLite answers a lone min() or max() of the key from
    // the b-tree's edge, but scans every row for both in one SELECT.
    auto bounds =
        m_db->cached("SELECT (SELECT min(id) FROM exchanges), (SELECT max(id) FROM exchanges)");
    if (!bounds)
        return bounds.error();
    if (bounds->step() != SqliteStatement::Step::Row)
        return bounds->error(QStringLiteral("cannot count exchanges"));
    const qint64 minId = bounds->int64(0);
    const qint64 maxId = bounds->int64(1);
    RowSpan span;
    span.dataVersion = version.value();
    span.minId = minId;
    span.maxId = maxId;
    // Spyglass's writers keep ids dense and triggers clear the mark when
    // anyone deletes or renumbers rows, counting such edits
    // (docs/session-format.md): a dense file's count is its span, whatever
    // its size; otherwise a cached count grows by the new ids only when
    // nobody edited rows since.
    auto marks =
        m_db->cached("SELECT ifnull((SELECT value FROM session WHERE key = 'ids_dense'), 0), "
                     "ifnull((SELECT value FROM session WHERE key = 'hand_edits'), -1)");
    if (!marks)
        return marks.error();
    if (marks->step() != SqliteStatement::Step::Row)
        return marks->error(QStringLiteral("cannot count exchanges"));
    span.handEdits = marks->int64(1);
    if (marks->int64(0) == 1) {
        marks->reset();
        span.count = maxId == 0 && minId == 0 ? 0 : maxId - minId + 1;
        span.dense = true;
        m_span = span;
        return span;
    }
    marks->reset();
    const bool appended = m_span.dataVersion >= 0 && span.handEdits >= 0 &&
                          span.handEdits == m_span.handEdits && minId == m_span.minId &&
                          maxId >= m_span.maxId;
    // A full count without a WHERE lets SQLite walk its smallest index
    // instead of the table; after appends only the new ids are counted.
    auto counter = appended ? m_db->cached("SELECT count(*) FROM exchanges WHERE id > ?1")
                            : m_db->cached("SELECT count(*) FROM exchanges");
    if (!counter)
        return counter.error();
    if (appended)
        counter->bind(1, m_span.maxId);
    if (counter->step() != SqliteStatement::Step::Row)
        return counter->error(QStringLiteral("cannot count exchanges"));
    const qint64 counted = counter->int64(0);
    if (appended) {
        span.count = m_span.count + counted;
        span.dense = m_span.dense && counted == maxId - m_span.maxId;
    } else {
        span.count = counted;
        span.dense = counted == 0 || counted == maxId - minId + 1;
    }
    m_span = span;
    return span;
}

Result<qint64> SessionReader::count(const FilterSql* filter) {
    if (!filter || filter->where == "1") {
        auto span = rowSpan();
        if (!span)
            return span.error();
        return span->count;
    }
    auto statement = m_db->cached("SELECT count(*) FROM exchanges e WHERE " + whereOf(filter));
    if (!statement)
        return statement.error();
    int index = 1;
    bindFilter(statement.value(), filter, index);
    if (statement->step() != SqliteStatement::Step::Row)
        return statement->error(QStringLiteral("cannot count exchanges"));
    return statement->int64(0);
}

Result<QList<ListRow>> SessionReader::query(const QByteArray& sql, const FilterSql* filter,
                                            std::initializer_list<qint64> extra) {
    auto statement = m_db->cached(sql);
    if (!statement)
        return statement.error();
    int index = 1;
    bindFilter(statement.value(), filter, index);
    for (qint64 value : extra)
        statement->bind(index++, value);
    QList<ListRow> rows;
    for (;;) {
        switch (statement->step()) {
        case SqliteStatement::Step::Row:
            rows.append(readRow(statement.value()));
            continue;
        case SqliteStatement::Step::Done:
            return rows;
        case SqliteStatement::Step::Error:
            return statement->error(QStringLiteral("cannot read exchanges"));
        }
    }
}

Result<QList<ListRow>> SessionReader::page(qint64 position, int limit, const FilterSql* filter) {
    const bool all = !filter || filter->where == "1";
    if (all) {
        auto span = rowSpan();
        if (!span)
            return span.error();
        // Dense ids turn a position into an id: an index seek instead of an
        // OFFSET that steps over every earlier row.
        if (span->dense)
            return query(QByteArray("SELECT ") + kRowColumns +
                             " FROM exchanges e WHERE e.id >= ? ORDER BY e.id LIMIT ?",
                         nullptr, {span->minId + position, qint64{limit}});
    }
    return query(QByteArray("SELECT ") + kRowColumns + " FROM exchanges e WHERE " +
                     whereOf(all ? nullptr : filter) + " ORDER BY e.id LIMIT ? OFFSET ?",
                 all ? nullptr : filter, {qint64{limit}, position});
}

Result<QList<ListRow>> SessionReader::rowsAfter(qint64 afterId, int limit,
                                                const FilterSql* filter) {
    return query(QByteArray("SELECT ") + kRowColumns + " FROM exchanges e WHERE " +
                     whereOf(filter) + " AND e.id > ? ORDER BY e.id LIMIT ?",
                 filter, {afterId, qint64{limit}});
}

Result<QList<qint64>> SessionReader::ids(const FilterSql* filter, qint64 afterId) {
    auto statement = m_db->cached("SELECT e.id FROM exchanges e WHERE " + whereOf(filter) +
                                  " AND e.id > ? ORDER BY e.id");
    if (!statement)
        return statement.error();
    int index = 1;
    bindFilter(statement.value(), filter, index);
    statement->bind(index, afterId);
    QList<qint64> result;
    for (;;) {
        switch (statement->step()) {
        case SqliteStatement::Step::Row:
            result.append(statement->int64(0));
            continue;
        case SqliteStatement::Step::Done:
            return result;
        case SqliteStatement::Step::Error:
            return statement->error(QStringLiteral("cannot read exchange ids"));
        }
    }
}

Result<QList<ListRow>> SessionReader::rows(const QList<qint64>& ids) {
    auto statement =
        m_db->cached(QByteArray("SELECT ") + kRowColumns + " FROM exchanges e WHERE e.id = ?1");
    if (!statement)
        return statement.error();
    QList<ListRow> result;
    result.reserve(ids.size());
    for (qint64 id : ids) {
        statement->bind(1, id);
        const SqliteStatement::Step step = statement->step();
        if (step == SqliteStatement::Step::Error)
            return statement->error(QStringLiteral("cannot read exchanges"));
        if (step == SqliteStatement::Step::Row)
            result.append(readRow(statement.value()));
        statement->reset();
    }
    return result;
}

Result<QList<HostCount>> SessionReader::hosts() {
    auto statement = m_db->cached("SELECT name, exchanges FROM hosts ORDER BY name");
    if (!statement)
        return statement.error();
    QList<HostCount> result;
    for (;;) {
        switch (statement->step()) {
        case SqliteStatement::Step::Row:
            result.append(HostCount{statement->bytes(0), statement->int64(1)});
            continue;
        case SqliteStatement::Step::Done:
            return result;
        case SqliteStatement::Step::Error:
            return statement->error(QStringLiteral("cannot read hosts"));
        }
    }
}

Result<QMap<QString, QString>> SessionReader::sessionInfo() {
    auto statement = m_db->cached("SELECT key, value FROM session ORDER BY key");
    if (!statement)
        return statement.error();
    QMap<QString, QString> result;
    for (;;) {
        switch (statement->step()) {
        case SqliteStatement::Step::Row:
            result.insert(statement->text(0), statement->text(1));
            continue;
        case SqliteStatement::Step::Done:
            return result;
        case SqliteStatement::Step::Error:
            return statement->error(QStringLiteral("cannot read the session table"));
        }
    }
}

} // namespace spyglass::core::store
