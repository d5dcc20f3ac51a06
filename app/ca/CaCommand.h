#pragma once

#include <QStringList>
#include <QTextStream>

namespace spyglass::app {

// `spyglass-cli ca ...`: `args` are the words after "ca". Returns the process
// exit code; output goes to `out`, errors (naming the file and the fix) to `err`.
int runCaCommand(const QStringList& args, QTextStream& out, QTextStream& err);

} // namespace spyglass::app
