#pragma once

#include "core/proxy/ProxyConfig.h"

#include <QString>
#include <QStringList>
#include <memory>

namespace spyglass::certs {
class LeafCache;
}

namespace spyglass::app {

// Loads (or, on first use, creates) the root CA and builds the leaf cache the
// proxy mints from. Only needed when some host is intercepted, so a proxy
// that only tunnels never touches the CA.
struct InterceptSetup {
    std::shared_ptr<certs::LeafCache> leaves;
    QString caDirectory;
    bool caCreated = false;
    QStringList warnings; // e.g. the CA expires within 30 days

    // `caDirOption`: --ca-dir, empty = SPYGLASS_CA_DIR or the default.
    static std::optional<InterceptSetup> prepare(const QString& caDirOption, QString* error);
};

} // namespace spyglass::app
