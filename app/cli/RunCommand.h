#pragma once

#include <QStringList>

namespace spyglass::app {

// `spyglass-cli run [options]`: the headless proxy in the foreground until
// SIGINT or SIGTERM. `arguments` starts with the program name.
int runProxyCommand(const QStringList& arguments);

} // namespace spyglass::app
