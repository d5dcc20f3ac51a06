#pragma once

#include "PassthroughList.h"
#include "ProxyConfig.h"
#include "core/record/ExchangeIdSource.h"

namespace spyglass::certs {
class LeafCache;
}
namespace spyglass::core::tls {
class TlsContexts;
}

namespace spyglass::core::proxy {

// What layers share within one proxy: the configuration, the exchange id
// source, and the interception services (absent when nothing is
// intercepted, so a blind-tunnel-only proxy never loads the CA).
struct ProxyContext {
    const ProxyConfig& config;
    record::ExchangeIdSource& ids;
    tls::TlsContexts* tls = nullptr;
    certs::LeafCache* leaves = nullptr;
    PassthroughList* passthrough = nullptr;

    [[nodiscard]] bool canIntercept() const {
        return tls && leaves && !config.intercept.rules.isEmpty();
    }
};

} // namespace spyglass::core::proxy
