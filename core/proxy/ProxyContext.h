#pragma once

#include "InterceptionServices.h"
#include "PassthroughList.h"
#include "ProxyConfig.h"
#include "core/record/ExchangeIdSource.h"

namespace spyglass::core::proxy {

// What layers share within one proxy: the configuration, the exchange id
// source, and the interception services (absent or unconfigured when
// nothing is intercepted; they make the TLS contexts and load the CA on the
// first intercepted connection, so a blind-tunnel-only proxy never does).
struct ProxyContext {
    const ProxyConfig& config;
    record::ExchangeIdSource& ids;
    InterceptionServices* interception = nullptr;
    PassthroughList* passthrough = nullptr;

    [[nodiscard]] bool canIntercept() const {
        return interception && interception->interceptionConfigured() &&
               !config.intercept.rules.isEmpty();
    }
};

} // namespace spyglass::core::proxy
