#include "ExchangeListView.h"

#include "ExchangeListModel.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QContextMenuEvent>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QSettings>

namespace spyglass::ui {

ExchangeListView::ExchangeListView(QWidget* parent)
    : QTableView(parent) {
    setObjectName(QStringLiteral("exchangeList"));
    // Uniform rows: every row the font's height, and no row numbers.
    verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    verticalHeader()->hide();
    setShowGrid(false);
    setWordWrap(false);
    setCornerButtonEnabled(false);
    setAlternatingRowColors(true);
    header()->setHighlightSections(false);
    header()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    setSelectionMode(QAbstractItemView::ExtendedSelection);
    setSelectionBehavior(QAbstractItemView::SelectRows);
    setTextElideMode(Qt::ElideMiddle);
    header()->setSectionsMovable(true);
    header()->setStretchLastSection(true);
    header()->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(header(), &QHeaderView::customContextMenuRequested, this,
            &ExchangeListView::showHeaderMenu);
    for (auto signal : {&QHeaderView::sectionMoved, &QHeaderView::sectionResized})
        connect(header(), signal, this, &ExchangeListView::saveHeader);
    connect(header(), &QHeaderView::sortIndicatorChanged, this, &ExchangeListView::saveHeader);

    m_busy = new QLabel(tr("Working…"), viewport());
    m_busy->setObjectName(QStringLiteral("exchangeListBusy"));
    m_busy->setAutoFillBackground(true);
    m_busy->setMargin(4);
    m_busy->hide();
    createActions();
}

void ExchangeListView::createActions() {
    m_follow = new QAction(tr("Follow newest"), this);
    m_follow->setObjectName(QStringLiteral("followNewest"));
    m_follow->setCheckable(true);
    m_follow->setChecked(true);
    connect(m_follow, &QAction::toggled, this, [this](bool on) {
        if (on && m_model && m_model->rowCount() > 0)
            onRowsInserted(0, m_model->rowCount() - 1);
    });

    m_copyUrl = new QAction(tr("Copy URL"), this);
    m_copyUrl->setObjectName(QStringLiteral("copyUrl"));
    connect(m_copyUrl, &QAction::triggered, this, &ExchangeListView::copyUrls);

    m_copyCurl = new QAction(tr("Copy as curl"), this);
    m_copyCurl->setObjectName(QStringLiteral("copyCurl"));
    connect(m_copyCurl, &QAction::triggered, this, [this] {
        m_curlFor = currentExchangeId();
        if (m_model && m_curlFor)
            m_model->requestCurl(m_curlFor);
    });

    m_exportHar = new QAction(tr("Export selected as HAR…"), this);
    m_exportHar->setObjectName(QStringLiteral("exportHar"));
    connect(m_exportHar, &QAction::triggered, this, [this] {
        const QList<qint64> ids = selectedExchangeIds();
        if (!ids.isEmpty())
            Q_EMIT exportHarRequested(ids);
    });

    m_interceptHost = new QAction(tr("Intercept this host"), this);
    m_interceptHost->setObjectName(QStringLiteral("interceptHost"));
    connect(m_interceptHost, &QAction::triggered, this, [this] {
        if (const QByteArray host = currentHost(); !host.isEmpty())
            Q_EMIT interceptHostRequested(host);
    });

    m_showHost = new QAction(tr("Show in host list"), this);
    m_showHost->setObjectName(QStringLiteral("showInHostList"));
    connect(m_showHost, &QAction::triggered, this, [this] {
        if (const QByteArray host = currentHost(); !host.isEmpty())
            Q_EMIT showHostRequested(host);
    });
}

void ExchangeListView::setExchangeModel(ExchangeListModel* model) {
    if (m_model)
        disconnect(m_model, nullptr, this, nullptr);
    m_model = model;
    setModel(model);
    if (!model)
        return;
    const int charWidth = fontMetrics().averageCharWidth();
    for (int c = 0; c < kExchangeColumnCount; ++c)
        header()->resizeSection(
            c, charWidth * ExchangeColumns::defaultWidthChars(static_cast<ExchangeColumn>(c)) +
                   2 * charWidth);
    // The sort indicator starts on # ascending, which is also the model's
    // order, so enabling sorting runs no query.
    header()->setSortIndicator(0, Qt::AscendingOrder);
    setSortingEnabled(true);

    connect(model, &QAbstractItemModel::rowsInserted, this,
            [this](const QModelIndex&, int first, int last) { onRowsInserted(first, last); });
    connect(model, &ExchangeListModel::busyChanged, this, &ExchangeListView::onBusyChanged);
    // A reset (filter, open) drops the current row: keep the same exchange
    // current when it is still listed.
    connect(model, &QAbstractItemModel::modelAboutToBeReset, this,
            [this] { m_currentBeforeReset = currentExchangeId(); });
    connect(model, &QAbstractItemModel::modelReset, this, [this] {
        const int row = m_currentBeforeReset ? m_model->rowOfId(m_currentBeforeReset) : -1;
        if (row >= 0) {
            setCurrentIndex(m_model->index(row, 0));
            scrollTo(currentIndex());
        } else if (m_lastCurrent != 0) {
            m_lastCurrent = 0;
            Q_EMIT currentExchangeChanged(0);
        }
    });
    connect(model, &ExchangeListModel::curlReady, this,
            [this](qint64 id, const QString& command, const QString& error) {
                if (id != m_curlFor)
                    return;
                m_curlFor = 0;
                if (!error.isEmpty())
                    Q_EMIT actionFailed(error);
                else
                    QApplication::clipboard()->setText(command);
            });
    connect(selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex& current) {
                const qint64 id = current.isValid() ? m_model->idAt(current.row()) : 0;
                if (id == m_lastCurrent)
                    return;
                m_lastCurrent = id;
                Q_EMIT currentExchangeChanged(id);
            });
}

void ExchangeListView::setHeaderSettings(QSettings* settings, const QString& key) {
    m_settings = settings;
    m_settingsKey = key;
    if (!settings)
        return;
    const QByteArray state = settings->value(key).toByteArray();
    if (!state.isEmpty())
        header()->restoreState(state);
}

void ExchangeListView::saveHeader() {
    if (m_settings && !m_settingsKey.isEmpty())
        m_settings->setValue(m_settingsKey, header()->saveState());
}

void ExchangeListView::showHeaderMenu(const QPoint& position) {
    QMenu menu(this);
    for (int c = 0; c < kExchangeColumnCount; ++c) {
        QAction* toggle = menu.addAction(ExchangeColumns::title(static_cast<ExchangeColumn>(c)),
                                         this, [this, c](bool shown) {
                                             header()->setSectionHidden(c, !shown);
                                             saveHeader();
                                         });
        toggle->setCheckable(true);
        toggle->setChecked(!header()->isSectionHidden(c));
        // Keep at least one column.
        toggle->setEnabled(header()->hiddenSectionCount() < kExchangeColumnCount - 1 ||
                           header()->isSectionHidden(c));
    }
    menu.exec(header()->mapToGlobal(position));
}

qint64 ExchangeListView::currentExchangeId() const {
    const QModelIndex current = currentIndex();
    return m_model && current.isValid() ? m_model->idAt(current.row()) : 0;
}

QList<qint64> ExchangeListView::selectedExchangeIds() const {
    QList<qint64> ids;
    if (!m_model || !selectionModel())
        return ids;
    // Ranges, not selectedRows(): a select-all of a million rows is one range.
    QList<std::pair<int, int>> ranges;
    for (const QItemSelectionRange& range : selectionModel()->selection())
        ranges.append({range.top(), range.bottom()});
    std::sort(ranges.begin(), ranges.end());
    int next = 0;
    for (const auto& [top, bottom] : ranges) {
        for (int row = std::max(top, next); row <= bottom; ++row)
            ids.append(m_model->idAt(row));
        next = std::max(next, bottom + 1);
    }
    return ids;
}

QByteArray ExchangeListView::currentHost() const {
    const QModelIndex current = currentIndex();
    return current.isValid() ? current.data(ExchangeListModel::HostRole).toByteArray()
                             : QByteArray();
}

void ExchangeListView::copyUrls() {
    QStringList urls;
    const QModelIndexList rows =
        selectionModel() ? selectionModel()->selectedRows() : QModelIndexList();
    // Bounded: a select-all of a million rows is not a clipboard text.
    constexpr int kMaxUrls = 1000;
    for (const QModelIndex& row : rows) {
        if (urls.size() >= kMaxUrls)
            break;
        const QString url = row.data(ExchangeListModel::UrlRole).toString();
        if (!url.isEmpty())
            urls << url;
    }
    if (urls.isEmpty() && currentIndex().isValid())
        urls << currentIndex().data(ExchangeListModel::UrlRole).toString();
    if (!urls.isEmpty())
        QApplication::clipboard()->setText(urls.join(QLatin1Char('\n')));
}

bool ExchangeListView::followsNewest() const {
    return m_follow->isChecked();
}

void ExchangeListView::setFollowNewest(bool follow) {
    m_follow->setChecked(follow);
}

void ExchangeListView::onRowsInserted(int first, int last) {
    if (!m_follow->isChecked())
        return;
    // Only arrival order has a newest edge: sorted by # or time, follow
    // rows that arrive at the top (descending) or the end. Another sort
    // places live rows among the others (briefly appended, then moved by
    // a layout change when they are many), and the view stays where the
    // user put it.
    const auto column = static_cast<ExchangeColumn>(header()->sortIndicatorSection());
    if (column != ExchangeColumn::Number && column != ExchangeColumn::Time)
        return;
    const bool descending = header()->sortIndicatorOrder() == Qt::DescendingOrder;
    if (descending && first == 0)
        scrollToTop();
    else if (!descending && last == m_model->rowCount() - 1)
        scrollToBottom();
}

void ExchangeListView::onBusyChanged(bool busy) {
    m_busy->setVisible(busy);
    if (busy) {
        m_busy->adjustSize();
        m_busy->move(viewport()->width() - m_busy->width() - 8, 8);
        m_busy->raise();
        viewport()->setCursor(Qt::BusyCursor);
    } else {
        viewport()->unsetCursor();
    }
}

void ExchangeListView::resizeEvent(QResizeEvent* event) {
    QTableView::resizeEvent(event);
    if (m_busy->isVisible())
        m_busy->move(viewport()->width() - m_busy->width() - 8, 8);
}

void ExchangeListView::contextMenuEvent(QContextMenuEvent* event) {
    const bool onRow = indexAt(viewport()->mapFromGlobal(event->globalPos())).isValid() ||
                       currentIndex().isValid();
    for (QAction* action : {m_copyUrl, m_copyCurl, m_exportHar, m_interceptHost, m_showHost})
        action->setEnabled(onRow);
    QMenu menu(this);
    menu.addAction(m_copyUrl);
    menu.addAction(m_copyCurl);
    menu.addSeparator();
    menu.addAction(m_exportHar);
    menu.addSeparator();
    menu.addAction(m_interceptHost);
    menu.addAction(m_showHost);
    menu.addSeparator();
    menu.addAction(m_follow);
    menu.exec(event->globalPos());
}

} // namespace spyglass::ui
