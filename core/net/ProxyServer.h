#pragma once

#include "ClientSession.h"
#include "Listener.h"
#include "core/proxy/ExchangeSummary.h"
#include "core/proxy/InterceptionServices.h"
#include "core/proxy/ProxyConfig.h"
#include "core/record/Recorder.h"

#include <QObject>
#include <functional>
#include <memory>
#include <set>
#include <vector>

namespace spyglass::certs {
class LeafCache;
}
namespace spyglass::core::tls {
class TlsContexts;
}

namespace spyglass::core::net {

struct ProxyStats {
    qint64 acceptedConnections = 0;
    qint64 refusedConnections = 0; // global client addresses
    int activeSessions = 0;
    qsizetype pendingBytes = 0;     // queued for writing, all connections now
    qsizetype peakPendingBytes = 0; // the most one connection ever had queued
};

// The listening proxy: accepts clients (subject to the address policy and
// the connection cap) and runs one ClientSession per client. Lives on the
// proxy I/O thread; all its methods are called there.
class ProxyServer final : public QObject, private SessionHost, private proxy::InterceptionServices {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProxyServer)

public:
    // `sink` may be null; it receives a summary per finished exchange.
    // `recorder` may be null (recording off); it gets every record event.
    ProxyServer(proxy::ProxyConfig config, proxy::ExchangeSink* sink,
                record::Recorder* recorder = nullptr, QObject* parent = nullptr);
    ~ProxyServer() override;

    // Binds the configured address. Refuses a non-loopback address unless
    // allowLan is set. On success the config holds the bound port.
    bool start(QString* error);
    void stop();

    [[nodiscard]] const proxy::ProxyConfig& config() const { return m_config; }
    // "127.0.0.1:8080" or "[::1]:8080".
    [[nodiscard]] QString listenAddress() const;
    [[nodiscard]] ProxyStats stats() const;

    // Interception needs the leaf cache (from the root CA). Without it every
    // tunnel stays blind whatever the rules say. May be called while running
    // (a regenerated CA): connections accepted afterwards mint from it.
    void setLeafCache(std::shared_ptr<certs::LeafCache> leaves);
    // Makes the leaf cache (loads the CA key) when first needed; null with
    // `error` set when it cannot. Called on the proxy thread.
    using LeafSource = std::function<std::shared_ptr<certs::LeafCache>(QString* error)>;
    // Like setLeafCache, but the cache is made by `source` on the first
    // intercepted connection and kept: an idle proxy, or one whose rules never
    // match, never loads the key. A failure is reported to every intercepted
    // connection (tunnelled blindly, with the reason) without retrying, until
    // a new cache or source is set.
    void setLeafSource(LeafSource source);
    // Whether the TLS contexts and the leaf cache have been made (they are on
    // the first intercepted connection). For tests and diagnostics.
    [[nodiscard]] bool interceptionToolsMade() const { return m_tls && m_leaves; }

    // What reconfigure() did.
    struct Reconfigured {
        bool listenerRestarted = false;
        QString error; // empty on success; the old config stays in force
    };
    // Applies a new configuration while running (the GUI's settings and
    // intercept rules). New connections use it at once; connections already
    // open keep reading the same config object, so they see new rules and
    // limits from their next decision on. A changed listen address closes the
    // listener and binds the new one (open connections are kept); if the new
    // address cannot be bound the old one is bound again and nothing changes.
    Reconfigured reconfigure(proxy::ProxyConfig config);
    // Hosts tunnelled blindly after their client rejected our certificate.
    [[nodiscard]] proxy::PassthroughList& passthrough() { return m_passthrough; }

private:
    // Checks, cheaply, what interception will need (a CA, readable extra CA
    // files) and drops TLS contexts whose inputs (extra CAs, key log)
    // changed; acquireInterception() makes them when first needed.
    bool prepareInterception(QString* error);
    [[nodiscard]] bool interceptionConfigured() const override;
    std::optional<proxy::InterceptionTools> acquireInterception(QString* error) override;
    bool bindListener(QString* error);
    void onAccepted(int fd, const QHostAddress& peer, quint16 peerPort);
    void sessionFinished(ClientSession* session) override;
    void exchangeFinished(const proxy::ExchangeSummary& summary) override;
    [[nodiscard]] bool isOwnListener(const QHostAddress& address, quint16 port) const override;
    void notePendingBytes(qsizetype bytes) override;
    void record(record::RecordEvent event) override;
    [[nodiscard]] const proxy::ProxyContext& context() const override { return *m_context; }

    proxy::ProxyConfig m_config;
    proxy::ExchangeSink* m_sink;
    record::Recorder* m_recorder;
    record::ExchangeIdSource m_ids;
    std::shared_ptr<certs::LeafCache> m_leaves;
    LeafSource m_leafSource;
    // Why the tools could not be made; not retried until the inputs change.
    QString m_interceptionError;
    std::unique_ptr<tls::TlsContexts> m_tls;
    // Contexts replaced by reconfigure(): sessions that started under them
    // may still hold SSL objects made from them, so they live until stop().
    std::vector<std::unique_ptr<tls::TlsContexts>> m_retiredTls;
    QStringList m_tlsExtraCaFiles; // what m_tls was built from
    QString m_tlsKeyLogFile;
    proxy::PassthroughList m_passthrough;
    std::unique_ptr<proxy::ProxyContext> m_context;
    Listener m_listener;
    std::set<ClientSession*> m_sessions;
    ProxyStats m_stats;
};

} // namespace spyglass::core::net
