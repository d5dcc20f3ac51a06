// ExchangeListModel: what runs on the query thread (id vectors, pages, live
// polling, curl, HAR) and how answers come back. Every job carries the
// generation it was asked for; answers to an older one are dropped.
#include "ExchangeListModel.h"
#include "SessionQueryThread.h"
#include "core/store/CurlCommand.h"
#include "core/store/HarExporter.h"

#include <QSaveFile>
#include <optional>

namespace spyglass::ui {

using core::store::HostCount;
using core::store::IdQuery;
using core::store::ListColumn;
using core::store::ListRow;
using core::store::SessionReader;

namespace {

// Cached in-flight rows re-read per poll (the newest, normally on screen).
constexpr int kOpenRowsPerPoll = ExchangeListModel::kPageSize;
// Rows searched at each end of the vector for a refreshed exchange: live
// rows sit at the end (or the start, newest first).
constexpr int kEdgeRows = 4096;
// A HAR selection becomes an id filter of ranges; SQLite nests each OR one
// level deeper and stops at 1000.
constexpr int kMaxHarRanges = 900;

} // namespace

struct ExchangeListModel::IdsResult {
    QList<qint64> ids;
    qint64 maxId = 0;
    QString error;
    bool noReader = false;
    std::optional<QList<HostCount>> hosts;
};

struct ExchangeListModel::PollResult {
    QList<qint64> ids;
    qint64 maxId = 0;
    QString error;
    QList<ListRow> refreshed;
    std::optional<QList<HostCount>> hosts;
};

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
    m_path = path;
    m_open = true;
    m_hostsStale = true;
    endResetModel();
    Q_EMIT countChanged(0);
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
    m_open = false;
    m_path.clear();
    endResetModel();
    setBusy(false);
    Q_EMIT countChanged(0);
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
    m_query->post([this, generation, why, latest = m_latest, filter = m_filter,
                   query = baseQuery()](SessionReader* reader) mutable {
        if (latest->load() != generation)
            return; // superseded before it started
        IdsResult result;
        if (!reader) {
            result.noReader = true;
        } else {
            query.filter = filter.get();
            auto ids = reader->orderedIds(query);
            // An interrupt meant for the query before may land on this one.
            if (!ids && latest->load() == generation)
                ids = reader->orderedIds(query);
            if (ids) {
                result.ids = std::move(ids->ids);
                result.maxId = ids->maxId;
            } else {
                result.error = ids.errorMessage();
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
    Q_EMIT countChanged(m_ids.size());
    if (why == Reload::Open)
        Q_EMIT sessionOpened(m_path); // before its hosts: listeners clear old ones here
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
    // New rows come in id order whatever the sort; see onPolled.
    query.column = ListColumn::Id;
    query.descending = false;
    query.afterId = m_lastId;
    const bool wantHosts =
        m_hostsStale && (!m_sinceHosts.isValid() || m_sinceHosts.elapsed() >= 1000);
    const quint64 generation = m_generation;
    m_query->post([this, generation, query, wantHosts, latest = m_latest, filter = m_filter,
                   openIds = m_cache.openIds(kOpenRowsPerPoll)](SessionReader* reader) mutable {
        PollResult result;
        if (latest->load() != generation)
            return; // a reload replaced this generation and resets the poll
        if (!reader) {
            result.error = QStringLiteral("no session is open");
        } else {
            query.filter = filter.get();
            if (auto ids = reader->orderedIds(query)) {
                result.ids = std::move(ids->ids);
                result.maxId = ids->maxId;
            } else {
                result.error = ids.errorMessage();
            }
            if (!openIds.isEmpty()) {
                if (auto rows = reader->rows(openIds))
                    result.refreshed = std::move(rows).value();
            }
            if (wantHosts) {
                if (auto hosts = reader->hosts())
                    result.hosts = std::move(hosts).value();
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
    // found near the ends of the vector where live rows are.
    const int size = static_cast<int>(m_ids.size());
    for (const ListRow& row : result.refreshed) {
        if (!m_cache.insert(row))
            continue;
        Q_EMIT exchangeUpdated(row.id);
        for (int i = size - 1; i >= std::max(0, size - kEdgeRows); --i) {
            if (m_ids.at(i) == row.id) {
                Q_EMIT dataChanged(index(i, 0), index(i, kExchangeColumnCount - 1));
                break;
            }
        }
        for (int i = 0; i < std::min(size, kEdgeRows); ++i) {
            if (m_ids.at(i) == row.id) {
                Q_EMIT dataChanged(index(i, 0), index(i, kExchangeColumnCount - 1));
                break;
            }
        }
    }

    if (!result.ids.isEmpty()) {
        const int count = static_cast<int>(result.ids.size());
        if (m_sortKey == ListColumn::Id && m_descending) {
            // Newest first: the batch goes on top, newest at row 0.
            beginInsertRows({}, 0, count - 1);
            QList<qint64> reversed(result.ids.crbegin(), result.ids.crend());
            m_ids = reversed + m_ids; // one copy of the vector, not one move per row
            m_pendingPages.clear();   // positions of pages asked for have shifted
            endInsertRows();
        } else {
            // Id order: the end. Another sort: the end too, until the next
            // sort places them (re-sorting a million rows per batch would
            // keep the query thread busy for nothing).
            beginInsertRows({}, size, size + count - 1);
            m_ids.append(result.ids);
            endInsertRows();
        }
        Q_EMIT countChanged(m_ids.size());
    }
    if (result.maxId > m_lastId) {
        m_lastId = result.maxId;
        m_hostsStale = true;
    }
    if (result.hosts) {
        m_hostsStale = false;
        m_sinceHosts.start();
        Q_EMIT hostsChanged(*result.hosts);
    }
}

void ExchangeListModel::requestPage(int page) const {
    const int first = page * kPageSize;
    const int end = std::min(first + kPageSize, static_cast<int>(m_ids.size()));
    if (!m_open || first >= end || m_pendingPages.contains(page))
        return;
    QList<qint64> ids;
    for (int i = first; i < end; ++i) {
        if (!m_cache.find(m_ids.at(i)))
            ids.append(m_ids.at(i));
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
    const int last = std::min(first + kPageSize, static_cast<int>(m_ids.size())) - 1;
    if (rows.isEmpty() || last < first)
        return;
    if (wasPending) {
        Q_EMIT dataChanged(index(first, 0), index(last, kExchangeColumnCount - 1));
    } else {
        // Rows were inserted above since it was asked for: the page's rows
        // are elsewhere now, so repaint whatever is shown.
        Q_EMIT dataChanged(index(0, 0),
                           index(static_cast<int>(m_ids.size()) - 1, kExchangeColumnCount - 1));
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
