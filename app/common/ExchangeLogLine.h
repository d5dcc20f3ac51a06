#pragma once

#include "core/proxy/ExchangeSummary.h"

#include <QString>

namespace spyglass::app {

// One line per finished exchange, as `spyglass-cli run` prints it:
// `HH:MM:SS.mmm CLIENT METHOD TARGET STATUS up=N down=N time=Nms MODE [note="..."] [error="..."]`
[[nodiscard]] QString exchangeLogLine(const core::proxy::ExchangeSummary& summary);

} // namespace spyglass::app
