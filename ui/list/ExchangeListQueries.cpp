// ExchangeListModel: what runs on the query thread (id vectors, pages, live
// polling, curl, HAR) and how answers come back. Every job carries the
// generation it was asked for; answers to an older one are dropped.
#include "ExchangeListModel.h"
#include "SessionQueryThread.h"
#include "core/store/CurlCommand.h"
#include "core/store/HarExporter.h"

#include <QSaveFile>
#include <algorithm>
#include <optional>

namespace spyglass::ui {

using core::store::HostCount;
using core::store::IdQuery;
using core::store::ListColumn;
using core::store::ListRow;
using core::store::LiveIds;
using core::store::Placement;
using core::store::SessionReader;

namespace {

// Cached in-flight rows re-read per poll (the newest, normally on screen).
constexpr int kOpenRowsPerPoll = ExchangeListModel::kPageSize;
// Rows searched at each end of the vector for a refreshed exchange: live
// rows sit at the end (or the start, newest first).
constexpr int kEdgeRows = 4096;
// Ids per host-port query after open: small enough that page requests
// queued meanwhile wait at most a few tens of milliseconds.
constexpr qint64 kHostPortChunk = 50'000;
// Exchanges in flight without matching that are asked about again per poll;
// a file left by a crashed writer can hold many open rows forever.
constexpr qsizetype kMaxOpenUnmatched = 10'000;
// Contiguous runs of live rows inserted one beginInsertRows each per poll.
// Each costs the table view an O(n) pass over its rows (its vertical header
// moves its section array): about 1 ms at a million rows, so a batch
// scattered over more places (a host sort with thousands of hosts) goes
// through insertPlacedAsLayout (486 ms stalls measured run by run).
constexpr qsizetype kMaxRunInserts = 16;
// A HAR selection becomes an id filter of ranges; SQLite nests each OR one
// level deeper and stops at 1000.
constexpr int kMaxHarRanges = 900;

} // namespace

struct ExchangeListModel::IdsResult {
    QList<qint64> ids;
    qint64 maxId = 0;
    qint64 counted = 0; // exchanges in (countAfter, maxId], whatever the filter
    QList<qint64> openUnmatched;
    QString error;
    bool noReader = false;
    std::optional<QList<HostCount>> hosts;
};

struct ExchangeListModel::PollResult {
    QList<Placement> placed; // new and late-matching rows, by place
    qint64 maxId = 0;
    qint64 counted = 0; // exchanges in (countAfter, maxId], whatever the filter
    QList<qint64> openUnmatched;
    QString error;
    QList<ListRow> refreshed;
    std::optional<QList<HostCount>> hosts;
    std::optional<QList<core::store::HostPort>> hostPorts; // for ids up to maxId
};

namespace {

// Keeps the newest ids when a file has more open rows than are worth
// asking about on every poll.
QList<qint64> boundedOpen(QList<qint64> ids) {
    if (ids.size() > kMaxOpenUnmatched)
        ids.remove(0, ids.size() - kMaxOpenUnmatched);
    return ids;
}

} // namespace

IdQuery ExchangeListModel::baseQuery() const {
    IdQuery query;
    query.exactHost = m_host;
    query.column = m_sortKey;
    query.descending = m_descending;
    return query;
}

void ExchangeListModel::openSession(const QString& path) {
    m_pollTimer.stop();
    beginResetModel();
    m_ids.clear();
    m_cache.clear();
    m_pendingPages.clear();
    m_lastId = 0;
    m_openUnmatched.clear();
    m_path = path;
    m_open = true;
    m_hostsStale = true;
    endResetModel();
    Q_EMIT countChanged(0);
    setTotal(0);
    m_countedUpTo = 0;
    ++m_fileGeneration;
    m_portsUpTo = -1;
    m_hostPorts.clear();
    Q_EMIT hostPortsChanged();
    m_query->interrupt();
    const quint64 generation = m_generation + 1; // the one reload() is about to start
    m_query->open(path, [this, generation](const QString& error) {
        if (error.isEmpty())
            return;
        SessionQueryThread::deliver(this, [this, generation, error] {
            if (generation == m_generation)
                Q_EMIT sessionError(error);
        });
    });
    reload(Reload::Open);
    if (m_pollTimer.interval() > 0)
        m_pollTimer.start();
}

void ExchangeListModel::closeSession() {
    m_pollTimer.stop();
    ++m_generation;
    m_latest->store(m_generation);
    m_query->interrupt();
    m_query->close();
    beginResetModel();
    m_ids.clear();
    m_cache.clear();
    m_pendingPages.clear();
    m_lastId = 0;
    m_openUnmatched.clear();
    m_open = false;
    m_path.clear();
    endResetModel();
    setBusy(false);
    Q_EMIT countChanged(0);
    setTotal(0);
    m_countedUpTo = 0;
    ++m_fileGeneration;
    m_portsUpTo = -1;
    m_hostPorts.clear();
    Q_EMIT hostPortsChanged();
}

QString ExchangeListModel::setFilter(const QString& expression) {
    // Parsing and compiling is pure code (no SQL runs): the error shows as
    // the user types.
    auto compiled = SessionReader::compileFilter(expression);
    if (!compiled) {
        Q_EMIT filterError(compiled.errorMessage());
        return compiled.errorMessage();
    }
    Q_EMIT filterError(QString());
    if (expression.trimmed() == m_filterText.trimmed())
        return {};
    m_filterText = expression;
    m_filter = compiled->where == "1"
                   ? nullptr
                   : std::make_shared<const core::store::FilterSql>(std::move(compiled).value());
    if (m_open)
        reload(Reload::Filter);
    return {};
}

void ExchangeListModel::setHostFilter(const QByteArray& host) {
    if (host == m_host)
        return;
    m_host = host;
    if (m_open)
        reload(Reload::Filter);
}

void ExchangeListModel::reload(Reload why) {
    ++m_generation;
    m_latest->store(m_generation);
    m_pendingPages.clear();
    m_pollInFlight = false; // its answer is for the old generation now
    // Abandon a sort or body scan that is still running for the old view.
    m_query->interrupt();
    setBusy(true);
    const quint64 generation = m_generation;
    m_query->post([this, generation, why, latest = m_latest, filter = m_filter, query = baseQuery(),
                   countAfter = m_countedUpTo](SessionReader* reader) mutable {
        if (latest->load() != generation)
            return; // superseded before it started
        IdsResult result;
        if (!reader) {
            result.noReader = true;
        } else {
            query.filter = filter.get();
            auto live = reader->liveIds(query, {}, countAfter);
            // An interrupt meant for the query before may land on this one.
            if (!live && latest->load() == generation)
                live = reader->liveIds(query, {}, countAfter);
            if (live) {
                result.ids = std::move(live->ordered.ids);
                result.maxId = live->ordered.maxId;
                result.counted = live->counted;
                result.openUnmatched = boundedOpen(std::move(live->openUnmatched));
            } else {
                result.error = live.errorMessage();
            }
            if (why == Reload::Open) {
                if (auto hosts = reader->hosts())
                    result.hosts = std::move(hosts).value();
            }
        }
        SessionQueryThread::deliver(this, [this, generation, why, result = std::move(result)] {
            onIdsLoaded(generation, why, result);
        });
    });
}

void ExchangeListModel::onIdsLoaded(quint64 generation, Reload why, const IdsResult& result) {
    if (generation != m_generation)
        return;
    setBusy(false);
    if (result.noReader) {
        m_open = false; // the open failed; sessionError has said why
        m_pollTimer.stop();
        return;
    }
    if (!result.error.isEmpty()) {
        if (why == Reload::Filter)
            Q_EMIT filterError(result.error);
        else
            Q_EMIT sessionError(result.error);
        return;
    }
    if (why == Reload::Sort) {
        swapSortedIds(result.ids);
    } else {
        beginResetModel();
        m_ids = result.ids;
        m_pendingPages.clear();
        endResetModel();
    }
    m_lastId = result.maxId;
    m_openUnmatched = result.openUnmatched;
    Q_EMIT countChanged(m_ids.size());
    addCounted(result.counted, result.maxId);
    if (why == Reload::Open) {
        Q_EMIT sessionOpened(m_path); // before its hosts: listeners clear old ones here
        scanHostPorts(0, result.maxId);
    }
    if (result.hosts) {
        Q_EMIT hostsChanged(*result.hosts);
        m_hostsStale = false;
        m_sinceHosts.start();
    }
}

void ExchangeListModel::pollNow() {
    if (!m_open || m_busy || m_pollInFlight)
        return;
    m_pollInFlight = true;
    IdQuery query = baseQuery();
    // New rows come in id order; placeInOrder finds their places.
    query.column = ListColumn::Id;
    query.descending = false;
    query.afterId = m_lastId;
    const bool wantHosts =
        m_hostsStale && (!m_sinceHosts.isValid() || m_sinceHosts.elapsed() >= 1000);
    const quint64 generation = m_generation;
    // `shown` shares the vector (no copy); the job lets go of it before it
    // answers, so inserting does not copy it either. Nothing else changes
    // the vector while a poll is in flight: a reload drops the answer.
    m_query->post([this, generation, query, wantHosts, latest = m_latest, filter = m_filter,
                   sortKey = m_sortKey, descending = m_descending, shown = m_ids,
                   recheck = m_openUnmatched, portsAfter = m_portsUpTo, countAfter = m_countedUpTo,
                   openIds = m_cache.openIds(kOpenRowsPerPoll)](SessionReader* reader) mutable {
        PollResult result;
        if (latest->load() != generation)
            return; // a reload replaced this generation and resets the poll
        if (!reader) {
            result.error = QStringLiteral("no session is open");
        } else {
            query.filter = filter.get();
            if (auto live = reader->liveIds(query, recheck, countAfter)) {
                result.maxId = live->ordered.maxId;
                result.counted = live->counted;
                result.openUnmatched = boundedOpen(std::move(live->openUnmatched));
                QList<qint64> added = std::move(live->ordered.ids);
                added.append(live->lateMatches);
                if (!added.isEmpty()) {
                    auto placed = reader->placeInOrder(sortKey, descending, shown, added);
                    if (placed)
                        result.placed = std::move(placed).value();
                    else
                        result.error = placed.errorMessage();
                }
            } else {
                result.error = live.errorMessage();
            }
            shown = {};
            if (!openIds.isEmpty()) {
                if (auto rows = reader->rows(openIds))
                    result.refreshed = std::move(rows).value();
            }
            if (wantHosts) {
                if (auto hosts = reader->hosts())
                    result.hosts = std::move(hosts).value();
            }
            if (result.error.isEmpty() && portsAfter >= 0 && result.maxId > portsAfter) {
                if (auto ports = reader->hostPorts(portsAfter, result.maxId))
                    result.hostPorts = std::move(ports).value();
            }
        }
        SessionQueryThread::deliver(
            this, [this, generation, result = std::move(result)] { onPolled(generation, result); });
    });
}

void ExchangeListModel::onPolled(quint64 generation, const PollResult& result) {
    if (generation != m_generation)
        return;
    m_pollInFlight = false;
    if (!result.error.isEmpty())
        return; // transient (interrupted, busy file): the next tick retries

    // Exchanges that ended since they were cached: repaint only their rows,
    // found near the ends of the vector where live rows usually are; a row
    // elsewhere (placed in another sort order) repaints what is shown.
    const int size = static_cast<int>(m_ids.size());
    bool repaintAll = false;
    for (const ListRow& row : result.refreshed) {
        if (!m_cache.insert(row))
            continue;
        Q_EMIT exchangeUpdated(row.id);
        bool found = false;
        for (int i = size - 1; i >= std::max(0, size - kEdgeRows) && !found; --i) {
            if (m_ids.at(i) == row.id) {
                Q_EMIT dataChanged(index(i, 0), index(i, kExchangeColumnCount - 1));
                found = true;
            }
        }
        for (int i = 0; i < std::min(size, kEdgeRows) && !found; ++i) {
            if (m_ids.at(i) == row.id) {
                Q_EMIT dataChanged(index(i, 0), index(i, kExchangeColumnCount - 1));
                found = true;
            }
        }
        repaintAll |= !found;
    }
    if (repaintAll && size > 0)
        Q_EMIT dataChanged(index(0, 0), index(size - 1, kExchangeColumnCount - 1));

    m_openUnmatched = result.openUnmatched;
    if (!result.placed.isEmpty()) {
        insertPlaced(result.placed);
        Q_EMIT countChanged(m_ids.size());
    }
    addCounted(result.counted, result.maxId);
    if (result.maxId > m_lastId) {
        m_lastId = result.maxId;
        m_hostsStale = true;
    }
    // Ports before hosts: a host that just appeared gets its status from
    // the ports it was reached on, not from a guess.
    if (result.hostPorts && m_portsUpTo >= 0 && result.maxId > m_portsUpTo) {
        m_portsUpTo = result.maxId;
        if (m_hostPorts.add(*result.hostPorts))
            Q_EMIT hostPortsChanged();
    }
    if (result.hosts) {
        m_hostsStale = false;
        m_sinceHosts.start();
        Q_EMIT hostsChanged(*result.hosts);
    }
}

void ExchangeListModel::insertPlaced(const QList<Placement>& placed) {
    const qsizetype size = m_ids.size();
    // The common case, id order: one run at the end, no copy.
    if (placed.constFirst().before == size) {
        beginInsertRows({}, static_cast<int>(size), static_cast<int>(size + placed.size() - 1));
        for (const Placement& p : placed)
            m_ids.append(p.id);
        endInsertRows();
        return;
    }
    qsizetype runs = 1;
    for (qsizetype i = 1; i < placed.size(); ++i)
        runs += placed.at(i).before != placed.at(i - 1).before ? 1 : 0;
    if (runs > kMaxRunInserts) {
        insertPlacedAsLayout(placed);
        return;
    }
    // Runs elsewhere: build the new vector in one pass. Rows not yet
    // copied are read from the old vector (rowId), so between two
    // beginInsertRows the model shows exactly the rows inserted so far,
    // and no run costs a move of the million rows after it.
    m_rest = std::move(m_ids);
    m_restFrom = 0;
    m_ids = QList<qint64>();
    m_ids.reserve(size + placed.size() + size / 16); // room for the next appends
    const auto copyOldUpTo = [this](qsizetype end) {
        const qsizetype count = end - m_restFrom;
        const qsizetype at = m_ids.size();
        m_ids.resize(at + count);
        std::copy_n(m_rest.constData() + m_restFrom, count, m_ids.data() + at);
        m_restFrom = end;
    };
    for (qsizetype i = 0; i < placed.size();) {
        qsizetype j = i;
        while (j + 1 < placed.size() && placed.at(j + 1).before == placed.at(i).before)
            ++j;
        copyOldUpTo(placed.at(i).before);
        const int first = static_cast<int>(m_ids.size());
        beginInsertRows({}, first, first + static_cast<int>(j - i));
        for (qsizetype k = i; k <= j; ++k)
            m_ids.append(placed.at(k).id);
        endInsertRows();
        i = j + 1;
    }
    copyOldUpTo(m_rest.size());
    m_rest = QList<qint64>();
    m_restFrom = 0;
    m_pendingPages.clear(); // positions of pages asked for have shifted
}

// Many runs: the new rows arrive at the end in one insert, then one layout
// change (same row count, as a sort) moves them to their places. A layout
// change that also changed the row count would make the view rebuild its
// per-row header state: 80-130 ms at a million rows, against 1-2 ms; the
// merge itself is one pass over the vector, in place.
void ExchangeListModel::insertPlacedAsLayout(const QList<Placement>& placed) {
    const qsizetype size = m_ids.size();
    beginInsertRows({}, static_cast<int>(size), static_cast<int>(size + placed.size() - 1));
    for (const Placement& p : placed)
        m_ids.append(p.id);
    endInsertRows();

    Q_EMIT layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
    QList<qsizetype> befores; // ascending, one per placed row
    befores.reserve(placed.size());
    for (const Placement& p : placed)
        befores.append(p.before);
    // Merge in place from the back (no new vector): old rows at or after
    // each place move down by the number of rows placed before them.
    qint64* ids = m_ids.data();
    qsizetype write = m_ids.size() - 1;
    qsizetype old = size - 1;
    for (qsizetype j = placed.size() - 1; j >= 0; --j) {
        while (old >= placed.at(j).before)
            ids[write--] = ids[old--];
        ids[write--] = placed.at(j).id;
    }

    const QModelIndexList before = persistentIndexList();
    QModelIndexList after;
    after.reserve(before.size());
    for (const QModelIndex& index : before) {
        const qsizetype row = index.row();
        qsizetype moved = 0;
        if (row < size) // an old row, pushed down by the rows placed before it
            moved =
                row + (std::upper_bound(befores.cbegin(), befores.cend(), row) - befores.cbegin());
        else // placed row j goes after its old rows and the j placed before it
            moved = befores.at(row - size) + (row - size);
        after.append(createIndex(static_cast<int>(moved), index.column()));
    }
    m_pendingPages.clear();
    changePersistentIndexList(before, after);
    Q_EMIT layoutChanged({}, QAbstractItemModel::VerticalSortHint);
}

void ExchangeListModel::addCounted(qint64 counted, qint64 upToId) {
    // Answers come in order and a reload drops older ones, so `counted`
    // always starts at m_countedUpTo.
    if (upToId <= m_countedUpTo)
        return;
    m_countedUpTo = upToId;
    setTotal(m_total + counted);
}

void ExchangeListModel::setTotal(qint64 total) {
    if (total == m_total)
        return;
    m_total = total;
    Q_EMIT totalChanged(total);
}

void ExchangeListModel::scanHostPorts(qint64 afterId, qint64 upToId) {
    const qint64 to = std::min(upToId, afterId + kHostPortChunk);
    const quint64 file = m_fileGeneration;
    m_query->post([this, file, afterId, to, upToId](SessionReader* reader) {
        if (!reader)
            return;
        auto ports = reader->hostPorts(afterId, to);
        if (!ports)
            return; // the next open scans again; polls do not fill the gap
        SessionQueryThread::deliver(this,
                                    [this, file, to, upToId, found = std::move(ports).value()] {
                                        if (file != m_fileGeneration)
                                            return;
                                        const bool changed = m_hostPorts.add(found);
                                        if (to < upToId) {
                                            scanHostPorts(to, upToId);
                                        } else {
                                            m_portsUpTo = upToId; // polls go on from here
                                        }
                                        if (changed || to >= upToId)
                                            Q_EMIT hostPortsChanged();
                                    });
    });
}

void ExchangeListModel::requestPage(int page) const {
    const int first = page * kPageSize;
    // shownRows()/rowId(): a view may ask for cells in the middle of insertPlaced.
    const int end = std::min(first + kPageSize, static_cast<int>(shownRows()));
    if (!m_open || first >= end || m_pendingPages.contains(page))
        return;
    QList<qint64> ids;
    for (int i = first; i < end; ++i) {
        if (!m_cache.find(rowId(i)))
            ids.append(rowId(i));
    }
    if (ids.isEmpty())
        return;
    m_pendingPages.insert(page);
    auto* self = const_cast<ExchangeListModel*>(this); // answers change the cache, not the rows
    const quint64 generation = m_generation;
    m_query->post([self, generation, page, ids, latest = m_latest](SessionReader* reader) {
        if (latest->load() != generation || !reader)
            return; // the pending set was cleared with the generation
        auto rows = reader->rows(ids);
        QList<ListRow> loaded = rows ? std::move(rows).value() : QList<ListRow>();
        SessionQueryThread::deliver(self, [self, generation, page, loaded = std::move(loaded)] {
            self->onPageLoaded(generation, page, loaded);
        });
    });
}

void ExchangeListModel::onPageLoaded(quint64 generation, int page, const QList<ListRow>& rows) {
    for (const ListRow& row : rows)
        m_cache.insert(row);
    if (generation != m_generation)
        return;
    // A failed read leaves the page uncached; the next paint asks again.
    const bool wasPending = m_pendingPages.remove(page);
    const int first = page * kPageSize;
    const int last = std::min(first + kPageSize, static_cast<int>(shownRows())) - 1;
    if (rows.isEmpty() || last < first)
        return;
    if (wasPending) {
        Q_EMIT dataChanged(index(first, 0), index(last, kExchangeColumnCount - 1));
    } else {
        // Rows were inserted above since it was asked for: the page's rows
        // are elsewhere now, so repaint whatever is shown.
        Q_EMIT dataChanged(index(0, 0),
                           index(static_cast<int>(shownRows()) - 1, kExchangeColumnCount - 1));
    }
}

void ExchangeListModel::requestCurl(qint64 id) {
    m_query->post([this, id](SessionReader* reader) {
        QString command;
        QString error;
        if (!reader) {
            error = QStringLiteral("no session is open");
        } else if (auto detail = reader->exchange(id); !detail) {
            error = detail.errorMessage();
        } else if (!detail.value()) {
            error = QStringLiteral("exchange %1 is not in the session").arg(id);
        } else {
            const core::store::ExchangeDetail& exchange = *detail.value();
            std::optional<core::store::BodyContent> body;
            if (exchange.body(core::record::Direction::Request)) {
                core::store::DecodeLimits limits;
                limits.maxOutput = core::store::CurlCommand::kMaxInlineBody * 16;
                auto content = reader->body(id, core::record::Direction::Request, false, limits);
                if (content)
                    body = std::move(content).value();
                else
                    error = content.errorMessage();
            }
            if (error.isEmpty())
                command = QString::fromUtf8(
                    core::store::CurlCommand::build(exchange, body ? &*body : nullptr, false));
        }
        SessionQueryThread::deliver(
            this, [this, id, command, error] { Q_EMIT curlReady(id, command, error); });
    });
}

namespace {

// "id:3-7,9,12-15" for a set of ids: ranges keep the expression short for
// a big contiguous selection.
QString idRangeExpression(QList<qint64> ids, int* ranges) {
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    QStringList parts;
    for (qsizetype i = 0; i < ids.size();) {
        qsizetype j = i;
        while (j + 1 < ids.size() && ids.at(j + 1) == ids.at(j) + 1)
            ++j;
        parts << (i == j
                      ? QString::number(ids.at(i))
                      : QString::number(ids.at(i)) + QLatin1Char('-') + QString::number(ids.at(j)));
        i = j + 1;
    }
    *ranges = static_cast<int>(parts.size());
    return QStringLiteral("id:") + parts.join(QLatin1Char(','));
}

} // namespace

void ExchangeListModel::exportHar(const QList<qint64>& ids, const QString& fileName) {
    int ranges = 0;
    const QString expression = idRangeExpression(ids, &ranges);
    if (ids.isEmpty() || ranges > kMaxHarRanges) {
        Q_EMIT harExported(fileName, 0,
                           ids.isEmpty() ? QStringLiteral("no exchanges are selected")
                                         : QStringLiteral("the selection has more than %1 "
                                                          "separate runs of ids; sort by # or "
                                                          "narrow it with a filter")
                                               .arg(kMaxHarRanges));
        return;
    }
    auto filter = SessionReader::compileFilter(expression);
    if (!filter) {
        Q_EMIT harExported(fileName, 0, filter.errorMessage());
        return;
    }
    m_query->post([this, fileName, filter = std::move(filter).value()](SessionReader* reader) {
        qint64 entries = 0;
        QString error;
        QSaveFile file(fileName);
        if (!reader) {
            error = QStringLiteral("no session is open");
        } else if (!file.open(QIODevice::WriteOnly)) {
            error = QStringLiteral("cannot write %1: %2").arg(fileName, file.errorString());
        } else {
            auto written = core::store::HarExporter::write(*reader, file, &filter, {});
            if (!written)
                error = written.errorMessage();
            else if (!file.commit())
                error = QStringLiteral("cannot write %1: %2").arg(fileName, file.errorString());
            else
                entries = written->entries;
        }
        SessionQueryThread::deliver(this, [this, fileName, entries, error] {
            Q_EMIT harExported(fileName, entries, error);
        });
    });
}

} // namespace spyglass::ui
