#pragma once

#include <QList>
#include <QTableView>

class QAction;
class QHeaderView;
class QLabel;
class QSettings;

namespace spyglass::ui {

class ExchangeListModel;

// The centre of the main window: the exchange list (objectName
// "exchangeList"). A QTableView, not a QTreeView: QTreeView lays out every
// row again (a vector of a million items) on each reset and on each batch of
// live rows, measured at 260-360 ms stalls with a million rows; a table with
// fixed row heights (the vertical header's Fixed mode, the equivalent of
// setUniformRowHeights) does no per-row work. Fixed initial column widths,
// never ResizeToContents.
// Columns can be shown (header context menu), hidden, moved and resized;
// setHeaderSettings remembers that. Clicking a header sorts in SQL (a busy
// label shows while it runs). "Follow newest" keeps live rows in view.
//
// Row context menu: Copy URL and Copy as curl (done here, to the
// clipboard); Export selected as HAR, Intercept this host and Show in host
// list are signals for the app to act on.
class ExchangeListView final : public QTableView {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ExchangeListView)

public:
    explicit ExchangeListView(QWidget* parent = nullptr);

    // The view does not own the model.
    void setExchangeModel(ExchangeListModel* model);
    [[nodiscard]] ExchangeListModel* exchangeModel() const { return m_model; }
    [[nodiscard]] QHeaderView* header() const { return horizontalHeader(); }
    // Restores the header (visible columns, order, widths, sort) from
    // `settings` under `key`, and saves it there whenever it changes.
    void setHeaderSettings(QSettings* settings, const QString& key);

    // The exchange of the current row; 0 when there is none.
    [[nodiscard]] qint64 currentExchangeId() const;
    // Selected exchanges in display order.
    [[nodiscard]] QList<qint64> selectedExchangeIds() const;
    [[nodiscard]] bool followsNewest() const;
    void setFollowNewest(bool follow);

    // The menu's actions (also for tests and the main window's menus);
    // they act on the current row or the selection.
    [[nodiscard]] QAction* followNewestAction() const { return m_follow; }
    [[nodiscard]] QAction* copyUrlAction() const { return m_copyUrl; }
    [[nodiscard]] QAction* copyCurlAction() const { return m_copyCurl; }
    [[nodiscard]] QAction* exportHarAction() const { return m_exportHar; }
    [[nodiscard]] QAction* interceptHostAction() const { return m_interceptHost; }
    [[nodiscard]] QAction* showInHostListAction() const { return m_showHost; }

Q_SIGNALS:
    void currentExchangeChanged(qint64 id);
    void exportHarRequested(const QList<qint64>& ids);
    void interceptHostRequested(const QByteArray& host);
    void showHostRequested(const QByteArray& host);
    // Copy as curl failed (the text is for the status bar).
    void actionFailed(const QString& message);

protected:
    void contextMenuEvent(QContextMenuEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    void createActions();
    void showHeaderMenu(const QPoint& position);
    void saveHeader();
    void copyUrls();
    void onRowsInserted(int first, int last);
    void onBusyChanged(bool busy);
    [[nodiscard]] QByteArray currentHost() const;

    ExchangeListModel* m_model = nullptr;
    QSettings* m_settings = nullptr;
    QString m_settingsKey;
    QAction* m_follow = nullptr;
    QAction* m_copyUrl = nullptr;
    QAction* m_copyCurl = nullptr;
    QAction* m_exportHar = nullptr;
    QAction* m_interceptHost = nullptr;
    QAction* m_showHost = nullptr;
    QLabel* m_busy = nullptr;
    qint64 m_currentBeforeReset = 0;
    qint64 m_curlFor = 0; // the id whose curl command goes to the clipboard
    qint64 m_lastCurrent = -1;
};

} // namespace spyglass::ui
