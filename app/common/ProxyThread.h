#pragma once

#include "core/net/ProxyServer.h"
#include "core/proxy/ExchangeSummary.h"
#include "core/proxy/ProxyConfig.h"

#include <QObject>
#include <QThread>
#include <memory>

namespace spyglass::certs {
class LeafCache;
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

    ~ProxyThread() override;

    // The leaf cache for interception (see InterceptSetup). Before start(),
    // or while running (a regenerated CA: new tunnels mint from it).
    void setLeafCache(std::shared_ptr<certs::LeafCache> leaves);
    // Gets every record event on the I/O thread; before start(). Must
    // outlive the proxy (stop() first).
    void setRecorder(core::record::Recorder* recorder) { m_recorder = recorder; }

    // Starts the thread and binds; blocks until the listener is up or failed.
    bool start(QString* error);
    void stop();
    [[nodiscard]] QString listenAddress() const { return m_listenAddress; }
    [[nodiscard]] bool isRunning() const { return m_thread.isRunning(); }

    // The running proxy's config (the bound port filled in); the initial one
    // before start(). Blocks for a round trip to the I/O thread.
    [[nodiscard]] core::proxy::ProxyConfig config() const;
    // ProxyServer::reconfigure on the I/O thread; blocks until it is done.
    core::net::ProxyServer::Reconfigured reconfigure(core::proxy::ProxyConfig config);
    // Thread-safe list (see PassthroughList); empty when not running.
    [[nodiscard]] QList<core::proxy::PassthroughList::Entry> passthroughEntries() const;
    void clearPassthrough();

Q_SIGNALS:
    void exchangeCompleted(const spyglass::core::proxy::ExchangeSummary& summary);

private:
    void exchangeFinished(const core::proxy::ExchangeSummary& summary) override;

    core::proxy::ProxyConfig m_config;
    QThread m_thread;
    std::unique_ptr<core::net::ProxyServer> m_server; // lives on m_thread while it runs
    QString m_listenAddress;
    std::shared_ptr<certs::LeafCache> m_leaves;
    core::record::Recorder* m_recorder = nullptr;
};

} // namespace spyglass::app
