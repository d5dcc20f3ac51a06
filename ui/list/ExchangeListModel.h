#pragma once

#include "ExchangeColumns.h"
#include "HostPorts.h"
#include "RowCache.h"
#include "core/store/FilterCompiler.h"
#include "core/store/SessionReader.h"

#include <QAbstractTableModel>
#include <QElapsedTimer>
#include <QIcon>
#include <QList>
#include <QSet>
#include <QTimer>
#include <atomic>
#include <memory>

namespace spyglass::ui {

class SessionQueryThread;

// The exchange list of a session file (architecture guide §5), for
// millions of rows:
// - it holds only the vector of row ids in display order; cell data comes
//   in pages of kPageSize rows through a bounded RowCache. A cache miss
//   shows a placeholder, asks the query thread for the page and emits
//   dataChanged when it arrives;
// - filtering (the store's filter language plus an exact host) and sorting
//   run in SQL on a SessionQueryThread; the GUI thread never runs SQL. A
//   new id vector replaces the old one with layoutChanged (sort) or a
//   model reset (filter, open);
// - live capture: it polls the query thread for ids after the last one it
//   knows every pollInterval (10 Hz), plus exchanges that were in flight
//   without matching the filter and match now, and inserts them at their
//   place in the current sort (found on the query thread), one
//   beginInsertRows per contiguous run (one layout change when a batch is
//   scattered over more than a few places). So it follows any session file a
//   writer appends to, in this process or another, and needs no link to
//   the proxy.
// The file is only ever opened read-only.
class ExchangeListModel final : public QAbstractTableModel {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ExchangeListModel)

public:
    enum Role {
        IdRole = Qt::UserRole + 1, // qint64, known for every row
        LoadedRole,                // bool: the row's cells are cached
        HostRole,                  // QByteArray (loaded rows)
        UrlRole,                   // QString (loaded rows)
    };
    static constexpr int kPageSize = 200;
    static constexpr int kCacheRows = 20'000;

    explicit ExchangeListModel(QObject* parent = nullptr);
    ~ExchangeListModel() override;

    // Opens a session file read-only (replacing any open one) and starts
    // following it; rows appear when the first query returns
    // (sessionOpened, or sessionError).
    void openSession(const QString& path);
    void closeSession();
    [[nodiscard]] QString sessionPath() const { return m_path; }

    // Applies a filter expression (docs/filter-language.md). Returns "" or
    // the syntax error, which is also emitted as filterError (a bad
    // expression leaves the current filter in place).
    QString setFilter(const QString& expression);
    [[nodiscard]] QString filter() const { return m_filterText; }
    // Shows only one host (exact name), on top of the filter; "" = all.
    void setHostFilter(const QByteArray& host);
    [[nodiscard]] QByteArray hostFilter() const { return m_host; }

    // Exchanges in the session whatever the filter (after the first query).
    [[nodiscard]] qint64 totalCount() const { return m_total; }
    // A filter expression or a host is applied.
    [[nodiscard]] bool isFiltered() const { return m_filter != nullptr || !m_host.isEmpty(); }
    // The ports each host was reached on: read in chunks after open, then
    // with every poll; hostPortsChanged says when it grew.
    [[nodiscard]] const HostPorts& hostPorts() const { return m_hostPorts; }

    // The exchange id of a row; 0 when out of range.
    [[nodiscard]] qint64 idAt(int row) const;
    // The row showing `id`, or -1 (a scan of the id vector).
    [[nodiscard]] int rowOfId(qint64 id) const;
    // The cached cells of a row, or null when not loaded yet.
    [[nodiscard]] const core::store::ListRow* loadedRow(int row) const;
    // True while a filter, sort or open runs on the query thread.
    [[nodiscard]] bool isBusy() const { return m_busy; }
    // New-row polling; 0 stops it (tests drive pollNow() instead).
    void setPollInterval(int milliseconds);
    // Asks for new and changed rows now (the timer does this itself).
    void pollNow();

    // Builds a curl command for `id` on the query thread; curlReady follows.
    void requestCurl(qint64 id);
    // Writes the exchanges `ids` as HAR to `fileName` on the query thread;
    // harExported follows.
    void exportHar(const QList<qint64>& ids, const QString& fileName);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    // Runs in SQL on the query thread; the rows change when it returns.
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

Q_SIGNALS:
    void countChanged(qint64 rows);
    // The session's exchange count (whatever the filter) changed.
    void totalChanged(qint64 total);
    void hostPortsChanged();
    // "" when the filter is fine.
    void filterError(const QString& message);
    void busyChanged(bool busy);
    void sessionOpened(const QString& path);
    void sessionError(const QString& message);
    // Every host in the session with its exchange count, by name; sent on
    // open and then at most once a second while rows arrive.
    void hostsChanged(const QList<core::store::HostCount>& hosts);
    void curlReady(qint64 id, const QString& command, const QString& error);
    void harExported(const QString& fileName, qint64 entries, const QString& error);
    // A row that was in flight when it was first read has changed (it ended,
    // or got its status): the inspector reloads it when it is the one shown.
    void exchangeUpdated(qint64 id);

private:
    enum class Reload { Open, Filter, Sort };
    struct IdsResult;
    struct PollResult;

    void reload(Reload why);
    void onIdsLoaded(quint64 generation, Reload why, const IdsResult& result);
    void onPolled(quint64 generation, const PollResult& result);
    // Inserts rows placed by SessionReader::placeInOrder: one
    // beginInsertRows per run, the vector rebuilt in one pass.
    void insertPlaced(const QList<core::store::Placement>& placed);
    void insertPlacedAsLayout(const QList<core::store::Placement>& placed);
    void setTotal(qint64 total);
    // Adds what a query counted in (m_countedUpTo, upToId].
    void addCounted(qint64 counted, qint64 upToId);
    // Reads host ports for ids in (afterId, upToId] a chunk at a time, so
    // page requests run between chunks.
    void scanHostPorts(qint64 afterId, qint64 upToId);
    [[nodiscard]] qint64 rowId(qsizetype row) const {
        return row < m_ids.size() ? m_ids.at(row) : m_rest.at(row - m_ids.size() + m_restFrom);
    }
    [[nodiscard]] qsizetype shownRows() const { return m_ids.size() + m_rest.size() - m_restFrom; }
    void requestPage(int page) const;
    void onPageLoaded(quint64 generation, int page, const QList<core::store::ListRow>& rows);
    void swapSortedIds(QList<qint64> ids);
    void setBusy(bool busy);
    [[nodiscard]] core::store::IdQuery baseQuery() const;
    [[nodiscard]] QIcon modeIcon(core::record::Mode mode) const;

    std::unique_ptr<SessionQueryThread> m_query;
    QString m_path;
    bool m_open = false;
    QString m_filterText;
    std::shared_ptr<const core::store::FilterSql> m_filter; // null = all
    QByteArray m_host;
    core::store::ListColumn m_sortKey = core::store::ListColumn::Id;
    bool m_descending = false;

    QList<qint64> m_ids; // display order
    // While insertPlaced runs: rows past m_ids are m_rest from m_restFrom on
    // (the old vector, not yet copied over). Empty otherwise.
    QList<qint64> m_rest;
    qsizetype m_restFrom = 0;
    // In flight and not matching the filter at the last query: asked about
    // again on every poll, added when they match.
    QList<qint64> m_openUnmatched;
    qint64 m_total = 0;
    qint64 m_countedUpTo = 0; // m_total counts the exchanges with ids up to this
    HostPorts m_hostPorts;
    quint64 m_fileGeneration = 0; // bumped by open and close: host port scans
    qint64 m_portsUpTo = -1;      // host ports are known up to this id; -1 while scanning
    qint64 m_lastId = 0;          // largest id seen in the table (whatever the filter)
    mutable RowCache m_cache{kCacheRows};
    mutable QSet<int> m_pendingPages;

    // Bumped by every open, filter and sort: answers to older requests are
    // dropped, and queued jobs for them skip their query.
    quint64 m_generation = 0;
    std::shared_ptr<std::atomic<quint64>> m_latest;
    bool m_busy = false;
    bool m_pollInFlight = false;
    bool m_hostsStale = false; // rows arrived since hostsChanged
    QTimer m_pollTimer;
    QElapsedTimer m_sinceHosts;
    mutable QIcon m_modeIcons[3]; // by Mode, drawn on first use
};

} // namespace spyglass::ui
