#include "RunCommand.h"

#include "ConsoleCommands.h"
#include "SessionRecording.h"
#include "SignalWatcher.h"
#include "app/common/ExchangeLogLine.h"
#include "app/common/InterceptSetup.h"
#include "app/common/MallocTuning.h"
#include "app/common/ProxyOptions.h"
#include "core/net/ProxyServer.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <csignal>
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
    SessionRecording::addOptions(parser);
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

    std::unique_ptr<core::store::SessionWriter> recorder;
    if (const int code = SessionRecording::create(parser, &recorder, &error); code != 0) {
        std::fprintf(stderr, "spyglass-cli run: %s\n", qPrintable(error));
        return code;
    }
    if (recorder) {
        // A file size limit (ulimit -f) must pause recording, not kill the
        // proxy: with SIGXFSZ ignored the write fails with EFBIG instead.
        std::signal(SIGXFSZ, SIG_IGN);
        SessionRecording::reportStatusChanges(*recorder);
        recorder->start();
    }

    StdoutExchangePrinter printer;
    core::net::ProxyServer server(
        *config, parser.isSet(QStringLiteral("quiet")) ? nullptr : &printer, recorder.get());
    if (!config->intercept.rules.isEmpty()) {
        // The CA key is loaded and the TLS contexts are made on the first
        // intercepted connection (about 4 MiB an idle proxy does not need);
        // what a user must hear about at start is still checked here.
        const auto setup =
            InterceptSetup::prepareDeferred(parser.value(QStringLiteral("ca-dir")), &error);
        if (!setup) {
            std::fprintf(stderr, "spyglass-cli run: %s\n", qPrintable(error));
            return 1;
        }
        for (const QString& warning : setup->warnings)
            std::fprintf(stderr, "warning: %s\n", qPrintable(warning));
        if (setup->caCreated)
            std::fprintf(stderr,
                         "Created a new Spyglass root CA in %s. Trust it with "
                         "'spyglass-cli ca install' or export it with 'spyglass-cli ca export'.\n",
                         qPrintable(setup->caDirectory));
        server.setLeafSource([source = setup->leafSource](QString* failure) {
            auto leaves = source(failure);
            if (!leaves) {
                // Once: the server keeps the failure and tunnels every
                // intercepted connection blindly, each with this reason.
                std::fprintf(stderr,
                             "spyglass-cli run: interception is off, connections are tunnelled "
                             "without it: %s\n",
                             qPrintable(*failure));
                std::fflush(stderr);
            }
            return leaves;
        });
    }
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
    // Before saying we listen: a script that stops us as soon as we are up
    // (SIGTERM) must get a clean stop, not the default action (seen under
    // load: exit -15 and a session never finished).
    SignalWatcher signalWatcher([&](int) { QCoreApplication::quit(); });
    std::printf("Spyglass %s listening on %s\n", SPYGLASS_VERSION,
                qPrintable(server.listenAddress()));
    std::fflush(stdout);
    if (recorder)
        std::fprintf(stderr, "Recording to %s\n", qPrintable(recorder->path()));

    ConsoleCommands console(server, recorder.get());
    releaseStartupMemory();
    const int code = QCoreApplication::exec();
    server.stop();
    if (recorder) {
        // After the server: exchanges it ends while stopping are recorded.
        recorder->stop();
        std::fprintf(stderr, "%s\n", qPrintable(recorder->status().summary()));
    }
    return code;
}

} // namespace spyglass::app
