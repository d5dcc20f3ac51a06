#include "GuiApp.h"

#include "ProxyService.h"
#include "RecordingService.h"
#include "StopWithProgress.h"
#include "TrustService.h"
#include "app/common/InterceptSetup.h"
#include "ui/MainWindow.h"

namespace spyglass::app {

GuiApp::GuiApp(Options options, QSettings& settings, ui::UserPrompts& prompts)
    : m_options(std::move(options))
    , m_settings(settings)
    , m_prompts(prompts) {}

GuiApp::~GuiApp() {
    shutdown();
}

bool GuiApp::loadCa(QString* error) {
    const auto setup = InterceptSetup::prepare(m_options.caDir, error);
    if (!setup)
        return false;
    m_warnings = setup->warnings;
    m_proxy->setLeafCache(setup->leaves);
    return true;
}

bool GuiApp::start(QString* error) {
    m_proxy = std::make_unique<ProxyThread>(m_options.config);
    // The CA is loaded (created on first run) even without intercept rules:
    // the welcome panel offers to install it, and rules added later need it.
    QString caError;
    if (!loadCa(&caError)) {
        if (!m_options.config.intercept.rules.isEmpty()) {
            *error = QStringLiteral("the root CA could not be loaded: ") + caError;
            return false;
        }
        m_warnings << QStringLiteral("the root CA could not be loaded (%1); nothing can be "
                                     "intercepted")
                          .arg(caError);
    }
    m_recording = std::make_unique<RecordingService>(m_options.recording);
    if (!m_recording->start(error))
        return false;
    m_recording->setSessionTemplate(m_settings.loadRecording());
    m_proxy->setRecorder(&m_recording->recorder());
    if (!m_proxy->start(error))
        return false;
    m_proxyService = std::make_unique<ProxyService>(*m_proxy);
    m_trust = std::make_unique<TrustService>(m_options.caDir, m_options.trust, m_options.elevate);
    // A regenerated CA: new tunnels mint from the new one.
    QObject::connect(m_trust.get(), &ui::CaService::caChanged, m_proxyService.get(), [this] {
        QString ignored;
        loadCa(&ignored);
    });
    if (const QString path = m_recording->sessionPath(); !path.isEmpty())
        m_settings.addRecentSession(path);
    m_window = std::make_unique<ui::MainWindow>(
        ui::MainWindowServices{*m_proxyService, *m_recording, *m_trust, m_settings, m_prompts});
    return true;
}

void GuiApp::shutdown() {
    // The window's readers (list, inspector) close first, so the writer's
    // connection is the file's last one and folds the WAL back into it.
    m_window.reset();
    // Then the proxy: exchanges it ends while stopping are still recorded;
    // then the writer applies what is queued and spooled and closes the
    // file, saying how much is left when that takes a while.
    if (m_proxy)
        m_proxy->stop();
    if (m_recording)
        stopRecordingWithProgress(*m_recording);
}

} // namespace spyglass::app
