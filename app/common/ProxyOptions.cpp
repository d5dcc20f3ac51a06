#include "ProxyOptions.h"

#include "core/http1/RequestTarget.h"

#include <QUrl>

namespace spyglass::app {

using core::proxy::ProxyConfig;
using core::proxy::UpstreamProxy;

namespace {

bool parseSeconds(const QCommandLineParser& parser, const QString& name, int* msec,
                  QString* error) {
    if (!parser.isSet(name))
        return true;
    bool ok = false;
    const double seconds = parser.value(name).toDouble(&ok);
    if (!ok || seconds <= 0 || seconds > 86400) {
        *error = QStringLiteral("--%1 takes a number of seconds between 0 and 86400, not \"%2\"")
                     .arg(name, parser.value(name));
        return false;
    }
    *msec = static_cast<int>(seconds * 1000);
    return true;
}

std::optional<quint16> parsePort(const QString& text) {
    bool ok = false;
    const uint port = text.toUInt(&ok);
    if (!ok || port == 0 || port > 65535)
        return std::nullopt;
    return static_cast<quint16>(port);
}

} // namespace

void ProxyOptions::addTo(QCommandLineParser& parser) {
    parser.addOptions({
        {QStringLiteral("listen"),
         QStringLiteral("Address to listen on (default 127.0.0.1:8080; port 0 picks a free "
                        "port; [::1]:PORT for IPv6)."),
         QStringLiteral("HOST:PORT")},
        {QStringLiteral("allow-lan"),
         QStringLiteral("Allow listening on a non-loopback address so devices on your local "
                        "network can connect. Clients with public addresses are still refused.")},
        {QStringLiteral("allow-port"),
         QStringLiteral("Allow CONNECT to this port (repeatable; default: 443 only)."),
         QStringLiteral("PORT")},
        {QStringLiteral("allow-any-port"), QStringLiteral("Allow CONNECT to any port.")},
        {QStringLiteral("auth"),
         QStringLiteral("Require proxy authentication (Basic) with these credentials."),
         QStringLiteral("USER:PASS")},
        {QStringLiteral("upstream-proxy"),
         QStringLiteral("Send all traffic through this HTTP proxy."),
         QStringLiteral("http://[USER:PASS@]HOST:PORT")},
        {QStringLiteral("max-connections"),
         QStringLiteral("Most client connections served at once (default 1024); more wait."),
         QStringLiteral("N")},
        {QStringLiteral("connect-timeout"),
         QStringLiteral("Seconds to wait for an upstream connection (default 10)."),
         QStringLiteral("SECONDS")},
        {QStringLiteral("header-timeout"),
         QStringLiteral("Seconds a client has to send a whole request head (default 30)."),
         QStringLiteral("SECONDS")},
        {QStringLiteral("idle-timeout"),
         QStringLiteral("Seconds an idle keep-alive client connection stays open (default 60)."),
         QStringLiteral("SECONDS")},
        {QStringLiteral("tunnel-idle-timeout"),
         QStringLiteral("Seconds a CONNECT tunnel may stay silent (default 600)."),
         QStringLiteral("SECONDS")},
        {QStringLiteral("intercept"),
         QStringLiteral("Intercept (decrypt and record) HTTPS to hosts matching PATTERN: "
                        "example.com, *.example.com, api.example.com:8443, or * for all "
                        "(repeatable). Other tunnels stay blind."),
         QStringLiteral("PATTERN")},
        {QStringLiteral("no-intercept"),
         QStringLiteral("Never intercept hosts matching PATTERN (repeatable; wins over "
                        "--intercept)."),
         QStringLiteral("PATTERN")},
        {QStringLiteral("insecure-upstream"),
         QStringLiteral("Accept invalid server certificates for hosts matching PATTERN when "
                        "intercepting (repeatable; off by default)."),
         QStringLiteral("PATTERN")},
        {QStringLiteral("upstream-ca"),
         QStringLiteral("Also trust the CA certificates in this PEM file when verifying "
                        "intercepted servers (repeatable)."),
         QStringLiteral("FILE")},
        {QStringLiteral("no-passthrough-on-reject"),
         QStringLiteral("Keep intercepting a host even after its client rejected the Spyglass "
                        "certificate (default: tunnel it blindly for 10 minutes).")},
        {QStringLiteral("ca-dir"),
         QStringLiteral("Directory of the Spyglass root CA (default: the app data dir)."),
         QStringLiteral("DIR")},
    });
}

bool ProxyOptions::parseListen(const QString& text, QString* host, quint16* port, QString* error) {
    // The host part goes through the request-target parser; the port is
    // checked here because 0 (pick a free port) is valid for --listen but
    // not in a URL authority.
    const qsizetype colon = text.lastIndexOf(u':');
    bool portOk = false;
    const QString portText = colon >= 0 ? text.mid(colon + 1) : QString();
    const uint value = portText.toUInt(&portOk);
    const auto authority =
        colon > 0 ? core::http1::parseAuthority(text.left(colon).toLatin1(), false) : std::nullopt;
    if (!authority || authority->hasPort || !portOk || value > 65535 || portText.startsWith(u'+')) {
        *error = QStringLiteral("--listen takes HOST:PORT or [IPv6]:PORT, e.g. 127.0.0.1:8080, "
                                "not \"%1\"")
                     .arg(text);
        return false;
    }
    *host = QString::fromLatin1(authority->host);
    *port = static_cast<quint16>(value);
    return true;
}

std::optional<UpstreamProxy> ProxyOptions::parseUpstreamProxy(const QString& text, QString* error) {
    const QUrl url(text, QUrl::StrictMode);
    const auto fail = [&] {
        *error = QStringLiteral("--upstream-proxy takes http://[USER:PASS@]HOST:PORT, not \"%1\"")
                     .arg(text);
        return std::nullopt;
    };
    if (!url.isValid() || url.scheme() != QLatin1StringView("http") || url.host().isEmpty() ||
        url.port() <= 0 || (!url.path().isEmpty() && url.path() != QLatin1StringView("/")))
        return fail();
    UpstreamProxy proxy;
    proxy.host = url.host().toLatin1();
    proxy.port = static_cast<quint16>(url.port());
    if (!url.userName().isEmpty())
        proxy.basicCredentials = url.userName(QUrl::FullyDecoded).toUtf8() + ':' +
                                 url.password(QUrl::FullyDecoded).toUtf8();
    return proxy;
}

std::optional<ProxyConfig> ProxyOptions::toConfig(const QCommandLineParser& parser,
                                                  QString* error) {
    ProxyConfig config;
    if (parser.isSet(QStringLiteral("listen")) &&
        !parseListen(parser.value(QStringLiteral("listen")), &config.listenHost, &config.listenPort,
                     error))
        return std::nullopt;
    config.allowLan = parser.isSet(QStringLiteral("allow-lan"));
    config.allowAnyConnectPort = parser.isSet(QStringLiteral("allow-any-port"));
    for (const QString& value : parser.values(QStringLiteral("allow-port"))) {
        const auto port = parsePort(value);
        if (!port) {
            *error =
                QStringLiteral("--allow-port takes a port from 1 to 65535, not \"%1\"").arg(value);
            return std::nullopt;
        }
        config.allowedConnectPorts.insert(*port);
    }
    if (parser.isSet(QStringLiteral("auth"))) {
        const QString auth = parser.value(QStringLiteral("auth"));
        if (auth.indexOf(u':') <= 0) {
            *error = QStringLiteral("--auth takes USER:PASS");
            return std::nullopt;
        }
        config.basicCredentials = auth.toUtf8();
    }
    if (parser.isSet(QStringLiteral("upstream-proxy"))) {
        auto upstream = parseUpstreamProxy(parser.value(QStringLiteral("upstream-proxy")), error);
        if (!upstream)
            return std::nullopt;
        config.upstreamProxy = *upstream;
    }
    if (parser.isSet(QStringLiteral("max-connections"))) {
        bool ok = false;
        const int n = parser.value(QStringLiteral("max-connections")).toInt(&ok);
        if (!ok || n < 1 || n > 100000) {
            *error = QStringLiteral("--max-connections takes a number from 1 to 100000");
            return std::nullopt;
        }
        config.limits.maxConnections = n;
    }
    auto& intercept = config.intercept;
    for (const QString& pattern : parser.values(QStringLiteral("intercept"))) {
        QString why;
        if (!intercept.rules.addInclude(pattern, &why)) {
            *error = QStringLiteral("--intercept: ") + why;
            return std::nullopt;
        }
    }
    for (const QString& pattern : parser.values(QStringLiteral("no-intercept"))) {
        QString why;
        if (!intercept.rules.addExclude(pattern, &why)) {
            *error = QStringLiteral("--no-intercept: ") + why;
            return std::nullopt;
        }
    }
    for (const QString& text : parser.values(QStringLiteral("insecure-upstream"))) {
        QString why;
        auto pattern = core::proxy::InterceptPattern::parse(text, &why);
        if (!pattern) {
            *error = QStringLiteral("--insecure-upstream: ") + why;
            return std::nullopt;
        }
        intercept.insecureUpstream.push_back(*pattern);
    }
    intercept.upstreamCaFiles = parser.values(QStringLiteral("upstream-ca"));
    intercept.passthroughOnReject = !parser.isSet(QStringLiteral("no-passthrough-on-reject"));
    intercept.keyLogFile = qEnvironmentVariable("SSLKEYLOGFILE");
    auto& limits = config.limits;
    if (!parseSeconds(parser, QStringLiteral("connect-timeout"), &limits.connectTimeoutMs, error) ||
        !parseSeconds(parser, QStringLiteral("header-timeout"), &limits.headerTimeoutMs, error) ||
        !parseSeconds(parser, QStringLiteral("idle-timeout"), &limits.keepAliveIdleMs, error) ||
        !parseSeconds(parser, QStringLiteral("tunnel-idle-timeout"), &limits.tunnelIdleMs, error))
        return std::nullopt;
    return config;
}

} // namespace spyglass::app
