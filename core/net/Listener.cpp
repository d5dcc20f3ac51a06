#include "Listener.h"

#include <QTimer>
#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

namespace spyglass::core::net {

namespace {

// Connections accepted per readiness notification before yielding.
constexpr int kAcceptsPerWakeup = 64;
constexpr int kDescriptorBackoffMs = 100;

QHostAddress toHostAddress(const sockaddr_storage& s, quint16* port) {
    if (s.ss_family == AF_INET6) {
        const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(&s);
        *port = ntohs(sin6->sin6_port);
        return QHostAddress(reinterpret_cast<const quint8*>(&sin6->sin6_addr));
    }
    const auto* sin = reinterpret_cast<const sockaddr_in*>(&s);
    *port = ntohs(sin->sin_port);
    return QHostAddress(ntohl(sin->sin_addr.s_addr));
}

} // namespace

Listener::Listener(Accepted accepted)
    : m_accepted(std::move(accepted)) {}

Listener::~Listener() {
    close();
}

bool Listener::listen(const QHostAddress& address, quint16 port, QString* error) {
    close();
    sockaddr_storage storage{};
    socklen_t length = 0;
    const bool v6 = address.protocol() == QAbstractSocket::IPv6Protocol;
    if (v6) {
        auto* sin6 = reinterpret_cast<sockaddr_in6*>(&storage);
        sin6->sin6_family = AF_INET6;
        sin6->sin6_port = htons(port);
        const Q_IPV6ADDR raw = address.toIPv6Address();
        std::memcpy(&sin6->sin6_addr, &raw, sizeof raw);
        length = sizeof(sockaddr_in6);
    } else {
        auto* sin = reinterpret_cast<sockaddr_in*>(&storage);
        sin->sin_family = AF_INET;
        sin->sin_port = htons(port);
        sin->sin_addr.s_addr = htonl(address.toIPv4Address());
        length = sizeof(sockaddr_in);
    }
    const int fd = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        *error = QString::fromLocal8Bit(std::strerror(errno));
        return false;
    }
    const int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (v6)
        ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&storage), length) != 0 ||
        ::listen(fd, SOMAXCONN) != 0) {
        *error = QString::fromLocal8Bit(std::strerror(errno));
        ::close(fd);
        return false;
    }
    sockaddr_storage bound{};
    socklen_t boundLength = sizeof bound;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &boundLength);
    m_address = toHostAddress(bound, &m_port);
    m_fd = fd;
    m_notifier = std::make_unique<QSocketNotifier>(fd, QSocketNotifier::Read);
    QObject::connect(m_notifier.get(), &QSocketNotifier::activated, m_notifier.get(),
                     [this] { onReadable(); });
    return true;
}

void Listener::close() {
    m_notifier.reset();
    if (m_fd >= 0) {
        ::close(m_fd);
        m_fd = -1;
    }
}

void Listener::setAccepting(bool accepting) {
    if (m_notifier)
        m_notifier->setEnabled(accepting);
}

void Listener::onReadable() {
    for (int i = 0; i < kAcceptsPerWakeup && m_fd >= 0; ++i) {
        sockaddr_storage peer{};
        socklen_t length = sizeof peer;
        const int fd = ::accept4(m_fd, reinterpret_cast<sockaddr*>(&peer), &length,
                                 SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            if (errno == EMFILE || errno == ENFILE) {
                // Out of descriptors: the pending connection stays readable,
                // so back off instead of spinning until some close.
                m_notifier->setEnabled(false);
                QTimer::singleShot(kDescriptorBackoffMs, m_notifier.get(), [this] {
                    if (m_notifier)
                        m_notifier->setEnabled(true);
                });
            }
            return;
        }
        const int one = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        quint16 peerPort = 0;
        const QHostAddress address = toHostAddress(peer, &peerPort);
        m_accepted(fd, address, peerPort);
        if (!m_notifier || !m_notifier->isEnabled())
            return; // paused at the connection cap
    }
}

} // namespace spyglass::core::net
