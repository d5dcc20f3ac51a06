#pragma once

#include "core/net/ProxyServer.h"
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
    // Set by prepare(); prepareDeferred() sets leafSource instead.
    std::shared_ptr<certs::LeafCache> leaves;
    core::net::ProxyServer::LeafSource leafSource;
    QString caDirectory;
    bool caCreated = false;
    QStringList warnings; // e.g. the CA expires within 30 days

    // `caDirOption`: --ca-dir, empty = SPYGLASS_CA_DIR or the default.
    // Loads the CA key and makes the leaf key now.
    static std::optional<InterceptSetup> prepare(const QString& caDirOption, QString* error);
    // What a headless proxy does: everything a user must hear about at start
    // is checked now (a missing CA is created and reported, an incomplete
    // one, bad permissions and an unreadable or expiring certificate are
    // reported), but the CA key is read and the leaf key made by leafSource,
    // on the first intercepted connection. A key that fails to load then is
    // that connection's error (and the caller's to report).
    static std::optional<InterceptSetup> prepareDeferred(const QString& caDirOption,
                                                         QString* error);
};

} // namespace spyglass::app
