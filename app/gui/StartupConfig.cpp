#include "StartupConfig.h"

namespace spyglass::app {

using core::proxy::ProxyConfig;

ProxyConfig StartupConfig::merge(const ProxyConfig& saved, const ProxyConfig& cli,
                                 const QCommandLineParser& parser) {
    const auto given = [&parser](const char* name) {
        return parser.isSet(QString::fromLatin1(name));
    };
    ProxyConfig config = saved;
    // Timeouts, the connection cap and SSLKEYLOGFILE are not saved settings:
    // always what the command line (or its defaults) say.
    config.limits = cli.limits;
    config.intercept.keyLogFile = cli.intercept.keyLogFile;
    if (given("listen")) {
        config.listenHost = cli.listenHost;
        config.listenPort = cli.listenPort;
    }
    if (given("allow-lan"))
        config.allowLan = true;
    if (given("allow-port"))
        config.allowedConnectPorts = cli.allowedConnectPorts;
    if (given("allow-any-port"))
        config.allowAnyConnectPort = true;
    if (given("auth"))
        config.basicCredentials = cli.basicCredentials;
    if (given("upstream-proxy"))
        config.upstreamProxy = cli.upstreamProxy;
    if (given("intercept") || given("no-intercept"))
        config.intercept.rules = cli.intercept.rules;
    if (given("insecure-upstream"))
        config.intercept.insecureUpstream = cli.intercept.insecureUpstream;
    if (given("upstream-ca"))
        config.intercept.upstreamCaFiles = cli.intercept.upstreamCaFiles;
    if (given("no-passthrough-on-reject"))
        config.intercept.passthroughOnReject = false;
    return config;
}

void StartupConfig::applySavedRecording(const QCommandLineParser& parser,
                                        const ui::RecordingSettings& saved,
                                        core::store::WriterOptions& options) {
    if (!parser.isSet(QStringLiteral("body-cap")))
        options.queue.bodyCap = saved.bodyCap;
    if (!parser.isSet(QStringLiteral("durable")))
        options.durability = saved.durable ? core::store::SessionFile::Durability::Full
                                           : core::store::SessionFile::Durability::Normal;
}

} // namespace spyglass::app
