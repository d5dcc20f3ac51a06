#pragma once

// Real TCP connections on 127.0.0.1 for the socket tests: no mocks.
#include <QByteArray>
#include <arpa/inet.h>
#include <cerrno>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace spyglass::testing {

inline int listenLoopback(quint16* port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(fd, 16);
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    *port = ntohs(addr.sin_port);
    return fd;
}

// A blocking client socket (10 s receive timeout so a broken test ends).
inline int connectLoopback(quint16 port, int receiveBuffer = 0) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (receiveBuffer > 0)
        ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receiveBuffer, sizeof receiveBuffer);
    timeval tv{10, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

// One connection: `outer` is the test's peer (blocking), `inner` the end a
// Socket under test owns (non-blocking, as the proxy's are).
struct LoopbackPair {
    int outer = -1;
    int inner = -1;
};

inline LoopbackPair makeLoopbackPair(int outerReceiveBuffer = 0) {
    quint16 port = 0;
    const int listener = listenLoopback(&port);
    LoopbackPair pair;
    pair.outer = connectLoopback(port, outerReceiveBuffer);
    pair.inner = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
    ::close(listener);
    return pair;
}

// Deterministic bytes (a different stream per seed) so a reordered, lost or
// duplicated range shows up in a byte comparison.
inline QByteArray pattern(qsizetype size, quint32 seed) {
    QByteArray out(size, Qt::Uninitialized);
    quint32 x = seed * 2654435761u + 1;
    for (qsizetype i = 0; i < size; ++i) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        out[i] = static_cast<char>(x);
    }
    return out;
}

inline bool sendAll(int fd, const QByteArray& data) {
    qsizetype done = 0;
    while (done < data.size()) {
        const ssize_t n = ::send(fd, data.constData() + done,
                                 static_cast<size_t>(data.size() - done), MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        done += n;
    }
    return true;
}

// Reads until EOF (or an error / the receive timeout), at most `limit` bytes.
inline QByteArray readToEof(int fd, qsizetype limit) {
    QByteArray out;
    char buffer[64 * 1024];
    while (out.size() < limit) {
        const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        out.append(buffer, n);
    }
    return out;
}

inline QByteArray readExactly(int fd, qsizetype size) {
    QByteArray out;
    char buffer[64 * 1024];
    while (out.size() < size) {
        const ssize_t n =
            ::recv(fd, buffer,
                   static_cast<size_t>(std::min<qsizetype>(sizeof buffer, size - out.size())), 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        out.append(buffer, n);
    }
    return out;
}

} // namespace spyglass::testing
