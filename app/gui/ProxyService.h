#pragma once

#include "app/common/ProxyThread.h"
#include "ui/services/ProxyControl.h"

namespace spyglass::app {

// ui::ProxyControl over the proxy I/O thread: settings and rules go to the
// running ProxyServer (blocking round trips, each a few microseconds of
// work on the I/O thread), summaries come back as queued signals and are
// counted here.
class ProxyService final : public ui::ProxyControl {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProxyService)

public:
    explicit ProxyService(ProxyThread& proxy, QObject* parent = nullptr);

    [[nodiscard]] QString listenAddress() const override;
    [[nodiscard]] core::proxy::ProxyConfig config() const override;
    ApplyResult applyConfig(const core::proxy::ProxyConfig& config) override;
    [[nodiscard]] QList<core::proxy::PassthroughList::Entry> passthroughHosts() const override;
    void clearPassthrough() override;
    [[nodiscard]] Counters counters() const override { return m_counters; }

private:
    void count(const core::proxy::ExchangeSummary& summary);

    ProxyThread& m_proxy;
    Counters m_counters;
};

} // namespace spyglass::app
