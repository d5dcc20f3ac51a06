// spyglass-cli: the headless proxy and the tools around it. Links no Widgets.
#include "RunCommand.h"
#include "SessionCommands.h"
#include "app/ca/CaCommand.h"
#include "app/common/MallocTuning.h"

#include <QCoreApplication>
#include <QTextStream>
#include <cstdio>

namespace {

constexpr const char* kUsage =
    "Usage: spyglass-cli COMMAND [options]\n"
    "\n"
    "Commands:\n"
    "  run        Run the proxy in the foreground (see 'spyglass-cli run --help').\n"
    "  ca         Manage the Spyglass root CA: show, export, install, uninstall,\n"
    "             regenerate, mint (see 'spyglass-cli ca --help').\n"
    "  list       List the exchanges of a session file (--filter EXPR).\n"
    "  show       Print one exchange of a session file: heads, bodies, timings, TLS.\n"
    "  export     Export a session as HAR 1.2 (--har OUT), or a request as curl (--curl ID).\n"
    "\n"
    "Options:\n"
    "  -h, --help     Show this help.\n"
    "  -v, --version  Show the version.\n";

} // namespace

int main(int argc, char** argv) {
    spyglass::app::tuneMalloc();
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("Spyglass"));
    QCoreApplication::setApplicationVersion(QStringLiteral(SPYGLASS_VERSION));

    QStringList args = QCoreApplication::arguments();
    const QString command = args.size() > 1 ? args.at(1) : QString();
    if (command.isEmpty() || command == QLatin1StringView("-h") ||
        command == QLatin1StringView("--help") || command == QLatin1StringView("help")) {
        std::fputs(kUsage, command.isEmpty() ? stderr : stdout);
        return command.isEmpty() ? 2 : 0;
    }
    if (command == QLatin1StringView("-v") || command == QLatin1StringView("--version")) {
        std::printf("spyglass-cli %s\n", SPYGLASS_VERSION);
        return 0;
    }
    if (command == QLatin1StringView("run")) {
        args.removeAt(1);
        return spyglass::app::runProxyCommand(args);
    }
    if (command == QLatin1StringView("list") || command == QLatin1StringView("show") ||
        command == QLatin1StringView("export")) {
        args.removeAt(1);
        if (command == QLatin1StringView("list"))
            return spyglass::app::runListCommand(args);
        if (command == QLatin1StringView("show"))
            return spyglass::app::runShowCommand(args);
        return spyglass::app::runExportCommand(args);
    }
    if (command == QLatin1StringView("ca")) {
        QTextStream out(stdout);
        QTextStream err(stderr);
        return spyglass::app::runCaCommand(args.mid(2), out, err);
    }
    std::fprintf(stderr, "spyglass-cli: unknown command \"%s\"\n\n%s", qPrintable(command), kUsage);
    return 2;
}
