#pragma once

#include <QString>
#include <optional>

namespace spyglass::certs {
class LeafCache;
}
namespace spyglass::core::tls {
class TlsContexts;
}

namespace spyglass::core::proxy {

// What an intercepted connection needs besides the rules: the OpenSSL
// contexts and the leaf cache minting from the root CA.
struct InterceptionTools {
    tls::TlsContexts& tls;
    certs::LeafCache& leaves;
};

// Hands out the interception tools, making them on first use (ProxyServer):
// parsing the system trust store and loading the CA key cost about 4 MiB of
// memory and real CPU, which a proxy whose rules never match, or that sits
// idle, should not pay. Called on the proxy thread only.
class InterceptionServices {
public:
    virtual ~InterceptionServices() = default;
    // Whether interception is set up at all (a CA or a way to load one). Cheap.
    [[nodiscard]] virtual bool interceptionConfigured() const = 0;
    // The tools, made now if this is the first intercepted connection;
    // nullopt and `error` set when they cannot be made (e.g. the CA key is
    // unreadable), and the connection is then tunnelled blindly.
    virtual std::optional<InterceptionTools> acquireInterception(QString* error) = 0;
};

} // namespace spyglass::core::proxy
