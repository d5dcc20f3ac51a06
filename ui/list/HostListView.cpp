#include "HostListView.h"

#include "ExchangeListModel.h"
#include "HostListModel.h"

#include <QAction>
#include <QContextMenuEvent>
#include <QHeaderView>
#include <QMenu>

namespace spyglass::ui {

HostListView::HostListView(QWidget* parent)
    : QTreeView(parent)
    , m_model(new HostListModel(this)) {
    setObjectName(QStringLiteral("hostList"));
    setModel(m_model);
    setUniformRowHeights(true);
    setRootIsDecorated(false);
    setItemsExpandable(false);
    setAllColumnsShowFocus(true);
    setSelectionMode(QAbstractItemView::SingleSelection);
    setSelectionBehavior(QAbstractItemView::SelectRows);
    header()->setStretchLastSection(false);
    header()->setSectionResizeMode(HostListModel::HostColumn, QHeaderView::Stretch);
    header()->setSectionResizeMode(HostListModel::CountColumn, QHeaderView::Interactive);
    header()->resizeSection(HostListModel::CountColumn, fontMetrics().averageCharWidth() * 13);
    // The status is in the icon and the tooltip; the column is for wide panes.
    header()->setSectionHidden(HostListModel::StatusColumn, true);

    connect(selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex& current) {
                const QByteArray host =
                    current.isValid() ? m_model->hostAt(current.row()) : QByteArray();
                if (host == m_selected)
                    return;
                m_selected = host;
                if (m_exchanges)
                    m_exchanges->setHostFilter(host);
                Q_EMIT hostSelected(host);
            });

    auto hostAction = [this](const QString& text, const QString& name,
                             void (HostListView::*signal)(const QByteArray&)) {
        auto* action = new QAction(text, this);
        action->setObjectName(name);
        connect(action, &QAction::triggered, this, [this, signal] {
            const QByteArray host = m_model->hostAt(currentIndex().row());
            if (!host.isEmpty())
                Q_EMIT(this->*signal)(host);
        });
        return action;
    };
    m_intercept = hostAction(tr("Intercept this host"), QStringLiteral("hostIntercept"),
                             &HostListView::interceptHostRequested);
    m_stopIntercepting = hostAction(tr("Stop intercepting"), QStringLiteral("hostStopIntercepting"),
                                    &HostListView::stopInterceptingRequested);
    m_passThrough = hostAction(tr("Pass through"), QStringLiteral("hostPassThrough"),
                               &HostListView::passThroughRequested);
}

void HostListView::setExchangeModel(ExchangeListModel* exchanges) {
    if (m_exchanges)
        disconnect(m_exchanges, nullptr, this, nullptr);
    m_exchanges = exchanges;
    if (!exchanges)
        return;
    connect(exchanges, &ExchangeListModel::hostsChanged, this,
            [this](const QList<core::store::HostCount>& hosts) { m_model->setHosts(hosts); });
    // A new session starts with every host shown.
    connect(exchanges, &ExchangeListModel::sessionOpened, this, [this] {
        m_model->setHosts({});
        setCurrentIndex(m_model->index(0, 0));
    });
}

QByteArray HostListView::selectedHost() const {
    return m_selected;
}

bool HostListView::showHost(const QByteArray& host) {
    const int row = m_model->rowOfHost(host);
    if (row < 0)
        return false;
    const QModelIndex index = m_model->index(row, 0);
    setCurrentIndex(index);
    scrollTo(index);
    return true;
}

void HostListView::contextMenuEvent(QContextMenuEvent* event) {
    const QModelIndex index = indexAt(viewport()->mapFromGlobal(event->globalPos()));
    if (!index.isValid() || index.row() == 0)
        return;
    setCurrentIndex(index);
    QMenu menu(this);
    menu.addAction(m_intercept);
    menu.addAction(m_stopIntercepting);
    menu.addAction(m_passThrough);
    menu.exec(event->globalPos());
}

} // namespace spyglass::ui
