#include "ProxyThread.h"

#include "core/net/ProxyServer.h"

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
    m_server = std::make_unique<core::net::ProxyServer>(m_config, sink);
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

void ProxyThread::exchangeFinished(const core::proxy::ExchangeSummary& summary) {
    // Called on the I/O thread; the queued call hands a copy to our thread.
    QMetaObject::invokeMethod(
        this, [this, summary] { Q_EMIT exchangeCompleted(summary); }, Qt::QueuedConnection);
}

} // namespace spyglass::app
