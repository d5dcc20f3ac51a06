#include "RunCommand.h"

#include "SignalWatcher.h"
#include "app/common/ExchangeLogLine.h"
#include "app/common/ProxyOptions.h"
#include "core/net/ProxyServer.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <cstdio>

namespace spyglass::app {

namespace {

// Prints one line per exchange; stdout is flushed per line so a pipe (a test,
// `| grep`) sees each exchange as it finishes.
class StdoutExchangePrinter final : public core::proxy::ExchangeSink {
public:
    void exchangeFinished(const core::proxy::ExchangeSummary& summary) override {
        const QByteArray line = exchangeLogLine(summary).toUtf8() + '\n';
        std::fwrite(line.constData(), 1, static_cast<size_t>(line.size()), stdout);
        std::fflush(stdout);
    }
};

} // namespace

int runProxyCommand(const QStringList& arguments) {
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Run the Spyglass proxy in the foreground. Point clients at it with "
                       "http_proxy/https_proxy or curl -x. Stop with Ctrl+C."));
    parser.addHelpOption();
    ProxyOptions::addTo(parser);
    parser.addOption(
        {QStringLiteral("quiet"), QStringLiteral("Do not print a line per finished exchange.")});
    if (!parser.parse(arguments)) {
        std::fprintf(stderr, "spyglass-cli run: %s\nTry 'spyglass-cli run --help'.\n",
                     qPrintable(parser.errorText()));
        return 2;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        std::fputs(qPrintable(parser.helpText()), stdout);
        return 0;
    }
    if (!parser.positionalArguments().isEmpty()) {
        std::fprintf(stderr, "spyglass-cli run: unexpected argument \"%s\"\n",
                     qPrintable(parser.positionalArguments().constFirst()));
        return 2;
    }
    QString error;
    const auto config = ProxyOptions::toConfig(parser, &error);
    if (!config) {
        std::fprintf(stderr, "spyglass-cli run: %s\n", qPrintable(error));
        return 2;
    }

    StdoutExchangePrinter printer;
    core::net::ProxyServer server(*config,
                                  parser.isSet(QStringLiteral("quiet")) ? nullptr : &printer);
    if (!server.start(&error)) {
        std::fprintf(stderr, "spyglass-cli run: %s\n", qPrintable(error));
        return 1;
    }
    if (config->allowLan && !QHostAddress(server.config().listenHost).isLoopback()) {
        std::fprintf(stderr,
                     "warning: listening on %s beyond loopback: devices on your local network "
                     "can use this proxy (public addresses are refused).\n",
                     qPrintable(server.listenAddress()));
    }
    std::printf("Spyglass %s listening on %s\n", SPYGLASS_VERSION,
                qPrintable(server.listenAddress()));
    std::fflush(stdout);

    SignalWatcher signalWatcher([&](int) { QCoreApplication::quit(); });
    const int code = QCoreApplication::exec();
    server.stop();
    return code;
}

} // namespace spyglass::app
