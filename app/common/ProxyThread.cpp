#include "ProxyThread.h"

#include "core/net/ProxyServer.h"

#include <QDateTime>

namespace spyglass::app {

ProxyThread::ProxyThread(core::proxy::ProxyConfig config, QObject* parent)
    : QObject(parent)
    , m_config(std::move(config)) {
    qRegisterMetaType<core::proxy::ExchangeSummary>();
    m_thread.setObjectName(QStringLiteral("proxy-io"));
}

ProxyThread::~ProxyThread() {
    stop();
}

bool ProxyThread::start(QString* error) {
    // Built here, moved to the I/O thread before it creates any notifier, and
    // started there; this thread waits for the outcome.
    core::proxy::ExchangeSink* sink = this;
    m_server = std::make_unique<core::net::ProxyServer>(m_config, sink, m_recorder);
    m_server->setLeafCache(m_leaves);
    m_server->moveToThread(&m_thread);
    m_thread.start();
    bool ok = false;
    core::net::ProxyServer* server = m_server.get();
    QMetaObject::invokeMethod(
        server,
        [&] {
            ok = server->start(error);
            if (ok)
                m_listenAddress = server->listenAddress();
        },
        Qt::BlockingQueuedConnection);
    if (!ok)
        stop();
    return ok;
}

void ProxyThread::stop() {
    if (!m_thread.isRunning())
        return;
    core::net::ProxyServer* server = m_server.get();
    QThread* home = thread();
    QMetaObject::invokeMethod(
        server,
        [server, home] {
            server->stop();
            server->moveToThread(home); // so this thread can destroy it
        },
        Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
    m_server.reset();
}

void ProxyThread::setLeafCache(std::shared_ptr<certs::LeafCache> leaves) {
    m_leaves = std::move(leaves);
    if (!m_thread.isRunning())
        return;
    core::net::ProxyServer* server = m_server.get();
    QMetaObject::invokeMethod(
        server, [server, leaves = m_leaves] { server->setLeafCache(leaves); },
        Qt::BlockingQueuedConnection);
}

core::proxy::ProxyConfig ProxyThread::config() const {
    if (!m_thread.isRunning())
        return m_config;
    core::proxy::ProxyConfig copy;
    core::net::ProxyServer* server = m_server.get();
    QMetaObject::invokeMethod(
        server, [server, &copy] { copy = server->config(); }, Qt::BlockingQueuedConnection);
    return copy;
}

core::net::ProxyServer::Reconfigured ProxyThread::reconfigure(core::proxy::ProxyConfig config) {
    if (!m_thread.isRunning()) {
        m_config = std::move(config);
        return {};
    }
    core::net::ProxyServer::Reconfigured result;
    core::net::ProxyServer* server = m_server.get();
    QMetaObject::invokeMethod(
        server,
        [&] {
            result = server->reconfigure(std::move(config));
            m_listenAddress = server->listenAddress();
        },
        Qt::BlockingQueuedConnection);
    return result;
}

QList<core::proxy::PassthroughList::Entry> ProxyThread::passthroughEntries() const {
    if (!m_server)
        return {};
    return m_server->passthrough().entries(QDateTime::currentMSecsSinceEpoch() * 1000);
}

void ProxyThread::clearPassthrough() {
    if (m_server)
        m_server->passthrough().clear();
}

void ProxyThread::exchangeFinished(const core::proxy::ExchangeSummary& summary) {
    // Called on the I/O thread; the queued call hands a copy to our thread.
    QMetaObject::invokeMethod(
        this, [this, summary] { Q_EMIT exchangeCompleted(summary); }, Qt::QueuedConnection);
}

} // namespace spyglass::app
