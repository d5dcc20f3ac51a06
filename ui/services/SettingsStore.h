#pragma once

#include "RecordingSettings.h"
#include "core/proxy/ProxyConfig.h"

#include <QSettings>
#include <QString>
#include <QStringList>

namespace spyglass::ui {

// The app's persistent settings in QSettings: proxy configuration, recording
// options, recent sessions, window state. The QSettings object is passed in
// (the app's, or a temporary INI file in tests).
//
// The proxy password is stored in plain text, like the rest of the config;
// it only guards a loopback proxy against other local users' programs.
class SettingsStore {
public:
    static constexpr int kMaxRecentSessions = 8;

    explicit SettingsStore(QSettings& settings)
        : m_settings(settings) {}

    // Stored values over `defaults` (keys never saved keep the default).
    [[nodiscard]] core::proxy::ProxyConfig
    loadProxy(const core::proxy::ProxyConfig& defaults = {}) const;
    void saveProxy(const core::proxy::ProxyConfig& config);
    [[nodiscard]] RecordingSettings loadRecording() const;
    void saveRecording(const RecordingSettings& recording);

    // Most recent first, without duplicates, at most kMaxRecentSessions.
    [[nodiscard]] QStringList recentSessions() const;
    void addRecentSession(const QString& path);
    void clearRecentSessions();

    [[nodiscard]] bool welcomeSeen() const;
    void setWelcomeSeen(bool seen);

    [[nodiscard]] QByteArray windowState() const;
    [[nodiscard]] QByteArray windowGeometry() const;
    void saveWindow(const QByteArray& geometry, const QByteArray& state);

    void sync() { m_settings.sync(); }
    // For widgets that keep their own state (list header, filter history).
    [[nodiscard]] QSettings& qsettings() { return m_settings; }

private:
    QSettings& m_settings;
};

} // namespace spyglass::ui
