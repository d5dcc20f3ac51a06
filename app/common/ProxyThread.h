#pragma once

#include "core/proxy/ExchangeSummary.h"
#include "core/proxy/ProxyConfig.h"

#include <QObject>
#include <QThread>
#include <memory>

namespace spyglass::certs {
class LeafCache;
}
namespace spyglass::core::net {
class ProxyServer;
}

namespace spyglass::app {

// Runs a ProxyServer on its own I/O thread (architecture guide §2: the GUI
// thread never touches sockets) and brings finished exchanges back to the
// thread that owns this object as a queued signal.
class ProxyThread final : public QObject, private core::proxy::ExchangeSink {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProxyThread)

public:
    explicit ProxyThread(core::proxy::ProxyConfig config, QObject* parent = nullptr);

    // The leaf cache for interception (see InterceptSetup); before start().
    void setLeafCache(std::shared_ptr<certs::LeafCache> leaves) { m_leaves = std::move(leaves); }
    ~ProxyThread() override;

    // Starts the thread and binds; blocks until the listener is up or failed.
    bool start(QString* error);
    void stop();
    [[nodiscard]] QString listenAddress() const { return m_listenAddress; }

Q_SIGNALS:
    void exchangeCompleted(const spyglass::core::proxy::ExchangeSummary& summary);

private:
    void exchangeFinished(const core::proxy::ExchangeSummary& summary) override;

    core::proxy::ProxyConfig m_config;
    QThread m_thread;
    std::unique_ptr<core::net::ProxyServer> m_server; // lives on m_thread while it runs
    QString m_listenAddress;
    std::shared_ptr<certs::LeafCache> m_leaves;
};

} // namespace spyglass::app
