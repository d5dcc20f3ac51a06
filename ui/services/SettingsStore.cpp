#include "SettingsStore.h"

#include <QDir>

namespace spyglass::ui {

using core::proxy::InterceptPattern;
using core::proxy::ProxyConfig;

namespace {

// Keys, grouped like the settings dialog's pages.
const auto kListenHost = QStringLiteral("proxy/listenHost");
const auto kListenPort = QStringLiteral("proxy/listenPort");
const auto kAllowLan = QStringLiteral("proxy/allowLan");
const auto kConnectPorts = QStringLiteral("proxy/allowedConnectPorts");
const auto kAnyPort = QStringLiteral("proxy/allowAnyConnectPort");
const auto kAuth = QStringLiteral("proxy/basicCredentials");
const auto kUpstreamHost = QStringLiteral("upstream/proxyHost");
const auto kUpstreamPort = QStringLiteral("upstream/proxyPort");
const auto kUpstreamAuth = QStringLiteral("upstream/proxyCredentials");
const auto kUpstreamCas = QStringLiteral("upstream/caFiles");
const auto kInsecure = QStringLiteral("upstream/insecureHosts");
const auto kIncludes = QStringLiteral("intercept/include");
const auto kExcludes = QStringLiteral("intercept/exclude");
const auto kPassthrough = QStringLiteral("intercept/passthroughOnReject");
const auto kBodyCap = QStringLiteral("recording/bodyCap");
const auto kDurable = QStringLiteral("recording/durable");
const auto kRecent = QStringLiteral("sessions/recent");
const auto kWelcome = QStringLiteral("window/welcomeSeen");
const auto kGeometry = QStringLiteral("window/geometry");
const auto kState = QStringLiteral("window/state");

QStringList patternTexts(const std::vector<InterceptPattern>& patterns) {
    QStringList texts;
    for (const auto& pattern : patterns)
        texts << pattern.text();
    return texts;
}

} // namespace

ProxyConfig SettingsStore::loadProxy(const ProxyConfig& defaults) const {
    ProxyConfig config = defaults;
    const QSettings& s = m_settings;
    config.listenHost = s.value(kListenHost, config.listenHost).toString();
    const uint port = s.value(kListenPort, config.listenPort).toUInt();
    if (port <= 65535)
        config.listenPort = static_cast<quint16>(port);
    config.allowLan = s.value(kAllowLan, config.allowLan).toBool();
    if (s.contains(kConnectPorts)) {
        config.allowedConnectPorts.clear();
        for (const QVariant& value : s.value(kConnectPorts).toList()) {
            const uint p = value.toUInt();
            if (p >= 1 && p <= 65535)
                config.allowedConnectPorts.insert(static_cast<quint16>(p));
        }
    }
    config.allowAnyConnectPort = s.value(kAnyPort, config.allowAnyConnectPort).toBool();
    config.basicCredentials = s.value(kAuth, config.basicCredentials).toByteArray();
    if (s.contains(kUpstreamHost)) {
        const QByteArray host = s.value(kUpstreamHost).toByteArray();
        const uint upstreamPort = s.value(kUpstreamPort).toUInt();
        if (host.isEmpty() || upstreamPort == 0 || upstreamPort > 65535) {
            config.upstreamProxy.reset();
        } else {
            core::proxy::UpstreamProxy upstream;
            upstream.host = host;
            upstream.port = static_cast<quint16>(upstreamPort);
            upstream.basicCredentials = s.value(kUpstreamAuth).toByteArray();
            config.upstreamProxy = upstream;
        }
    }
    auto& intercept = config.intercept;
    // Patterns were validated when saved; one that no longer parses (an
    // edited file) is skipped rather than refusing to start.
    QString ignored;
    if (s.contains(kIncludes) || s.contains(kExcludes)) {
        intercept.rules.clear();
        for (const QString& p : s.value(kIncludes).toStringList())
            intercept.rules.addInclude(p, &ignored);
        for (const QString& p : s.value(kExcludes).toStringList())
            intercept.rules.addExclude(p, &ignored);
    }
    if (s.contains(kInsecure)) {
        intercept.insecureUpstream.clear();
        for (const QString& text : s.value(kInsecure).toStringList())
            if (auto pattern = InterceptPattern::parse(text, &ignored))
                intercept.insecureUpstream.push_back(*pattern);
    }
    intercept.upstreamCaFiles = s.value(kUpstreamCas, intercept.upstreamCaFiles).toStringList();
    intercept.passthroughOnReject = s.value(kPassthrough, intercept.passthroughOnReject).toBool();
    return config;
}

void SettingsStore::saveProxy(const ProxyConfig& config) {
    QSettings& s = m_settings;
    s.setValue(kListenHost, config.listenHost);
    s.setValue(kListenPort, config.listenPort);
    s.setValue(kAllowLan, config.allowLan);
    QVariantList ports;
    for (quint16 p : config.allowedConnectPorts)
        ports << p;
    s.setValue(kConnectPorts, ports);
    s.setValue(kAnyPort, config.allowAnyConnectPort);
    s.setValue(kAuth, config.basicCredentials);
    s.setValue(kUpstreamHost, config.upstreamProxy ? config.upstreamProxy->host : QByteArray());
    s.setValue(kUpstreamPort, config.upstreamProxy ? config.upstreamProxy->port : 0);
    s.setValue(kUpstreamAuth,
               config.upstreamProxy ? config.upstreamProxy->basicCredentials : QByteArray());
    s.setValue(kIncludes, config.intercept.rules.includes());
    s.setValue(kExcludes, config.intercept.rules.excludes());
    s.setValue(kInsecure, patternTexts(config.intercept.insecureUpstream));
    s.setValue(kUpstreamCas, config.intercept.upstreamCaFiles);
    s.setValue(kPassthrough, config.intercept.passthroughOnReject);
}

RecordingSettings SettingsStore::loadRecording() const {
    RecordingSettings recording;
    recording.bodyCap = m_settings.value(kBodyCap, recording.bodyCap).toLongLong();
    if (recording.bodyCap < 0)
        recording.bodyCap = RecordingSettings{}.bodyCap;
    recording.durable = m_settings.value(kDurable, recording.durable).toBool();
    return recording;
}

void SettingsStore::saveRecording(const RecordingSettings& recording) {
    m_settings.setValue(kBodyCap, recording.bodyCap);
    m_settings.setValue(kDurable, recording.durable);
}

QStringList SettingsStore::recentSessions() const {
    return m_settings.value(kRecent).toStringList().mid(0, kMaxRecentSessions);
}

void SettingsStore::addRecentSession(const QString& path) {
    const QString clean = QDir::cleanPath(path);
    QStringList list = recentSessions();
    list.removeAll(clean);
    list.prepend(clean);
    m_settings.setValue(kRecent, list.mid(0, kMaxRecentSessions));
}

void SettingsStore::clearRecentSessions() {
    m_settings.remove(kRecent);
}

bool SettingsStore::welcomeSeen() const {
    return m_settings.value(kWelcome, false).toBool();
}

void SettingsStore::setWelcomeSeen(bool seen) {
    m_settings.setValue(kWelcome, seen);
}

QByteArray SettingsStore::windowState() const {
    return m_settings.value(kState).toByteArray();
}

QByteArray SettingsStore::windowGeometry() const {
    return m_settings.value(kGeometry).toByteArray();
}

void SettingsStore::saveWindow(const QByteArray& geometry, const QByteArray& state) {
    m_settings.setValue(kGeometry, geometry);
    m_settings.setValue(kState, state);
}

} // namespace spyglass::ui
