#pragma once

#include "core/proxy/ProxyConfig.h"
#include "ui/services/SettingsStore.h"

#include <QDialog>
#include <optional>

class QCheckBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QSpinBox;
class QTabWidget;

namespace spyglass::ui {

class PatternListEditor;
class UserPrompts;

// Proxy, upstream and recording settings. OK validates everything and stays
// open with the reason shown when something is wrong; the window then
// applies the result to the running proxy (restarting the listener only
// when the address changed) and saves it.
class SettingsDialog final : public QDialog {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SettingsDialog)

public:
    SettingsDialog(const core::proxy::ProxyConfig& config, const RecordingSettings& recording,
                   UserPrompts& prompts, QWidget* parent = nullptr);

    // Valid after accept() (or a successful validate()).
    [[nodiscard]] const core::proxy::ProxyConfig& config() const { return m_result; }
    [[nodiscard]] const RecordingSettings& recording() const { return m_recording; }
    // Builds config()/recording() from the widgets; false with the reason
    // shown (and returned in `error`) when a field is invalid.
    bool validate(QString* error = nullptr);

    void accept() override;

    // "http://[user:pass@]host:port" → the upstream proxy (the same syntax as
    // --upstream-proxy); empty text = none.
    static std::optional<core::proxy::UpstreamProxy> parseUpstream(const QString& text,
                                                                   QString* error);
    static QString upstreamText(const core::proxy::UpstreamProxy& upstream);

private:
    QWidget* buildProxyPage();
    QWidget* buildUpstreamPage();
    QWidget* buildRecordingPage();
    void load(const core::proxy::ProxyConfig& config, const RecordingSettings& recording);

    UserPrompts& m_prompts;
    core::proxy::ProxyConfig m_result;
    RecordingSettings m_recording;

    QTabWidget* m_tabs = nullptr;
    QLineEdit* m_listenHost = nullptr;
    QSpinBox* m_listenPort = nullptr;
    QCheckBox* m_allowLan = nullptr;
    QLineEdit* m_connectPorts = nullptr;
    QCheckBox* m_anyPort = nullptr;
    QCheckBox* m_authEnabled = nullptr;
    QLineEdit* m_authUser = nullptr;
    QLineEdit* m_authPassword = nullptr;
    QLineEdit* m_upstream = nullptr;
    QListWidget* m_caFiles = nullptr;
    PatternListEditor* m_insecure = nullptr;
    QSpinBox* m_bodyCapKib = nullptr;
    QCheckBox* m_durable = nullptr;
    QCheckBox* m_passthrough = nullptr;
    QLabel* m_error = nullptr;
};

} // namespace spyglass::ui
