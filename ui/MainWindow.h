#pragma once

#include "MainActions.h"
#include "core/proxy/InterceptRules.h"

#include <QMainWindow>

class QMenu;

namespace spyglass::ui {

class CaService;
class ProxyControl;
class RecordingControl;
class SessionFileJobs;
class SessionPanes;
class SettingsStore;
class StatusBarPanel;
class UserPrompts;
class WelcomePanel;

// What the window works with; app/ builds them and they outlive the window.
struct MainWindowServices {
    ProxyControl& proxy;
    RecordingControl& recording;
    CaService& ca;
    SettingsStore& settings;
    UserPrompts& prompts;
};

// The main window: toolbar (Record/Pause, Clear, Intercept rules, Root CA,
// Settings, filter), File menu (sessions, Save as, Export HAR), the host
// list, exchange list and inspector, the status bar and the first-run
// welcome panel. The window shows one session file at a time: the one being
// recorded (live), or one opened read-only while recording goes on.
class MainWindow final : public QMainWindow {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    explicit MainWindow(const MainWindowServices& services, QWidget* parent = nullptr);
    ~MainWindow() override;

    // Shows `path` read-only (the proxy keeps recording into its own file).
    void openSessionFile(const QString& path);
    // Back to the session being recorded.
    void showLiveSession();
    [[nodiscard]] QString viewedSessionPath() const { return m_viewedPath; }
    [[nodiscard]] bool isViewingLive() const;
    [[nodiscard]] const MainActions& actions() const { return m_actions; }
    [[nodiscard]] SessionFileJobs& fileJobs() { return *m_jobs; }
    [[nodiscard]] SessionPanes& panes() { return *m_panes; }

    // Adds `pattern` to the intercept rules and applies them (the host
    // list's "Intercept" command); false with the reason shown.
    bool addInterceptRule(const QString& pattern);
    // Removes an include rule (the host list's "Stop intercepting").
    bool removeInterceptRule(const QString& pattern);
    // Adds an exclude rule (the host list's "Pass through").
    bool addExcludeRule(const QString& pattern);

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void buildMenus();
    void buildToolBar();
    void connectServices();
    void connectPanes();
    bool applyRules(const core::proxy::InterceptRules& rules, const QString& done);
    // Tells the host list which hosts are intercepted, tunnelled or passed
    // through, from the rules and the passthrough list.
    void refreshHostStatuses();
    void refreshRecordAction();
    void refreshTitle();
    void refreshCaTrust();
    void updateRecentMenu();
    void setViewedSession(const QString& path);
    void onExchangeFinished();

    void newSession();
    void chooseSessionToOpen();
    void saveSessionAs();
    void exportHar();
    void editInterceptRules();
    void showRootCa();
    void editSettings();

    MainWindowServices m_services;
    MainActions m_actions;
    StatusBarPanel* m_status = nullptr;
    SessionFileJobs* m_jobs = nullptr;
    WelcomePanel* m_welcome = nullptr;
    SessionPanes* m_panes = nullptr;
    QMenu* m_recentMenu = nullptr;
    QString m_viewedPath;
};

} // namespace spyglass::ui
