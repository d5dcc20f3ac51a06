#pragma once

#include "Connector.h"
#include "Socket.h"
#include "core/proxy/Layer.h"
#include "core/proxy/ProxyConfig.h"
#include "core/proxy/ProxyContext.h"

#include <QObject>
#include <QTimer>
#include <deque>
#include <map>
#include <memory>
#include <vector>

namespace spyglass::core::net {

// What a session needs from the server that owns it.
class SessionHost {
public:
    virtual ~SessionHost() = default;
    virtual void sessionFinished(class ClientSession* session) = 0;
    virtual void exchangeFinished(const proxy::ExchangeSummary& summary) = 0;
    [[nodiscard]] virtual bool isOwnListener(const QHostAddress& address, quint16 port) const = 0;
    virtual void notePendingBytes(qsizetype bytes) = 0;
    virtual void record(record::RecordEvent event) = 0;
    [[nodiscard]] virtual const proxy::ProxyContext& context() const = 0;
};

// The session driver (architecture guide §2): the only code that touches the
// sockets of one client connection. It turns socket activity into events for
// the layer and executes the commands the layer returns. It adds write-side
// backpressure: while any connection has more than the high-water mark queued,
// the driver stops reading from the others, so a slow reader never makes the
// proxy buffer more than a bounded amount.
class ClientSession final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ClientSession)

public:
    ClientSession(int clientFd, QString clientAddress, const proxy::ProxyConfig& config,
                  SessionHost& host, QObject* parent = nullptr);
    ~ClientSession() override;

    void start();
    [[nodiscard]] qsizetype pendingBytes() const;
    // The proxy is stopping: every open connection is reported to the layers
    // as failed with `reason`, so the exchange or tunnel in flight is
    // recorded with how it ended instead of being left without an end.
    void abortOpenConnections(const QString& reason);

private:
    void post(proxy::EventKind kind);
    void pump();
    void execute(proxy::Command& command);
    void flushWritten();
    void addSocket(proxy::ConnId conn, int fd);
    void onSocketClosed(proxy::ConnId conn);
    void updateReading();
    void finishSession();
    QTimer* timer(int id);

    const proxy::ProxyConfig& m_config;
    SessionHost& m_host;
    QString m_clientAddress;
    std::unique_ptr<proxy::Layer> m_layer;
    std::map<proxy::ConnId, std::unique_ptr<Socket>> m_sockets;
    // Sockets given data by the event being handled, flushed after it.
    std::vector<proxy::ConnId> m_written;
    std::map<proxy::ConnId, std::unique_ptr<Connector>> m_connectors;
    std::map<proxy::ConnId, bool> m_layerWantsReading;
    std::map<int, std::unique_ptr<QTimer>> m_timers;
    std::deque<proxy::Event> m_queue;
    bool m_pumping = false;
    bool m_clientClosed = false;
    bool m_finished = false;
};

} // namespace spyglass::core::net
