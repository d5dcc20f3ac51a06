#include "SessionPanes.h"

#include "inspector/InspectorWidget.h"
#include "list/ExchangeListModel.h"
#include "list/ExchangeListView.h"
#include "list/FilterBar.h"
#include "list/HostListView.h"
#include "welcome/WelcomePanel.h"

#include <QSplitter>
#include <QStackedWidget>

namespace spyglass::ui {

SessionPanes::SessionPanes(QWidget* window, WelcomePanel* welcome, QSettings& settings)
    : QObject(window)
    , m_welcome(welcome) {
    m_model = new ExchangeListModel(this);
    m_outer = new QSplitter(Qt::Horizontal, window);
    m_outer->setObjectName(QStringLiteral("mainSplitter"));
    m_hosts = new HostListView(m_outer);
    m_hosts->setExchangeModel(m_model);
    auto* right = new QSplitter(Qt::Vertical, m_outer);
    right->setObjectName(QStringLiteral("listInspectorSplitter"));
    m_listStack = new QStackedWidget(right);
    m_listStack->setObjectName(QStringLiteral("listStack"));
    m_list = new ExchangeListView(m_listStack);
    m_list->setExchangeModel(m_model);
    m_list->setHeaderSettings(&settings, QStringLiteral("list/header"));
    m_listStack->addWidget(m_list);
    welcome->setParent(m_listStack);
    m_listStack->addWidget(welcome);
    m_inspector = new inspector::InspectorWidget(right);
    right->addWidget(m_listStack);
    right->addWidget(m_inspector);
    right->setStretchFactor(0, 3);
    right->setStretchFactor(1, 2);
    m_outer->addWidget(m_hosts);
    m_outer->addWidget(right);
    m_outer->setStretchFactor(0, 1);
    m_outer->setStretchFactor(1, 5);
    m_outer->setSizes({220, 1060});

    m_filter = new FilterBar(window);
    m_filter->setExchangeModel(m_model);
    m_filter->setHistorySettings(&settings, QStringLiteral("list/filterHistory"));

    connect(m_list, &ExchangeListView::currentExchangeChanged, m_inspector, [this](qint64 id) {
        if (id > 0)
            m_inspector->showExchange(id);
        else
            m_inspector->clearExchange();
    });
    // An exchange selected while in flight is shown again once it ends.
    connect(m_model, &ExchangeListModel::exchangeUpdated, m_inspector, [this](qint64 id) {
        if (id == m_inspector->shownExchange() && !m_inspector->isLoading())
            m_inspector->reload();
    });
    connect(m_list, &ExchangeListView::showHostRequested, m_hosts,
            [this](const QByteArray& host) { m_hosts->showHost(host); });
}

void SessionPanes::showSession(const QString& path) {
    if (path.isEmpty())
        m_model->closeSession();
    else
        m_model->openSession(path);
    m_inspector->setSessionFile(path);
}

void SessionPanes::showWelcome(bool show) {
    m_listStack->setCurrentWidget(show ? static_cast<QWidget*>(m_welcome) : m_list);
}

bool SessionPanes::welcomeShown() const {
    return m_listStack->currentWidget() == m_welcome;
}

} // namespace spyglass::ui
