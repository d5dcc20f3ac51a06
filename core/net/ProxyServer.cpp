#include "ProxyServer.h"

#include "AddressPolicy.h"
#include "core/http1/RequestTarget.h"
#include "core/tls/TlsContexts.h"

#include <QFile>
#include <QFileInfo>
#include <QNetworkInterface>
#include <unistd.h>
#include <vector>

namespace spyglass::core::net {

ProxyServer::ProxyServer(proxy::ProxyConfig config, proxy::ExchangeSink* sink,
                         record::Recorder* recorder, QObject* parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_sink(sink)
    , m_recorder(recorder)
    , m_context(std::make_unique<proxy::ProxyContext>(proxy::ProxyContext{m_config, m_ids}))
    , m_listener(
          [this](int fd, const QHostAddress& peer, quint16 port) { onAccepted(fd, peer, port); }) {
    m_context->interception = this;
}

ProxyServer::~ProxyServer() {
    stop();
}

bool ProxyServer::start(QString* error) {
    if (!bindListener(error))
        return false;
    m_context->passthrough = &m_passthrough;
    if (!prepareInterception(error)) {
        m_listener.close();
        return false;
    }
    return true;
}

bool ProxyServer::bindListener(QString* error) {
    QHostAddress address;
    QString host = m_config.listenHost;
    if (host.startsWith(u'[') && host.endsWith(u']'))
        host = host.mid(1, host.size() - 2);
    if (host == QLatin1StringView("localhost"))
        host = QStringLiteral("127.0.0.1");
    if (!address.setAddress(host)) {
        *error = QStringLiteral("cannot listen on \"%1\": give an IP address such as 127.0.0.1 "
                                "or [::1]")
                     .arg(m_config.listenHost);
        return false;
    }
    if (!address.isLoopback() && !m_config.allowLan) {
        *error = QStringLiteral("refusing to listen on %1, which is not a loopback address: "
                                "anyone who can reach it could use the proxy. Pass --allow-lan "
                                "to accept clients from your local network (phones, VMs).")
                     .arg(address.toString());
        return false;
    }
    if (!m_listener.listen(address, m_config.listenPort, error)) {
        *error = QStringLiteral("cannot listen on %1: %2")
                     .arg(QString::fromLatin1(http1::formatAuthority(address.toString().toLatin1(),
                                                                     m_config.listenPort)),
                          *error);
        return false;
    }
    m_config.listenHost = address.toString();
    m_config.listenPort = m_listener.port();
    return true;
}

bool ProxyServer::prepareInterception(QString* error) {
    if (m_config.intercept.rules.isEmpty())
        return true;
    if (!m_leaves && !m_leafSource) {
        *error = QStringLiteral("interception rules were given but no root CA is loaded");
        return false;
    }
    // Only what can be checked without OpenSSL (a file that is missing,
    // unreadable or holds no PEM block): parsing the certificates is
    // TlsContexts::create's job on the first intercepted connection, which
    // reports a malformed one to that connection.
    for (const QString& file : m_config.intercept.upstreamCaFiles) {
        QFile pem(file);
        const bool opened = QFileInfo(file).isFile() && pem.open(QIODevice::ReadOnly);
        if (!opened || !pem.readAll().contains("-----BEGIN ")) {
            *error = QStringLiteral("cannot load the CA file %1 (--upstream-ca): %2")
                         .arg(file, !QFileInfo::exists(file) ? QStringLiteral("no such file")
                                    : !opened                ? QStringLiteral("not a readable file")
                                              : QStringLiteral("no PEM certificate in it"));
            return false;
        }
    }
    if (m_config.intercept.upstreamCaFiles != m_tlsExtraCaFiles ||
        m_config.intercept.keyLogFile != m_tlsKeyLogFile) {
        // Made again, from the new inputs, by the next intercepted connection.
        if (m_tls)
            m_retiredTls.push_back(std::move(m_tls));
        m_tlsExtraCaFiles = m_config.intercept.upstreamCaFiles;
        m_tlsKeyLogFile = m_config.intercept.keyLogFile;
        m_interceptionError.clear();
    }
    return true;
}

bool ProxyServer::interceptionConfigured() const {
    return m_leaves || m_leafSource;
}

std::optional<proxy::InterceptionTools> ProxyServer::acquireInterception(QString* error) {
    if (m_tls && m_leaves)
        return proxy::InterceptionTools{*m_tls, *m_leaves};
    if (!m_interceptionError.isEmpty()) {
        *error = m_interceptionError;
        return std::nullopt;
    }
    if (!m_leaves && m_leafSource) {
        m_leaves = m_leafSource(&m_interceptionError);
        if (!m_leaves && m_interceptionError.isEmpty())
            m_interceptionError = QStringLiteral("the root CA could not be loaded");
    }
    if (m_leaves && !m_tls) {
        tls::TlsContexts::Options options;
        options.extraCaFiles = m_tlsExtraCaFiles;
        options.keyLogFile = m_tlsKeyLogFile;
        m_tls = tls::TlsContexts::create(options, &m_interceptionError);
    }
    if (!m_tls || !m_leaves) {
        if (m_interceptionError.isEmpty())
            m_interceptionError = QStringLiteral("no root CA is loaded");
        *error = m_interceptionError;
        return std::nullopt;
    }
    return proxy::InterceptionTools{*m_tls, *m_leaves};
}

void ProxyServer::setLeafCache(std::shared_ptr<certs::LeafCache> leaves) {
    // The old cache stays alive as long as a session's leaf holds on to it:
    // leaves are shared_ptrs handed out by get(), so dropping ours is safe.
    m_leaves = std::move(leaves);
    m_leafSource = nullptr;
    m_interceptionError.clear();
}

void ProxyServer::setLeafSource(LeafSource source) {
    m_leaves.reset();
    m_leafSource = std::move(source);
    m_interceptionError.clear();
}

ProxyServer::Reconfigured ProxyServer::reconfigure(proxy::ProxyConfig config) {
    Reconfigured result;
    const bool listenChanged = config.listenHost != m_config.listenHost ||
                               config.listenPort != m_config.listenPort ||
                               config.allowLan != m_config.allowLan;
    proxy::ProxyConfig previous = m_config;
    m_config = std::move(config);
    if (!listenChanged) {
        // Keep the bound port when the caller passed the configured one back.
        m_config.listenHost = previous.listenHost;
        m_config.listenPort = previous.listenPort;
    }
    if (!prepareInterception(&result.error)) {
        m_config = std::move(previous);
        return result;
    }
    if (!listenChanged)
        return result;
    m_listener.close();
    if (!bindListener(&result.error)) {
        const QString failure = result.error;
        m_config = std::move(previous); // the whole old config, as documented
        QString again;
        if (!bindListener(&again))
            result.error = failure +
                           QStringLiteral("; the old address could not be bound "
                                          "again either: ") +
                           again;
        return result;
    }
    result.listenerRestarted = true;
    return result;
}

void ProxyServer::stop() {
    m_listener.close();
    // Sessions that end while aborting leave m_sessions (sessionFinished).
    const std::vector<ClientSession*> open(m_sessions.begin(), m_sessions.end());
    for (ClientSession* session : open)
        session->abortOpenConnections(QStringLiteral("Spyglass stopped"));
    for (ClientSession* session : m_sessions)
        delete session;
    m_sessions.clear();
    m_retiredTls.clear();
}

QString ProxyServer::listenAddress() const {
    return QString::fromLatin1(
        http1::formatAuthority(m_config.listenHost.toLatin1(), m_config.listenPort));
}

ProxyStats ProxyServer::stats() const {
    ProxyStats s = m_stats;
    s.activeSessions = static_cast<int>(m_sessions.size());
    s.pendingBytes = 0;
    for (const ClientSession* session : m_sessions)
        s.pendingBytes += session->pendingBytes();
    return s;
}

void ProxyServer::onAccepted(int fd, const QHostAddress& peer, quint16 peerPort) {
    if (!isLocalNetworkAddress(peer)) {
        ++m_stats.refusedConnections;
        ::close(fd);
        return;
    }
    ++m_stats.acceptedConnections;
    bool isMappedV4 = false;
    const quint32 v4 = peer.toIPv4Address(&isMappedV4);
    const QHostAddress shown = isMappedV4 ? QHostAddress(v4) : peer;
    const QString client =
        QString::fromLatin1(http1::formatAuthority(shown.toString().toLatin1(), peerPort));
    auto* session = new ClientSession(fd, client, m_config, *this);
    m_sessions.insert(session);
    if (static_cast<int>(m_sessions.size()) >= m_config.limits.maxConnections)
        m_listener.setAccepting(false);
    session->start();
}

void ProxyServer::sessionFinished(ClientSession* session) {
    if (m_sessions.erase(session) == 0)
        return;
    session->deleteLater();
    if (static_cast<int>(m_sessions.size()) < m_config.limits.maxConnections)
        m_listener.setAccepting(true);
}

void ProxyServer::exchangeFinished(const proxy::ExchangeSummary& summary) {
    if (m_sink)
        m_sink->exchangeFinished(summary);
}

bool ProxyServer::isOwnListener(const QHostAddress& address, quint16 port) const {
    if (port != m_listener.port())
        return false;
    const QHostAddress bound = m_listener.address();
    if (address.isEqual(bound, QHostAddress::TolerantConversion))
        return true;
    if (bound.isLoopback())
        return false;
    // Bound to a LAN or wildcard address: any of this machine's addresses on
    // that port reaches us.
    if (address.isLoopback())
        return bound == QHostAddress::AnyIPv4 || bound == QHostAddress::AnyIPv6;
    return QNetworkInterface::allAddresses().contains(address);
}

void ProxyServer::record(record::RecordEvent event) {
    if (m_recorder)
        m_recorder->record(std::move(event));
}

void ProxyServer::notePendingBytes(qsizetype bytes) {
    if (bytes > m_stats.peakPendingBytes)
        m_stats.peakPendingBytes = bytes;
}

} // namespace spyglass::core::net
