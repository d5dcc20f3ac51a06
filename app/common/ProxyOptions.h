#pragma once

#include "core/proxy/ProxyConfig.h"

#include <QCommandLineParser>
#include <QString>
#include <optional>

namespace spyglass::app {

// The proxy options shared by `spyglass-cli run` and the GUI (`spyglass`).
class ProxyOptions {
public:
    // Adds every proxy option to `parser`.
    static void addTo(QCommandLineParser& parser);
    // Builds a config from a parsed command line. On a bad value returns
    // nullopt and sets `error` to a message that names the option.
    static std::optional<core::proxy::ProxyConfig> toConfig(const QCommandLineParser& parser,
                                                            QString* error);
    // Parses "http://[user:pass@]host:port" for --upstream-proxy.
    static std::optional<core::proxy::UpstreamProxy> parseUpstreamProxy(const QString& url,
                                                                        QString* error);
    // Parses "HOST:PORT" or "[IPv6]:PORT" for --listen.
    static bool parseListen(const QString& text, QString* host, quint16* port, QString* error);
};

} // namespace spyglass::app
