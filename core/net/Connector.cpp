#include "Connector.h"

#include <QHostInfo>
#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

namespace spyglass::core::net {

using proxy::OpenError;

namespace {

OpenError classify(int err) {
    switch (err) {
    case ECONNREFUSED:
        return OpenError::Refused;
    case ENETUNREACH:
    case EHOSTUNREACH:
    case EADDRNOTAVAIL:
        return OpenError::Unreachable;
    case ETIMEDOUT:
        return OpenError::TimedOut;
    default:
        return OpenError::Other;
    }
}

} // namespace

Connector::Connector(QByteArray host, quint16 port, int timeoutMs, LoopCheck isOwnListener,
                     Done done, QObject* parent)
    : QObject(parent)
    , m_host(std::move(host))
    , m_port(port)
    , m_isOwnListener(std::move(isOwnListener))
    , m_done(std::move(done)) {
    m_deadline.setSingleShot(true);
    m_deadline.setInterval(timeoutMs);
    connect(&m_deadline, &QTimer::timeout, this,
            [this] { finish(-1, OpenError::TimedOut, QStringLiteral("timed out")); });
}

Connector::~Connector() {
    if (m_lookupId >= 0)
        QHostInfo::abortHostLookup(m_lookupId);
    closeAttempt();
}

void Connector::start() {
    m_deadline.start();
    QHostAddress literal;
    if (literal.setAddress(QString::fromLatin1(m_host))) {
        // Deliver asynchronously like a lookup would, so the caller never
        // sees its callback from inside start().
        QTimer::singleShot(0, this, [this, literal] { onResolved({literal}, QString()); });
        return;
    }
    m_lookupId =
        QHostInfo::lookupHost(QString::fromLatin1(m_host), this, [this](const QHostInfo& info) {
            m_lookupId = -1;
            onResolved(info.addresses(),
                       info.error() == QHostInfo::NoError ? QString() : info.errorString());
        });
}

void Connector::onResolved(const QList<QHostAddress>& addresses, const QString& error) {
    if (m_finished)
        return;
    if (addresses.isEmpty()) {
        finish(-1, OpenError::DnsFailed, error.isEmpty() ? QStringLiteral("no addresses") : error);
        return;
    }
    for (const QHostAddress& address : addresses) {
        if (m_isOwnListener && m_isOwnListener(address, m_port)) {
            finish(-1, OpenError::Loop, QStringLiteral("loop"));
            return;
        }
    }
    m_addresses = addresses;
    tryNext();
}

void Connector::tryNext() {
    while (!m_finished && m_next < m_addresses.size()) {
        const QHostAddress address = m_addresses.at(m_next++);
        sockaddr_storage storage{};
        socklen_t length = 0;
        int family = AF_INET;
        if (address.protocol() == QAbstractSocket::IPv6Protocol) {
            family = AF_INET6;
            auto* sin6 = reinterpret_cast<sockaddr_in6*>(&storage);
            sin6->sin6_family = AF_INET6;
            sin6->sin6_port = htons(m_port);
            const Q_IPV6ADDR raw = address.toIPv6Address();
            std::memcpy(&sin6->sin6_addr, &raw, sizeof raw);
            sin6->sin6_scope_id = static_cast<uint32_t>(address.scopeId().toUInt());
            length = sizeof(sockaddr_in6);
        } else {
            auto* sin = reinterpret_cast<sockaddr_in*>(&storage);
            sin->sin_family = AF_INET;
            sin->sin_port = htons(m_port);
            sin->sin_addr.s_addr = htonl(address.toIPv4Address());
            length = sizeof(sockaddr_in);
        }
        m_fd = ::socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (m_fd < 0) {
            m_lastError = OpenError::Other;
            m_lastMessage = QString::fromLocal8Bit(std::strerror(errno));
            continue;
        }
        const int one = 1;
        ::setsockopt(m_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        if (::connect(m_fd, reinterpret_cast<sockaddr*>(&storage), length) == 0) {
            const int fd = std::exchange(m_fd, -1);
            finish(fd, OpenError::None, QString());
            return;
        }
        if (errno == EINPROGRESS) {
            m_notifier = std::make_unique<QSocketNotifier>(m_fd, QSocketNotifier::Write);
            connect(m_notifier.get(), &QSocketNotifier::activated, this,
                    &Connector::onConnectReady);
            return;
        }
        m_lastError = classify(errno);
        m_lastMessage = QString::fromLocal8Bit(std::strerror(errno));
        closeAttempt();
    }
    if (!m_finished)
        finish(-1, m_lastError, m_lastMessage);
}

void Connector::onConnectReady() {
    int err = 0;
    socklen_t len = sizeof err;
    ::getsockopt(m_fd, SOL_SOCKET, SO_ERROR, &err, &len);
    m_notifier.reset();
    if (err == 0) {
        const int fd = std::exchange(m_fd, -1);
        finish(fd, OpenError::None, QString());
        return;
    }
    m_lastError = classify(err);
    m_lastMessage = QString::fromLocal8Bit(std::strerror(err));
    closeAttempt();
    tryNext();
}

void Connector::closeAttempt() {
    m_notifier.reset();
    if (m_fd >= 0) {
        ::close(m_fd);
        m_fd = -1;
    }
}

void Connector::finish(int fd, OpenError error, const QString& message) {
    if (m_finished) {
        if (fd >= 0)
            ::close(fd);
        return;
    }
    m_finished = true;
    m_deadline.stop();
    if (m_lookupId >= 0) {
        QHostInfo::abortHostLookup(m_lookupId);
        m_lookupId = -1;
    }
    closeAttempt();
    // The callback may delete this object; nothing may touch members after.
    Done done = std::move(m_done);
    done(fd, error, message);
}

} // namespace spyglass::core::net
