#pragma once

#include "app/ca/TrustEnvironment.h"
#include "app/common/ProxyThread.h"
#include "core/proxy/ProxyConfig.h"
#include "core/store/SessionWriter.h"
#include "ui/services/SettingsStore.h"

#include <QSettings>
#include <QStringList>
#include <memory>
#include <optional>

namespace spyglass::ui {
class MainWindow;
class UserPrompts;
} // namespace spyglass::ui

namespace spyglass::app {

class ProxyService;
class RecordingService;
class TrustService;

// Everything the desktop app runs, built and wired in one place (no
// singletons): the root CA and leaf cache, the recording, the proxy I/O
// thread, the services the UI talks to, and the main window. main.cpp
// fills the options from the command line and settings; tests build it the
// same way with temporary directories.
class GuiApp final {
public:
    struct Options {
        core::proxy::ProxyConfig config;
        std::optional<core::store::WriterOptions> recording; // null = --no-record
        QString caDir;
        TrustEnvironment trust;
        QStringList elevate; // runs `spyglass-cli` as root: {"pkexec", ".../spyglass-cli"}
    };

    GuiApp(Options options, QSettings& settings, ui::UserPrompts& prompts);
    ~GuiApp();
    GuiApp(const GuiApp&) = delete;
    GuiApp& operator=(const GuiApp&) = delete;

    // Loads (or creates) the CA, opens the session, starts the proxy and
    // builds the window (not shown). False with `error` set.
    bool start(QString* error);
    // Closes the window, stops the proxy, then drains the session writer.
    // Idempotent.
    void shutdown();

    [[nodiscard]] ui::MainWindow& window() { return *m_window; }
    [[nodiscard]] ProxyThread& proxy() { return *m_proxy; }
    [[nodiscard]] ProxyService& proxyService() { return *m_proxyService; }
    [[nodiscard]] RecordingService& recording() { return *m_recording; }
    [[nodiscard]] TrustService& trust() { return *m_trust; }
    [[nodiscard]] ui::SettingsStore& settings() { return m_settings; }
    // Warnings from loading the CA (e.g. it expires soon).
    [[nodiscard]] const QStringList& warnings() const { return m_warnings; }

private:
    // (Re)loads the CA into a leaf cache for the proxy; false when it cannot
    // be loaded (then nothing is intercepted).
    bool loadCa(QString* error);

    Options m_options;
    ui::SettingsStore m_settings;
    ui::UserPrompts& m_prompts;
    QStringList m_warnings;
    std::unique_ptr<ProxyThread> m_proxy;
    std::unique_ptr<RecordingService> m_recording;
    std::unique_ptr<ProxyService> m_proxyService;
    std::unique_ptr<TrustService> m_trust;
    std::unique_ptr<ui::MainWindow> m_window;
};

} // namespace spyglass::app
