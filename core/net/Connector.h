#pragma once

#include "core/proxy/Events.h"

#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QSocketNotifier>
#include <QTimer>
#include <functional>
#include <memory>

namespace spyglass::core::net {

// Opens one outbound TCP connection: resolves the name (Qt's resolver runs
// the blocking getaddrinfo on a thread pool), then tries each address in
// turn with a non-blocking connect, all under one deadline.
class Connector final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Connector)

public:
    // Called exactly once: fd >= 0 on success (ownership passes to the
    // callee), else the error kind and a readable message.
    using Done = std::function<void(int fd, proxy::OpenError error, QString message)>;
    // Decides whether an address is the proxy's own listener (a loop).
    using LoopCheck = std::function<bool(const QHostAddress&, quint16)>;

    Connector(QByteArray host, quint16 port, int timeoutMs, LoopCheck isOwnListener, Done done,
              QObject* parent = nullptr);
    ~Connector() override;

    void start();

private:
    void onResolved(const QList<QHostAddress>& addresses, const QString& error);
    void tryNext();
    void onConnectReady();
    void finish(int fd, proxy::OpenError error, const QString& message);
    void closeAttempt();

    QByteArray m_host;
    quint16 m_port;
    LoopCheck m_isOwnListener;
    Done m_done;
    QTimer m_deadline;
    int m_lookupId = -1;
    QList<QHostAddress> m_addresses;
    int m_next = 0;
    int m_fd = -1;
    std::unique_ptr<QSocketNotifier> m_notifier;
    proxy::OpenError m_lastError = proxy::OpenError::Other;
    QString m_lastMessage;
    bool m_finished = false;
};

} // namespace spyglass::core::net
