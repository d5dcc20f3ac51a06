// spyglass: the desktop app. Starts the same proxy as `spyglass-cli run` on
// an I/O thread, records into a session file the same way, and shows it in
// the main window.
//
//   spyglass [SESSION.spyglass] [--listen HOST:PORT] [run's proxy options]
//
// A SESSION named here opens read-only in the window; new captures go to a
// new session file (or to --session FILE, appended to).
#include "GuiApp.h"
#include "StartupConfig.h"
#include "app/ca/CaLocation.h"
#include "app/common/MallocTuning.h"
#include "app/common/ProxyOptions.h"
#include "app/common/SessionRecording.h"
#include "app/common/SignalWatcher.h"
#include "ui/MainWindow.h"
#include "ui/services/UserPrompts.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QIcon>
#include <QMessageBox>
#include <QStatusBar>
#include <csignal>
#include <cstdio>

using namespace spyglass;

namespace {

int fail(const QString& message, int code) {
    std::fprintf(stderr, "spyglass: %s\n", qPrintable(message));
    if (qobject_cast<QApplication*>(QCoreApplication::instance()))
        QMessageBox::critical(nullptr, QStringLiteral("Spyglass"), message);
    return code;
}

} // namespace

int main(int argc, char** argv) {
    spyglass::app::tuneMalloc();
    // QGuiApplication takes `-session`/`--session NAME` out of argv for X11
    // session management, which would swallow our --session FILE; parse
    // the arguments as they were given.
    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments << QString::fromLocal8Bit(argv[i]);
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("Spyglass"));
    QApplication::setApplicationVersion(QStringLiteral(SPYGLASS_VERSION));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/spyglass.svg")));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Spyglass, the HTTPS debugging proxy."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("session"),
                                 QStringLiteral("A session file to open (read-only)."),
                                 QStringLiteral("[SESSION.spyglass]"));
    app::ProxyOptions::addTo(parser);
    app::SessionRecording::addOptions(parser);
    parser.process(arguments);
    if (parser.positionalArguments().size() > 1)
        return fail(QStringLiteral("give at most one session file to open"), 2);

    QString error;
    const auto cli = app::ProxyOptions::toConfig(parser, &error);
    if (!cli)
        return fail(error, 2);
    // ~/.config/Spyglass/Spyglass.conf. No organisation name is set on the
    // application: it would move the app data dir (CA, sessions) away from
    // the one spyglass-cli uses (~/.local/share/Spyglass).
    QSettings settings(QSettings::NativeFormat, QSettings::UserScope, QStringLiteral("Spyglass"),
                       QStringLiteral("Spyglass"));
    ui::SettingsStore store(settings);

    app::GuiApp::Options options;
    options.config = app::StartupConfig::merge(store.loadProxy(), *cli, parser);
    if (const int code = app::SessionRecording::writerOptions(parser, &options.recording, &error);
        code != 0)
        return fail(error, code);
    if (options.recording)
        app::StartupConfig::applySavedRecording(parser, store.loadRecording(), *options.recording);
    options.caDir = app::CaLocation::resolve(parser.value(QStringLiteral("ca-dir")));
    options.trust = app::TrustEnvironment::fromProcessEnvironment();
    options.elevate = {
        QStringLiteral("pkexec"),
        QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("spyglass-cli"))};

    // A file size limit (ulimit -f) must pause recording, not kill the app.
    std::signal(SIGXFSZ, SIG_IGN);
    ui::QtUserPrompts prompts;
    app::GuiApp gui(options, settings, prompts);
    if (!gui.start(&error))
        return fail(error, 1);
    for (const QString& warning : gui.warnings())
        std::fprintf(stderr, "warning: %s\n", qPrintable(warning));
    ui::MainWindow& window = gui.window();
    if (!parser.positionalArguments().isEmpty())
        window.openSessionFile(parser.positionalArguments().constFirst());
    window.show();
    // Ctrl+C in the terminal or a logout's SIGTERM closes the window like
    // Quit does, so the session is finished properly below.
    app::SignalWatcher signalWatcher([&window](int) { window.close(); });
    const int code = QApplication::exec();
    // Quitting finishes the writes: the proxy stops, then the writer drains.
    gui.shutdown();
    return code;
}
