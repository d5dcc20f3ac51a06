#include "KernelPipe.h"

#include <algorithm>
#include <cerrno>
#include <unistd.h>

#ifdef __linux__
#include <fcntl.h>
#endif

namespace spyglass::core::net {

#ifdef __linux__

namespace {

// EINVAL: this descriptor pair cannot be spliced (a socket type or file
// system without splice support); ENOSYS: a kernel without splice.
bool isUnsupported(int err) {
    return err == EINVAL || err == ENOSYS || err == EOPNOTSUPP;
}

} // namespace

std::shared_ptr<KernelPipe> KernelPipe::create(qsizetype wanted) {
    int fds[2];
    if (::pipe2(fds, O_NONBLOCK | O_CLOEXEC) != 0)
        return nullptr;
    // Best effort: the pipe keeps its default size (64 KiB) when the limit
    // (/proc/sys/fs/pipe-max-size) or the user's pipe quota refuses more.
    int capacity = ::fcntl(fds[1], F_SETPIPE_SZ, static_cast<int>(std::max<qsizetype>(wanted, 1)));
    if (capacity <= 0)
        capacity = ::fcntl(fds[1], F_GETPIPE_SZ);
    if (capacity <= 0) {
        ::close(fds[0]);
        ::close(fds[1]);
        return nullptr;
    }
    return std::shared_ptr<KernelPipe>(new KernelPipe(fds[0], fds[1], capacity));
}

KernelPipe::Transfer KernelPipe::fillFrom(int socketFd) {
    const qsizetype space = m_capacity - m_bytes;
    if (space <= 0)
        return {Result::Again};
    for (;;) {
        const ssize_t n = ::splice(socketFd, nullptr, m_writeFd, nullptr,
                                   static_cast<size_t>(space), SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
        if (n > 0) {
            m_bytes += n;
            return {Result::Moved, n};
        }
        if (n == 0)
            return {Result::Eof};
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            // With bytes queued, EAGAIN may come from the pipe (out of slots)
            // rather than the socket; calling it full stops a busy loop on a
            // socket that stays readable.
            if (m_bytes > 0)
                m_slotsFull = true;
            return {Result::Again};
        }
        return {isUnsupported(errno) ? Result::Unsupported : Result::Failed, 0, errno};
    }
}

KernelPipe::Transfer KernelPipe::drainTo(int socketFd) {
    qsizetype moved = 0;
    while (m_bytes > 0) {
        const ssize_t n = ::splice(m_readFd, nullptr, socketFd, nullptr,
                                   static_cast<size_t>(m_bytes), SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
        if (n > 0) {
            m_bytes -= n;
            moved += n;
            m_slotsFull = false;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        if (moved > 0)
            break; // report the error on the next call, after counting these
        if (n == 0)
            return {Result::Failed, 0, EPIPE};
        return {isUnsupported(errno) ? Result::Unsupported : Result::Failed, 0, errno};
    }
    return {moved > 0 ? Result::Moved : Result::Again, moved};
}

QByteArray KernelPipe::takeAll() {
    QByteArray out;
    while (m_bytes > 0) {
        const qsizetype at = out.size();
        out.resize(at + m_bytes);
        const ssize_t n = ::read(m_readFd, out.data() + at, static_cast<size_t>(m_bytes));
        if (n < 0 && errno == EINTR) {
            out.resize(at);
            continue;
        }
        if (n <= 0) {
            out.resize(at);
            break;
        }
        out.resize(at + n);
        m_bytes -= n;
    }
    m_bytes = 0;
    m_slotsFull = false;
    return out;
}

#else // not Linux: no splice(2); the tunnel copies through user space.

std::shared_ptr<KernelPipe> KernelPipe::create(qsizetype) {
    return nullptr;
}
KernelPipe::Transfer KernelPipe::fillFrom(int) {
    return {Result::Unsupported};
}
KernelPipe::Transfer KernelPipe::drainTo(int) {
    return {Result::Unsupported};
}
QByteArray KernelPipe::takeAll() {
    return {};
}

#endif

KernelPipe::KernelPipe(int readFd, int writeFd, qsizetype capacity)
    : m_readFd(readFd)
    , m_writeFd(writeFd)
    , m_capacity(capacity) {}

KernelPipe::~KernelPipe() {
    ::close(m_readFd);
    ::close(m_writeFd);
}

} // namespace spyglass::core::net
