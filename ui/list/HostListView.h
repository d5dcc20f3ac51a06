#pragma once

#include <QTreeView>

class QAction;

namespace spyglass::ui {

class ExchangeListModel;
class HostListModel;

// The host list at the left (objectName "hostList"). Selecting a host
// filters the exchange list to it ("All hosts" clears that). Context menu:
// Intercept this host, Stop intercepting, Pass through, as signals for the
// app (which then calls HostListModel::setHostStatus).
class HostListView final : public QTreeView {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HostListView)

public:
    explicit HostListView(QWidget* parent = nullptr);

    // Owns its HostListModel.
    [[nodiscard]] HostListModel* hostModel() const { return m_model; }
    // Feeds the host list from `exchanges` (hostsChanged) and applies the
    // selected host to it (setHostFilter). Not owned.
    void setExchangeModel(ExchangeListModel* exchanges);
    // The selected host; "" for All hosts or none.
    [[nodiscard]] QByteArray selectedHost() const;
    // Selects `host` (Show in host list); false when it is not listed.
    bool showHost(const QByteArray& host);

    [[nodiscard]] QAction* interceptAction() const { return m_intercept; }
    [[nodiscard]] QAction* stopInterceptingAction() const { return m_stopIntercepting; }
    [[nodiscard]] QAction* passThroughAction() const { return m_passThrough; }

Q_SIGNALS:
    // "" for All hosts.
    void hostSelected(const QByteArray& host);
    void interceptHostRequested(const QByteArray& host);
    void stopInterceptingRequested(const QByteArray& host);
    void passThroughRequested(const QByteArray& host);

protected:
    void contextMenuEvent(QContextMenuEvent* event) override;

private:
    HostListModel* m_model = nullptr;
    ExchangeListModel* m_exchanges = nullptr;
    QAction* m_intercept = nullptr;
    QAction* m_stopIntercepting = nullptr;
    QAction* m_passThrough = nullptr;
    QByteArray m_selected;
};

} // namespace spyglass::ui
