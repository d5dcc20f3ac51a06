// ExchangeListModel: the Qt model side (rows, cells, placeholders). The
// queries behind it are in ExchangeListQueries.cpp.
#include "ExchangeListModel.h"

#include "SessionQueryThread.h"

#include <QPainter>
#include <QPixmap>
#include <algorithm>

namespace spyglass::ui {

using core::record::Mode;
using core::store::ListRow;

namespace {

// A small filled circle per mode, drawn once per model: green for
// intercepted (decrypted), grey for blind tunnels, blue for plain HTTP.
QIcon dotIcon(const QColor& colour) {
    QPixmap pixmap(12, 12);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(Qt::NoPen);
    painter.setBrush(colour);
    painter.drawEllipse(2, 2, 8, 8);
    return QIcon(pixmap);
}

} // namespace

ExchangeListModel::ExchangeListModel(QObject* parent)
    : QAbstractTableModel(parent)
    , m_query(std::make_unique<SessionQueryThread>())
    , m_latest(std::make_shared<std::atomic<quint64>>(0)) {
    m_pollTimer.setInterval(100); // at most 10 batches a second (§5)
    connect(&m_pollTimer, &QTimer::timeout, this, &ExchangeListModel::pollNow);
}

ExchangeListModel::~ExchangeListModel() {
    // Join the query thread before the members its jobs use go away.
    m_query.reset();
}

QIcon ExchangeListModel::modeIcon(Mode mode) const {
    const int i = static_cast<int>(mode);
    if (m_modeIcons[i].isNull()) {
        static constexpr QRgb kColours[] = {qRgb(0x15, 0x65, 0xc0), qRgb(0x2e, 0x7d, 0x32),
                                            qRgb(0x9e, 0x9e, 0x9e)};
        m_modeIcons[i] = dotIcon(QColor(kColours[i]));
    }
    return m_modeIcons[i];
}

void ExchangeListModel::setPollInterval(int milliseconds) {
    if (milliseconds <= 0) {
        m_pollTimer.stop();
        m_pollTimer.setInterval(0);
        return;
    }
    m_pollTimer.setInterval(milliseconds);
    if (m_open)
        m_pollTimer.start();
}

qint64 ExchangeListModel::idAt(int row) const {
    return row >= 0 && row < shownRows() ? rowId(row) : 0;
}

int ExchangeListModel::rowOfId(qint64 id) const {
    const auto it = std::find(m_ids.cbegin(), m_ids.cend(), id);
    if (it != m_ids.cend())
        return static_cast<int>(it - m_ids.cbegin());
    const auto rest = std::find(m_rest.cbegin() + m_restFrom, m_rest.cend(), id);
    return rest == m_rest.cend()
               ? -1
               : static_cast<int>(m_ids.size() + (rest - m_rest.cbegin() - m_restFrom));
}

const ListRow* ExchangeListModel::loadedRow(int row) const {
    const qint64 id = idAt(row);
    return id ? m_cache.find(id) : nullptr;
}

int ExchangeListModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(shownRows());
}

int ExchangeListModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : kExchangeColumnCount;
}

Qt::ItemFlags ExchangeListModel::flags(const QModelIndex& index) const {
    if (!index.isValid())
        return Qt::NoItemFlags;
    // ItemNeverHasChildren lets QTreeView skip its per-row expansion
    // lookups when it lays out a million rows.
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemNeverHasChildren;
}

QVariant ExchangeListModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || section < 0 || section >= kExchangeColumnCount)
        return {};
    const auto column = static_cast<ExchangeColumn>(section);
    if (role == Qt::DisplayRole)
        return ExchangeColumns::title(column);
    if (role == Qt::TextAlignmentRole)
        return QVariant::fromValue(ExchangeColumns::alignment(column));
    return {};
}

QVariant ExchangeListModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const qint64 id = rowId(index.row());
    const auto column = static_cast<ExchangeColumn>(index.column());
    if (role == IdRole)
        return id;
    if (role == Qt::TextAlignmentRole)
        return QVariant::fromValue(ExchangeColumns::alignment(column));
    const ListRow* row = m_cache.find(id);
    if (role == LoadedRole)
        return row != nullptr;
    if (!row) {
        // Placeholder: the id is known, the rest comes with the page.
        if (role == Qt::DisplayRole || role == Qt::DecorationRole || role == HostRole ||
            role == UrlRole)
            requestPage(index.row() / kPageSize);
        if (role == Qt::DisplayRole && column == ExchangeColumn::Number)
            return QString::number(id);
        return {};
    }
    switch (role) {
    case Qt::DisplayRole:
        return ExchangeColumns::text(column, *row);
    case Qt::ToolTipRole:
        if (column == ExchangeColumn::Path || column == ExchangeColumn::Error)
            return ExchangeColumns::text(column, *row);
        return {};
    case Qt::ForegroundRole: {
        const QColor colour = ExchangeColumns::foreground(column, *row);
        return colour.isValid() ? QVariant(colour) : QVariant();
    }
    case Qt::DecorationRole:
        return column == ExchangeColumn::Mode ? QVariant(modeIcon(row->mode)) : QVariant();
    case HostRole:
        return row->host;
    case UrlRole:
        return QString::fromUtf8(row->url());
    default:
        return {};
    }
}

void ExchangeListModel::sort(int column, Qt::SortOrder order) {
    if (column < 0 || column >= kExchangeColumnCount)
        return;
    const auto key = ExchangeColumns::sortKey(static_cast<ExchangeColumn>(column));
    const bool descending = order == Qt::DescendingOrder;
    if (key == m_sortKey && descending == m_descending)
        return;
    m_sortKey = key;
    m_descending = descending;
    if (m_open)
        reload(Reload::Sort);
}

void ExchangeListModel::setBusy(bool busy) {
    if (busy == m_busy)
        return;
    m_busy = busy;
    Q_EMIT busyChanged(busy);
}

// A sort keeps the same rows: move persistent indexes (the view's current
// row and selection) to where their exchanges went.
void ExchangeListModel::swapSortedIds(QList<qint64> ids) {
    Q_EMIT layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
    const QModelIndexList before = persistentIndexList();
    QModelIndexList after;
    after.reserve(before.size());
    QHash<qint64, int> found;
    for (const QModelIndex& index : before) {
        const qint64 id = idAt(index.row());
        auto it = found.constFind(id);
        int row = -1;
        if (it != found.constEnd()) {
            row = it.value();
        } else {
            const auto pos = std::find(ids.cbegin(), ids.cend(), id);
            row = pos == ids.cend() ? -1 : static_cast<int>(pos - ids.cbegin());
            found.insert(id, row);
        }
        after.append(row < 0 ? QModelIndex() : createIndex(row, index.column()));
    }
    m_ids = std::move(ids);
    m_pendingPages.clear();
    changePersistentIndexList(before, after);
    Q_EMIT layoutChanged({}, QAbstractItemModel::VerticalSortHint);
}

} // namespace spyglass::ui
