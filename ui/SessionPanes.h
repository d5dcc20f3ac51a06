#pragma once

#include <QObject>
#include <QString>

class QSettings;
class QSplitter;
class QStackedWidget;
class QWidget;

namespace spyglass::ui {

class ExchangeListModel;
class ExchangeListView;
class FilterBar;
class HostListView;
class WelcomePanel;
namespace inspector {
class InspectorWidget;
}

// The panes that show one session file: host list (left), exchange list
// (centre, under the welcome panel on first run) and inspector (below),
// plus the filter field for the toolbar. Owns the list model; wires
// selection to the inspector and the host list to the list. The window
// decides which file is shown and acts on the panes' requests.
class SessionPanes final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SessionPanes)

public:
    SessionPanes(QWidget* window, WelcomePanel* welcome, QSettings& settings);

    // The splitter holding everything but the filter field.
    [[nodiscard]] QSplitter* widget() const { return m_outer; }
    [[nodiscard]] FilterBar* filterBar() const { return m_filter; }
    [[nodiscard]] ExchangeListModel* model() const { return m_model; }
    [[nodiscard]] ExchangeListView* list() const { return m_list; }
    [[nodiscard]] HostListView* hosts() const { return m_hosts; }
    [[nodiscard]] inspector::InspectorWidget* inspector() const { return m_inspector; }

    // Shows `path` ("" = nothing).
    void showSession(const QString& path);
    void showWelcome(bool show);
    [[nodiscard]] bool welcomeShown() const;

private:
    ExchangeListModel* m_model = nullptr;
    QSplitter* m_outer = nullptr;
    QStackedWidget* m_listStack = nullptr;
    WelcomePanel* m_welcome = nullptr;
    FilterBar* m_filter = nullptr;
    ExchangeListView* m_list = nullptr;
    HostListView* m_hosts = nullptr;
    inspector::InspectorWidget* m_inspector = nullptr;
};

} // namespace spyglass::ui
