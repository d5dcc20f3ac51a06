#include "Socket.h"

#include <cerrno>
#include <cstring>
#include <sys/socket.h>
#include <unistd.h>

namespace spyglass::core::net {

namespace {

QString errnoText(int err) {
    return QString::fromLocal8Bit(std::strerror(err));
}

// Reads per readiness notification before returning to the event loop, so one
// busy connection cannot starve the others.
constexpr int kReadsPerWakeup = 4;

} // namespace

Socket::Socket(int fd, qsizetype highWater, qsizetype lowWater, Callbacks callbacks)
    : m_fd(fd)
    , m_highWater(highWater)
    , m_lowWater(lowWater)
    , m_cb(std::move(callbacks))
    , m_readNotifier(std::make_unique<QSocketNotifier>(fd, QSocketNotifier::Read))
    , m_writeNotifier(std::make_unique<QSocketNotifier>(fd, QSocketNotifier::Write)) {
    m_writeNotifier->setEnabled(false);
    QObject::connect(m_readNotifier.get(), &QSocketNotifier::activated, m_readNotifier.get(),
                     [this] { onReadable(); });
    QObject::connect(m_writeNotifier.get(), &QSocketNotifier::activated, m_writeNotifier.get(),
                     [this] { onWritable(); });
}

Socket::~Socket() {
    *m_alive = false;
    m_readNotifier.reset();
    m_writeNotifier.reset();
    if (m_fd >= 0)
        ::close(m_fd);
}

void Socket::write(QByteArray data) {
    if (m_fd < 0 || m_writeShut || m_shutdownRequested || data.isEmpty())
        return;
    m_pending += data.size();
    m_queue.push_back(std::move(data));
    flush();
}

void Socket::flush() {
    while (!m_queue.empty() && m_fd >= 0) {
        const QByteArray& front = m_queue.front();
        const qsizetype left = front.size() - m_frontOffset;
        const ssize_t n = ::send(m_fd, front.constData() + m_frontOffset, static_cast<size_t>(left),
                                 MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                break;
            fail(QStringLiteral("write failed: ") + errnoText(errno));
            return;
        }
        m_pending -= n;
        if (n == left) {
            m_queue.pop_front();
            m_frontOffset = 0;
        } else {
            m_frontOffset += n;
        }
    }
    if (m_fd < 0)
        return;
    if (m_queue.empty() && m_shutdownRequested && !m_writeShut) {
        ::shutdown(m_fd, SHUT_WR);
        m_writeShut = true;
        if (m_closing && m_eofSeen) {
            finishClose();
            return;
        }
    }
    noteCongestion();
    updateNotifiers();
}

void Socket::noteCongestion() {
    const bool congested = m_congested ? m_pending > m_lowWater : m_pending > m_highWater;
    if (congested == m_congested)
        return;
    m_congested = congested;
    if (m_cb.congestion)
        m_cb.congestion(congested);
}

void Socket::updateNotifiers() {
    if (m_fd < 0)
        return;
    m_writeNotifier->setEnabled(!m_queue.empty());
    // While closing we keep reading (and discarding) until EOF.
    const bool wantRead = !m_eofSeen && (m_closing || m_readingEnabled);
    m_readNotifier->setEnabled(wantRead);
}

void Socket::onWritable() {
    flush();
}

void Socket::onReadable() {
    static thread_local char buffer[kReadChunk];
    const std::shared_ptr<bool> alive = m_alive;
    for (int i = 0; i < kReadsPerWakeup && m_fd >= 0 && !m_eofSeen; ++i) {
        if (!m_closing && !m_readingEnabled)
            break;
        const ssize_t n = ::recv(m_fd, buffer, sizeof buffer, 0);
        if (n > 0) {
            if (m_closing)
                continue; // lingering close: discard
            m_cb.data(QByteArray(buffer, n));
            if (!*alive)
                return;
            if (n < static_cast<ssize_t>(sizeof buffer))
                break; // drained for now; saves a recv that would say EAGAIN
            continue;
        }
        if (n == 0) {
            m_eofSeen = true;
            if (m_closing) {
                if (m_writeShut)
                    finishClose();
                return;
            }
            m_cb.eof();
            if (!*alive)
                return;
            break;
        }
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            break;
        fail(QStringLiteral("read failed: ") + errnoText(errno));
        return;
    }
    updateNotifiers();
}

void Socket::shutdownWriteAfterFlush() {
    if (m_fd < 0 || m_shutdownRequested)
        return;
    m_shutdownRequested = true;
    flush();
}

void Socket::closeGracefully() {
    if (m_fd < 0 || m_closing)
        return;
    m_closing = true;
    m_lingerTimer = std::make_unique<QTimer>();
    m_lingerTimer->setSingleShot(true);
    QObject::connect(m_lingerTimer.get(), &QTimer::timeout, m_lingerTimer.get(),
                     [this] { finishClose(); });
    m_lingerTimer->start(kLingerMs);
    if (!m_shutdownRequested)
        shutdownWriteAfterFlush();
    else
        flush();
    if (m_fd >= 0 && m_writeShut && m_eofSeen)
        finishClose();
    else
        updateNotifiers();
}

void Socket::finishClose() {
    if (m_fd < 0)
        return;
    m_readNotifier->setEnabled(false);
    m_writeNotifier->setEnabled(false);
    ::close(m_fd);
    m_fd = -1;
    if (m_lingerTimer)
        m_lingerTimer->stop();
    if (m_cb.closed)
        m_cb.closed();
}

void Socket::abort() {
    if (m_fd < 0)
        return;
    m_readNotifier->setEnabled(false);
    m_writeNotifier->setEnabled(false);
    ::close(m_fd);
    m_fd = -1;
}

void Socket::fail(const QString& message) {
    abort();
    m_queue.clear();
    m_pending = 0;
    // A reset while we were closing anyway is just the end of the close.
    if (m_closing) {
        if (m_lingerTimer)
            m_lingerTimer->stop();
        if (m_cb.closed)
            m_cb.closed();
        return;
    }
    if (m_cb.error)
        m_cb.error(message);
}

void Socket::setReadingEnabled(bool enabled) {
    if (m_readingEnabled == enabled)
        return;
    m_readingEnabled = enabled;
    updateNotifiers();
}

} // namespace spyglass::core::net
