#include "Socket.h"

#include <array>
#include <cerrno>
#include <cstring>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>
#include <utility>

namespace spyglass::core::net {

namespace {

QString errnoText(int err) {
    return QString::fromLocal8Bit(std::strerror(err));
}

// Reads per readiness notification before returning to the event loop, so one
// busy connection cannot starve the others.
constexpr int kReadsPerWakeup = 4;
// Queued buffers gathered into one send (a head, a body, a TLS record or two).
constexpr std::size_t kMaxBuffersPerSend = 16;

} // namespace

Socket::Socket(int fd, qsizetype highWater, qsizetype lowWater, Callbacks callbacks)
    : m_fd(fd)
    , m_highWater(highWater)
    , m_lowWater(lowWater)
    , m_cb(std::move(callbacks))
    , m_readNotifier(std::make_unique<QSocketNotifier>(fd, QSocketNotifier::Read))
    , m_writeNotifier(std::make_unique<QSocketNotifier>(QSocketNotifier::Write)) {
    // Created unregistered and enabled only while output waits: with the
    // GLib dispatcher every registration change wakes the loop (an eventfd
    // write and one more poll), which a new connection paid twice per socket.
    m_writeNotifier->setSocket(fd);
    QObject::connect(m_readNotifier.get(), &QSocketNotifier::activated, m_readNotifier.get(),
                     [this] { onReadable(); });
    QObject::connect(m_writeNotifier.get(), &QSocketNotifier::activated, m_writeNotifier.get(),
                     [this] { onWritable(); });
}

Socket::~Socket() {
    *m_alive = false;
    // The other socket may outlive us and still hold the pipes.
    if (m_relayOut)
        m_relayOut->wakeProducer = nullptr;
    if (m_relayIn)
        m_relayIn->wakeConsumer = nullptr;
    m_readNotifier.reset();
    m_writeNotifier.reset();
    if (m_fd >= 0)
        ::close(m_fd);
}

void Socket::write(QByteArray data) {
    writeLater(std::move(data));
    flushQueued();
}

void Socket::writeLater(QByteArray data) {
    if (m_fd < 0 || m_writeShut || m_shutdownRequested || data.isEmpty())
        return;
    // Bytes for us arrive through user space again (the producer fell back
    // to copying): what the pipe still holds was read earlier and goes first.
    if (m_relayIn && (m_relayIn->bytes() > 0 || m_relayIn->disabled))
        stopRelayIn();
    m_pending += data.size();
    m_queue.push_back(std::move(data));
}

void Socket::flushQueued() {
    if (m_fd >= 0 && !m_queue.empty())
        flush();
}

void Socket::flush() {
    while (!m_queue.empty() && m_fd >= 0) {
        // Everything queued (up to kMaxBuffersPerSend buffers) in one sendmsg.
        std::array<iovec, kMaxBuffersPerSend> buffers{};
        std::size_t count = 0;
        qsizetype offered = 0;
        for (auto it = m_queue.cbegin(); it != m_queue.cend() && count < buffers.size();
             ++it, ++count) {
            const qsizetype skip = count == 0 ? m_frontOffset : 0;
            buffers[count].iov_base = const_cast<char*>(it->constData() + skip);
            buffers[count].iov_len = static_cast<std::size_t>(it->size() - skip);
            offered += it->size() - skip;
        }
        msghdr message{};
        message.msg_iov = buffers.data();
        message.msg_iovlen = count;
        const ssize_t n = ::sendmsg(m_fd, &message, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                break;
            fail(QStringLiteral("write failed: ") + errnoText(errno));
            return;
        }
        m_pending -= n;
        for (qsizetype sent = n; sent > 0;) {
            const qsizetype left = m_queue.front().size() - m_frontOffset;
            if (sent < left) {
                m_frontOffset += sent;
                break;
            }
            sent -= left;
            m_queue.pop_front();
            m_frontOffset = 0;
        }
        // A short send means the socket buffer is full: wait to be writable
        // instead of paying for the EAGAIN a retry would get.
        if (n < offered)
            break;
    }
    if (m_fd < 0)
        return;
    // The pipe holds bytes read after everything in m_queue.
    if (m_queue.empty() && m_relayIn && m_relayIn->bytes() > 0) {
        drainRelay();
        if (m_fd < 0)
            return;
        if (!m_queue.empty()) { // splice refused: its bytes came back to m_queue
            flush();
            return;
        }
    }
    const bool allWritten = m_queue.empty() && (!m_relayIn || m_relayIn->bytes() == 0);
    if (allWritten && m_shutdownRequested && !m_writeShut) {
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
    const qsizetype pending = pendingBytes();
    const bool congested = m_congested ? pending > m_lowWater : pending > m_highWater;
    if (congested == m_congested)
        return;
    m_congested = congested;
    if (m_cb.congestion)
        m_cb.congestion(congested);
}

void Socket::updateNotifiers() {
    if (m_fd < 0)
        return;
    m_writeNotifier->setEnabled(!m_queue.empty() || (m_relayIn && m_relayIn->bytes() > 0));
    // While closing we keep reading (and discarding) until EOF. A full relay
    // pipe is the kernel relay's backpressure: its consumer wakes us.
    const bool relayFull = m_relayOut && !m_closing && m_relayOut->isFull();
    const bool wantRead = !m_eofSeen && (m_closing || (m_readingEnabled && !relayFull));
    m_readNotifier->setEnabled(wantRead);
}

void Socket::onWritable() {
    flush();
}

void Socket::onReadable() {
    if (m_relayOut && m_relayOut->disabled)
        stopRelayOut();
    if (m_relayOut && !m_closing) {
        readIntoRelay();
        return;
    }
    // Discarded bytes (lingering close) need no buffer of their own.
    static thread_local char discard[kReadChunk];
    const std::shared_ptr<bool> alive = m_alive;
    for (int i = 0; i < kReadsPerWakeup && m_fd >= 0 && !m_eofSeen; ++i) {
        if (!m_closing && !m_readingEnabled)
            break;
        // Read straight into the array handed on: no second copy.
        QByteArray chunk;
        char* target = discard;
        if (!m_closing) {
            chunk = QByteArray(kReadChunk, Qt::Uninitialized);
            target = chunk.data();
        }
        const ssize_t n = ::recv(m_fd, target, kReadChunk, 0);
        if (n > 0) {
            if (m_closing)
                continue; // lingering close: discard
            chunk.resize(n);
            // Shrinks in place (realloc), so a small read queued behind a
            // slow reader does not pin a whole chunk's allocation.
            if (n < kReadChunk)
                chunk.squeeze();
            m_cb.data(std::move(chunk));
            if (!*alive)
                return;
            if (m_relayOut)
                break; // the layer switched to the kernel relay: splice from now on
            if (n < kReadChunk)
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

void Socket::readIntoRelay() {
    const std::shared_ptr<bool> alive = m_alive;
    const std::shared_ptr<KernelPipe> pipe = m_relayOut;
    for (int i = 0; i < kReadsPerWakeup; ++i) {
        if (m_fd < 0 || m_eofSeen || m_closing || m_relayOut != pipe || !m_readingEnabled)
            break;
        if (pipe->disabled) {
            stopRelayOut();
            break; // the notifier fires again and the copying path reads
        }
        if (pipe->isFull())
            break;
        const qsizetype space = pipe->capacity() - pipe->bytes();
        const KernelPipe::Transfer t = pipe->fillFrom(m_fd);
        if (t.result == KernelPipe::Result::Moved) {
            // The consumer writes at once, as write() would on the copying path.
            if (pipe->wakeConsumer)
                pipe->wakeConsumer();
            if (!*alive)
                return;
            if (m_cb.relayed)
                m_cb.relayed(t.bytes);
            if (!*alive)
                return;
            if (t.bytes < space)
                break; // drained for now; saves a splice that would say EAGAIN
            continue;
        }
        if (t.result == KernelPipe::Result::Eof) {
            m_eofSeen = true;
            m_cb.eof();
            if (!*alive)
                return;
            break;
        }
        if (t.result == KernelPipe::Result::Again)
            break;
        if (t.result == KernelPipe::Result::Unsupported) {
            stopRelayOut();
            break;
        }
        fail(QStringLiteral("read failed: ") + errnoText(t.error));
        return;
    }
    updateNotifiers();
}

void Socket::drainRelay() {
    const bool wasFull = m_relayIn->isFull();
    const KernelPipe::Transfer t = m_relayIn->drainTo(m_fd);
    switch (t.result) {
    case KernelPipe::Result::Moved:
        if (wasFull && m_relayIn->wakeProducer)
            m_relayIn->wakeProducer(); // room again: the producer may read
        return;
    case KernelPipe::Result::Again:
    case KernelPipe::Result::Eof:
        return;
    case KernelPipe::Result::Unsupported:
        stopRelayIn();
        return;
    case KernelPipe::Result::Failed:
        fail(QStringLiteral("write failed: ") + errnoText(t.error));
        return;
    }
}

// Back to copying for what we write: the pipe's bytes join m_queue (in
// order) and the producer, told by `disabled`, reads with recv() again.
void Socket::stopRelayIn() {
    if (!m_relayIn)
        return;
    const std::shared_ptr<KernelPipe> pipe = std::exchange(m_relayIn, nullptr);
    pipe->disabled = true;
    pipe->wakeConsumer = nullptr;
    QByteArray rest = pipe->takeAll();
    if (!rest.isEmpty()) {
        m_pending += rest.size();
        m_queue.push_back(std::move(rest));
    }
    if (pipe->wakeProducer)
        pipe->wakeProducer();
}

void Socket::stopRelayOut() {
    if (!m_relayOut)
        return;
    const std::shared_ptr<KernelPipe> pipe = std::exchange(m_relayOut, nullptr);
    pipe->disabled = true;
    pipe->wakeProducer = nullptr;
}

void Socket::link(Socket& from, Socket& to, std::shared_ptr<KernelPipe> pipe) {
    pipe->wakeConsumer = [&to] { to.flush(); };
    pipe->wakeProducer = [&from] { from.updateNotifiers(); };
    from.m_relayOut = pipe;
    to.m_relayIn = std::move(pipe);
}

bool Socket::relayInKernel(Socket& a, Socket& b, qsizetype pipeBytes) {
    if (&a == &b || a.m_fd < 0 || b.m_fd < 0 || a.m_relayOut || a.m_relayIn || b.m_relayOut ||
        b.m_relayIn)
        return false;
    std::shared_ptr<KernelPipe> aToB = KernelPipe::create(pipeBytes);
    std::shared_ptr<KernelPipe> bToA = KernelPipe::create(pipeBytes);
    if (!aToB || !bToA)
        return false;
    link(a, b, std::move(aToB));
    link(b, a, std::move(bToA));
    a.updateNotifiers();
    b.updateNotifiers();
    return true;
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
    // Nothing more can be written: the bytes still in the pipe are dropped
    // with it (the producer, left without a consumer, stops when it is full
    // and is closed by the session).
    if (m_relayIn) {
        m_relayIn->wakeConsumer = nullptr;
        m_relayIn.reset();
    }
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
