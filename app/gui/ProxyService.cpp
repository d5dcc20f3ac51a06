#include "ProxyService.h"

namespace spyglass::app {

ProxyService::ProxyService(ProxyThread& proxy, QObject* parent)
    : ui::ProxyControl(parent)
    , m_proxy(proxy) {
    connect(&m_proxy, &ProxyThread::exchangeCompleted, this, &ProxyService::count);
}

QString ProxyService::listenAddress() const {
    return m_proxy.listenAddress();
}

core::proxy::ProxyConfig ProxyService::config() const {
    return m_proxy.config();
}

ProxyService::ApplyResult ProxyService::applyConfig(const core::proxy::ProxyConfig& wanted) {
    core::proxy::ProxyConfig next = wanted;
    const core::proxy::ProxyConfig current = m_proxy.config();
    // Port 0 means "any free port": when the proxy already runs on one and
    // the host did not change, keep it rather than moving to another.
    if (next.listenPort == 0 && next.listenHost == current.listenHost)
        next.listenPort = current.listenPort;
    const QString before = m_proxy.listenAddress();
    const auto outcome = m_proxy.reconfigure(std::move(next));
    ApplyResult result;
    result.ok = outcome.error.isEmpty();
    result.listenerRestarted = outcome.listenerRestarted;
    if (!result.ok)
        result.message = outcome.error;
    else if (outcome.listenerRestarted)
        result.message = tr("The listener was restarted: Spyglass now listens on %1 (was %2). "
                            "Open connections were kept.")
                             .arg(m_proxy.listenAddress(), before);
    else
        result.message = tr("Applied; new connections use the new settings.");
    if (outcome.listenerRestarted)
        Q_EMIT listenAddressChanged(m_proxy.listenAddress());
    if (result.ok)
        Q_EMIT configChanged();
    return result;
}

QList<core::proxy::PassthroughList::Entry> ProxyService::passthroughHosts() const {
    return m_proxy.passthroughEntries();
}

void ProxyService::clearPassthrough() {
    m_proxy.clearPassthrough();
}

void ProxyService::count(const core::proxy::ExchangeSummary& summary) {
    switch (summary.mode) {
    case core::proxy::ExchangeMode::Tunnel:
        ++m_counters.tunnels;
        break;
    case core::proxy::ExchangeMode::Intercepted:
        ++m_counters.intercepted;
        ++m_counters.exchanges;
        break;
    case core::proxy::ExchangeMode::Forward:
        ++m_counters.exchanges;
        break;
    }
    Q_EMIT exchangeFinished(summary);
}

} // namespace spyglass::app
