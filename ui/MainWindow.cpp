#include "MainWindow.h"

#include "SessionFileJobs.h"
#include "SessionPanes.h"
#include "StatusBarPanel.h"
#include "dialogs/InterceptRulesDialog.h"
#include "dialogs/RootCaDialog.h"
#include "dialogs/SettingsDialog.h"
#include "inspector/InspectorWidget.h"
#include "list/ExchangeListModel.h"
#include "list/ExchangeListView.h"
#include "list/FilterBar.h"
#include "list/HostListModel.h"
#include "list/HostListView.h"
#include "list/HostStatusDecision.h"
#include "services/CaService.h"
#include "services/ProxyControl.h"
#include "services/RecordingControl.h"
#include "services/SettingsStore.h"
#include "services/UserPrompts.h"
#include "welcome/WelcomePanel.h"

#include <QAction>
#include <QCloseEvent>
#include <QDir>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QSet>
#include <QSplitter>
#include <QStatusBar>
#include <QStyle>
#include <QToolBar>
#include <QVBoxLayout>

namespace spyglass::ui {

namespace {

const auto kSessionFilter = QObject::tr("Spyglass sessions (*.spyglass);;All files (*)");

} // namespace

MainWindow::MainWindow(const MainWindowServices& services, QWidget* parent)
    : QMainWindow(parent)
    , m_services(services) {
    setObjectName(QStringLiteral("mainWindow"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/spyglass.svg")));
    m_actions = MainActions::create(this);
    m_jobs = new SessionFileJobs(this);
    m_welcome = new WelcomePanel(this);
    m_panes = new SessionPanes(this, m_welcome, m_services.settings.qsettings());
    buildMenus();
    buildToolBar();
    setCentralWidget(m_panes->widget());
    m_panes->showWelcome(!m_services.settings.welcomeSeen());
    m_status = new StatusBarPanel(statusBar(), m_services.proxy, m_services.recording);
    connectServices();
    connectPanes();
    setViewedSession(m_services.recording.sessionPath());
    refreshRecordAction();
    refreshTitle();
    refreshCaTrust();
    updateRecentMenu();
    resize(1280, 800);
    restoreGeometry(m_services.settings.windowGeometry());
    restoreState(m_services.settings.windowState());
}

MainWindow::~MainWindow() = default;

void MainWindow::buildMenus() {
    auto* file = menuBar()->addMenu(tr("&File"));
    file->addAction(m_actions.newSession);
    file->addAction(m_actions.openSession);
    m_recentMenu = file->addMenu(tr("Open &recent"));
    m_recentMenu->setObjectName(QStringLiteral("menuRecent"));
    file->addAction(m_actions.showLive);
    file->addSeparator();
    file->addAction(m_actions.saveAs);
    file->addAction(m_actions.exportHar);
    file->addSeparator();
    file->addAction(m_actions.quit);
    auto* capture = menuBar()->addMenu(tr("&Capture"));
    capture->addAction(m_actions.record);
    capture->addAction(m_actions.clear);
    capture->addAction(m_actions.find);
    auto* proxy = menuBar()->addMenu(tr("&Proxy"));
    proxy->addAction(m_actions.interceptRules);
    proxy->addAction(m_actions.rootCa);
    proxy->addAction(m_actions.settings);
    auto* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(m_actions.showWelcome);
}

void MainWindow::buildToolBar() {
    auto* bar = addToolBar(tr("Main"));
    bar->setObjectName(QStringLiteral("mainToolBar"));
    bar->setMovable(false);
    bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    bar->addAction(m_actions.record);
    bar->addAction(m_actions.clear);
    bar->addSeparator();
    bar->addAction(m_actions.interceptRules);
    bar->addAction(m_actions.rootCa);
    bar->addAction(m_actions.settings);
    bar->addSeparator();
    FilterBar* filter = m_panes->filterBar();
    filter->setMinimumWidth(420);
    bar->addWidget(filter);
    // FilterBar owns the Ctrl+F shortcut; the menu entry does the same.
    connect(m_actions.find, &QAction::triggered, filter, [filter] {
        filter->field()->setFocus(Qt::ShortcutFocusReason);
        filter->field()->selectAll();
    });
}

void MainWindow::connectServices() {
    ProxyControl& proxy = m_services.proxy;
    RecordingControl& recording = m_services.recording;
    m_welcome->setListenAddress(proxy.listenAddress());
    connect(&proxy, &ProxyControl::listenAddressChanged, m_welcome,
            &WelcomePanel::setListenAddress);
    connect(&proxy, &ProxyControl::exchangeFinished, this, &MainWindow::onExchangeFinished);
    connect(&recording, &RecordingControl::recordingToggled, this,
            &MainWindow::refreshRecordAction);
    connect(&recording, &RecordingControl::sessionChanged, this, [this](const QString& path) {
        m_services.settings.addRecentSession(path);
        updateRecentMenu();
        setViewedSession(path);
    });
    connect(&m_services.ca, &CaService::caChanged, this, &MainWindow::refreshCaTrust);
    connect(m_welcome, &WelcomePanel::rootCaRequested, this, &MainWindow::showRootCa);
    connect(m_welcome, &WelcomePanel::interceptRulesRequested, this,
            &MainWindow::editInterceptRules);
    connect(m_welcome, &WelcomePanel::dismissed, this, [this] {
        m_services.settings.setWelcomeSeen(true);
        m_panes->showWelcome(false);
    });
    connect(m_status, &StatusBarPanel::caWarningClicked, this, &MainWindow::showRootCa);
    connect(m_jobs, &SessionFileJobs::finished, this, [this](bool ok, const QString& message) {
        if (ok)
            statusBar()->showMessage(message, 10'000);
        else
            m_services.prompts.error(this, tr("Spyglass"), message);
    });

    connect(m_actions.record, &QAction::triggered, this,
            [this](bool on) { m_services.recording.setRecording(on); });
    connect(m_actions.clear, &QAction::triggered, this, &MainWindow::newSession);
    connect(m_actions.newSession, &QAction::triggered, this, &MainWindow::newSession);
    connect(m_actions.openSession, &QAction::triggered, this, &MainWindow::chooseSessionToOpen);
    connect(m_actions.showLive, &QAction::triggered, this, &MainWindow::showLiveSession);
    connect(m_actions.saveAs, &QAction::triggered, this, &MainWindow::saveSessionAs);
    connect(m_actions.exportHar, &QAction::triggered, this, &MainWindow::exportHar);
    connect(m_actions.interceptRules, &QAction::triggered, this, &MainWindow::editInterceptRules);
    connect(m_actions.rootCa, &QAction::triggered, this, &MainWindow::showRootCa);
    connect(m_actions.settings, &QAction::triggered, this, &MainWindow::editSettings);
    connect(m_actions.quit, &QAction::triggered, this, &QWidget::close);
    connect(m_actions.showWelcome, &QAction::triggered, this,
            [this] { m_panes->showWelcome(true); });
    connect(&proxy, &ProxyControl::configChanged, this, &MainWindow::refreshHostStatuses);
}

void MainWindow::connectPanes() {
    ExchangeListView* list = m_panes->list();
    HostListView* hosts = m_panes->hosts();
    ExchangeListModel* model = m_panes->model();
    const auto intercept = [this](const QByteArray& host) {
        addInterceptRule(QString::fromLatin1(host));
    };
    connect(list, &ExchangeListView::interceptHostRequested, this, intercept);
    connect(hosts, &HostListView::interceptHostRequested, this, intercept);
    connect(hosts, &HostListView::stopInterceptingRequested, this,
            [this](const QByteArray& host) { removeInterceptRule(QString::fromLatin1(host)); });
    connect(hosts, &HostListView::passThroughRequested, this,
            [this](const QByteArray& host) { addExcludeRule(QString::fromLatin1(host)); });
    // After the host list's own update (connected first, in setExchangeModel).
    connect(model, &ExchangeListModel::hostsChanged, this, &MainWindow::refreshHostStatuses);
    connect(model, &ExchangeListModel::hostPortsChanged, this, &MainWindow::refreshHostStatuses);
    // The status bar counts what the window shows, not what the proxy saw.
    const auto counts = [this] {
        const ExchangeListModel* shown = m_panes->model();
        m_status->setSessionCounts(shown->totalCount(), shown->rowCount(), shown->isFiltered());
    };
    connect(model, &ExchangeListModel::countChanged, this, counts);
    connect(model, &ExchangeListModel::totalChanged, this, counts);
    counts();
    connect(list, &ExchangeListView::actionFailed, this,
            [this](const QString& message) { statusBar()->showMessage(message, 10'000); });
    connect(list, &ExchangeListView::exportHarRequested, this, [this](const QList<qint64>& ids) {
        const QString path = m_services.prompts.saveFileName(
            this, tr("Export selected as HAR"), QStringLiteral("selection.har"),
            tr("HAR files (*.har);;All files (*)"));
        if (!path.isEmpty())
            m_panes->model()->exportHar(ids, path);
    });
    connect(model, &ExchangeListModel::harExported, this,
            [this](const QString& file, qint64 entries, const QString& error) {
                if (!error.isEmpty())
                    m_services.prompts.error(this, tr("Export HAR"), error);
                else
                    statusBar()->showMessage(
                        tr("Exported %n exchange(s) to %1", nullptr, int(entries)).arg(file),
                        10'000);
            });
    connect(model, &ExchangeListModel::sessionError, this, [this](const QString& message) {
        statusBar()->showMessage(tr("Cannot read the session: %1").arg(message), 15'000);
    });
    connect(m_panes->inspector(), &inspector::InspectorWidget::openRootCaRequested, this,
            &MainWindow::showRootCa);
}

void MainWindow::refreshHostStatuses() {
    HostListModel* model = m_panes->hosts()->hostModel();
    const auto rules = m_services.proxy.config().intercept.rules;
    QSet<QByteArray> passed;
    for (const auto& entry : m_services.proxy.passthroughHosts())
        passed.insert(entry.host);
    const HostPorts& ports = m_panes->model()->hostPorts();
    for (int row = 1; row < model->rowCount(); ++row) {
        const QByteArray host = model->hostAt(row);
        if (host.isEmpty())
            continue;
        // The ports this host was reached on in the shown session decide.
        const HostStatusDecision decision =
            decideHostStatus(host, ports.of(host), rules, passed.contains(host));
        model->setHostStatus(host, decision.status, decision.interceptedPorts);
    }
}

bool MainWindow::isViewingLive() const {
    return !m_viewedPath.isEmpty() && m_viewedPath == m_services.recording.sessionPath();
}

void MainWindow::setViewedSession(const QString& path) {
    m_viewedPath = path;
    m_panes->showSession(path);
    refreshTitle();
}

void MainWindow::openSessionFile(const QString& path) {
    const QFileInfo info(path);
    if (!info.isReadable()) {
        m_services.prompts.error(this, tr("Open session"),
                                 tr("%1 cannot be read (missing, or no permission).").arg(path));
        return;
    }
    m_services.settings.addRecentSession(info.absoluteFilePath());
    updateRecentMenu();
    setViewedSession(info.absoluteFilePath());
}

void MainWindow::showLiveSession() {
    setViewedSession(m_services.recording.sessionPath());
}

void MainWindow::refreshTitle() {
    QString title = QStringLiteral("Spyglass");
    if (!m_viewedPath.isEmpty()) {
        title = QFileInfo(m_viewedPath).fileName() +
                (isViewingLive() ? tr(" (recording)") : tr(" (read-only)")) +
                QStringLiteral(" — Spyglass");
    }
    setWindowTitle(title);
    m_actions.showLive->setEnabled(!isViewingLive() &&
                                   !m_services.recording.sessionPath().isEmpty());
    m_actions.saveAs->setEnabled(!m_viewedPath.isEmpty());
    m_actions.exportHar->setEnabled(!m_viewedPath.isEmpty());
}

void MainWindow::refreshRecordAction() {
    const bool on = m_services.recording.isRecording();
    m_actions.record->setChecked(on);
    m_actions.record->setText(on ? tr("&Recording") : tr("&Paused"));
    m_actions.record->setIcon(
        style()->standardIcon(on ? QStyle::SP_MediaPause : QStyle::SP_MediaPlay));
    m_actions.record->setToolTip(on ? tr("Recording; click to pause (traffic keeps flowing) "
                                         "(Ctrl+R)")
                                    : tr("Paused; click to record again (Ctrl+R)"));
}

void MainWindow::refreshCaTrust() {
    const bool trusted = m_services.ca.trustedBySystem();
    m_status->setCaTrusted(trusted);
    m_welcome->setCaTrusted(trusted);
}

void MainWindow::updateRecentMenu() {
    m_recentMenu->clear();
    const QStringList recent = m_services.settings.recentSessions();
    for (const QString& path : recent) {
        QAction* action = m_recentMenu->addAction(QDir::toNativeSeparators(path));
        connect(action, &QAction::triggered, this, [this, path] { openSessionFile(path); });
    }
    m_recentMenu->setEnabled(!recent.isEmpty());
    if (!recent.isEmpty()) {
        m_recentMenu->addSeparator();
        connect(m_recentMenu->addAction(tr("Clear the list")), &QAction::triggered, this, [this] {
            m_services.settings.clearRecentSessions();
            updateRecentMenu();
        });
    }
}

void MainWindow::onExchangeFinished() {
    // First traffic: the welcome panel has done its job.
    if (m_panes->welcomeShown()) {
        m_services.settings.setWelcomeSeen(true);
        m_panes->showWelcome(false);
    }
}

void MainWindow::newSession() {
    QString error;
    if (!m_services.recording.startNewSession(&error))
        m_services.prompts.error(this, tr("New session"),
                                 tr("A new session file could not be created: %1\nRecording "
                                    "goes on into %2.")
                                     .arg(error, m_services.recording.sessionPath()));
}

void MainWindow::chooseSessionToOpen() {
    const QString dir = m_services.recording.sessionPath().isEmpty()
                            ? QDir::homePath()
                            : QFileInfo(m_services.recording.sessionPath()).absolutePath();
    const QString path =
        m_services.prompts.openFileName(this, tr("Open session"), dir, kSessionFilter);
    if (!path.isEmpty())
        openSessionFile(path);
}

void MainWindow::saveSessionAs() {
    const QString path = m_services.prompts.saveFileName(
        this, tr("Save session as"), QFileInfo(m_viewedPath).fileName(), kSessionFilter);
    if (path.isEmpty())
        return;
    if (QFileInfo(path).absoluteFilePath() == QFileInfo(m_viewedPath).absoluteFilePath()) {
        m_services.prompts.error(this, tr("Save session as"),
                                 tr("Choose another file: this is the session itself."));
        return;
    }
    m_jobs->saveAs(m_viewedPath, path);
}

void MainWindow::exportHar() {
    const QString suggested = QFileInfo(m_viewedPath).completeBaseName() + QStringLiteral(".har");
    const QString path = m_services.prompts.saveFileName(this, tr("Export HAR"), suggested,
                                                         tr("HAR files (*.har);;All files (*)"));
    if (path.isEmpty())
        return;
    // The rows the filter shows (the host selection is not part of it).
    m_jobs->exportHar(m_viewedPath, path, m_panes->model()->filter());
}

bool MainWindow::applyRules(const core::proxy::InterceptRules& rules, const QString& done) {
    core::proxy::ProxyConfig config = m_services.proxy.config();
    config.intercept.rules = rules;
    const auto result = m_services.proxy.applyConfig(config);
    if (!result.ok) {
        m_services.prompts.error(this, tr("Intercept rules"), result.message);
        return false;
    }
    m_services.settings.saveProxy(m_services.proxy.config());
    statusBar()->showMessage(done, 10'000);
    return true;
}

bool MainWindow::addInterceptRule(const QString& pattern) {
    auto rules = m_services.proxy.config().intercept.rules;
    QString error;
    if (!rules.addInclude(pattern, &error)) {
        m_services.prompts.error(this, tr("Intercept rules"), error);
        return false;
    }
    return applyRules(rules, tr("Intercepting %1 from the next connection").arg(pattern));
}

bool MainWindow::removeInterceptRule(const QString& pattern) {
    auto rules = m_services.proxy.config().intercept.rules;
    if (!rules.removeInclude(pattern)) {
        m_services.prompts.error(
            this, tr("Intercept rules"),
            tr("%1 is not an include rule itself (another pattern may match it); edit the "
               "rules to change that.")
                .arg(pattern));
        return false;
    }
    return applyRules(rules, tr("No longer intercepting %1").arg(pattern));
}

bool MainWindow::addExcludeRule(const QString& pattern) {
    auto rules = m_services.proxy.config().intercept.rules;
    QString error;
    if (!rules.addExclude(pattern, &error)) {
        m_services.prompts.error(this, tr("Intercept rules"), error);
        return false;
    }
    return applyRules(rules, tr("%1 is tunnelled blindly from the next connection").arg(pattern));
}

void MainWindow::editInterceptRules() {
    InterceptRulesDialog dialog(m_services.proxy.config().intercept.rules, m_services.proxy, this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    applyRules(dialog.rules(), tr("Intercept rules applied to new connections"));
}

void MainWindow::showRootCa() {
    RootCaDialog dialog(m_services.ca, m_services.prompts, this);
    dialog.exec();
    refreshCaTrust();
}

void MainWindow::editSettings() {
    const core::proxy::ProxyConfig current = m_services.proxy.config();
    SettingsDialog dialog(current, m_services.settings.loadRecording(), m_services.prompts, this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    const auto result = m_services.proxy.applyConfig(dialog.config());
    m_services.settings.saveRecording(dialog.recording());
    m_services.recording.applyRecordingSettings(dialog.recording());
    if (!result.ok) {
        m_services.prompts.error(this, tr("Settings"),
                                 tr("The settings were not applied: %1").arg(result.message));
        return;
    }
    m_services.settings.saveProxy(dialog.config());
    if (result.listenerRestarted)
        m_services.prompts.information(this, tr("Settings"), result.message);
    else
        statusBar()->showMessage(result.message, 10'000);
}

void MainWindow::closeEvent(QCloseEvent* event) {
    m_services.settings.saveWindow(saveGeometry(), saveState());
    m_services.settings.sync();
    event->accept();
}

} // namespace spyglass::ui
