// Test-only stand-in for `spyglass-cli ca ...`: sets the application name
// as app/cli/main.cpp does (so AppDataLocation is ~/.local/share/Spyglass)
// and hands the remaining arguments to runCaCommand.

#include "app/ca/CaCommand.h"

#include <QCoreApplication>
#include <cstdio>

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("Spyglass"));
    QTextStream out(stdout);
    QTextStream err(stderr);
    return spyglass::app::runCaCommand(app.arguments().mid(1), out, err);
}
