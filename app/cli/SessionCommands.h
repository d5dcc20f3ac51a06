#pragma once

#include <QStringList>

namespace spyglass::app {

// `spyglass-cli list SESSION [--filter EXPR] [--limit N]`: one line per exchange.
int runListCommand(const QStringList& arguments);
// `spyglass-cli show SESSION ID [--raw]`: one exchange in full.
int runShowCommand(const QStringList& arguments);
// `spyglass-cli export SESSION (--har OUT [--filter EXPR] [--redact] | --curl ID)`.
int runExportCommand(const QStringList& arguments);

} // namespace spyglass::app
