#pragma once

#include "BodyContent.h"
#include "ContentDecoder.h"
#include "ExchangeDetail.h"
#include "FilterCompiler.h"
#include "ListOrder.h"
#include "ListRow.h"
#include "LiveQueries.h"
#include "SqliteConnection.h"
#include "StoreResult.h"

#include <QList>
#include <QMap>
#include <QString>
#include <functional>
#include <memory>
#include <optional>

namespace spyglass::core::store {

struct HostCount {
    QByteArray host;
    qint64 exchanges = 0;
};

// The query API over a session file, on its own read-only connection: the
// GUI's query thread holds one, `spyglass-cli list/show/export` another.
// WAL lets it read while the writer records. Not thread-safe (one thread per
// reader), except interrupt(). Every call returns an error value on failure.
class SessionReader {
public:
    static Result<std::unique_ptr<SessionReader>> open(const QString& path);

    // Parses and compiles a filter expression; "" gives the match-all filter.
    static Result<FilterSql> compileFilter(const QString& expression);

    // Rows matching `filter` (null = all).
    [[nodiscard]] Result<qint64> count(const FilterSql* filter = nullptr);
    // Up to `limit` rows from `position` (0-based, in id order).
    [[nodiscard]] Result<QList<ListRow>> page(qint64 position, int limit,
                                              const FilterSql* filter = nullptr);
    // Up to `limit` rows with id > afterId, in id order (for streaming over
    // the whole session: list, export, the GUI appending live rows).
    [[nodiscard]] Result<QList<ListRow>> rowsAfter(qint64 afterId, int limit,
                                                   const FilterSql* filter = nullptr);
    // Ids of matching rows with id > afterId (the GUI's model keeps these).
    [[nodiscard]] Result<QList<qint64>> ids(const FilterSql* filter = nullptr, qint64 afterId = 0);
    // Ids in any list order, optionally of one exact host and within an id
    // range (the GUI's sorted, filtered and live list; SessionReaderOrdered.cpp).
    [[nodiscard]] Result<OrderedIds> orderedIds(const IdQuery& query);
    // orderedIds(query) plus, in the same read snapshot, which ids of
    // `recheck` match now, which exchanges up to the answer's maxId are
    // still in flight without matching (from (query.afterId, maxId] and
    // from `recheck`) and how many exchanges there are in (countAfter,
    // maxId] whatever the filter (SessionReaderLive.cpp). With no filter
    // and no host everything matches: no open rows are looked at.
    [[nodiscard]] Result<LiveIds> liveIds(const IdQuery& query, const QList<qint64>& recheck,
                                          qint64 countAfter);
    // Where each of `ids` belongs in `shown`, a list in `column` order as
    // orderedIds sorts it (ties by id, `descending` reverses both): by
    // binary search with each probe's key read by id. Returns one placement
    // per id, by position and then in list order. Keys that changed since
    // `shown` was sorted (an exchange that ended) only make the place
    // approximate.
    [[nodiscard]] Result<QList<Placement>> placeInOrder(ListColumn column, bool descending,
                                                        const QList<qint64>& shown,
                                                        const QList<qint64>& ids);
    // The distinct (host, port, plain HTTP) of exchanges with id in
    // (afterId, upToId], by host then port.
    [[nodiscard]] Result<QList<HostPort>> hostPorts(qint64 afterId, qint64 upToId);
    // Rows by id, in the order given; ids that do not exist are skipped.
    [[nodiscard]] Result<QList<ListRow>> rows(const QList<qint64>& ids);
    // One exchange in full; nullopt when there is no such id.
    [[nodiscard]] Result<std::optional<ExchangeDetail>> exchange(qint64 id);
    // Distinct hosts with their exchange counts, by name.
    [[nodiscard]] Result<QList<HostCount>> hosts();
    // The `session` table (format notes, recorder counters).
    [[nodiscard]] Result<QMap<QString, QString>> sessionInfo();

    // A body, decoded when `decode` is set (bounded by `limits`), read in
    // pieces into `sink`; returns what was found out along the way.
    [[nodiscard]] Result<BodyContent> streamBody(qint64 id, record::Direction direction,
                                                 bool decode, const DecodeLimits& limits,
                                                 const std::function<bool(QByteArrayView)>& sink);
    // The same into memory (BodyContent::data), bounded by `limits`.
    [[nodiscard]] Result<BodyContent> body(qint64 id, record::Direction direction, bool decode,
                                           const DecodeLimits& limits = {});

    // Makes a running query fail with "interrupted" (callable from any thread).
    void interrupt() { m_db->interrupt(); }
    [[nodiscard]] const QString& path() const { return m_db->path(); }

private:
    explicit SessionReader(std::unique_ptr<SqliteConnection> db);

    // min/max/count of ids, kept current cheaply: the file is append-only
    // while recording, so after another connection commits only rows above
    // the old maximum need counting (PRAGMA data_version says when).
    struct RowSpan {
        qint64 dataVersion = -1;
        qint64 minId = 0;
        qint64 maxId = 0;
        qint64 count = 0;
        qint64 handEdits = -1; // rows deleted or renumbered by hand so far
        bool dense = true;     // ids run min..max without gaps
    };
    [[nodiscard]] Result<RowSpan> rowSpan();
    [[nodiscard]] Result<QList<ListRow>> query(const QByteArray& sql, const FilterSql* filter,
                                               std::initializer_list<qint64> extra);

    std::unique_ptr<SqliteConnection> m_db;
    RowSpan m_span;
};

} // namespace spyglass::core::store
