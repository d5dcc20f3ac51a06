#pragma once

#include "KernelPipe.h"

#include <QByteArray>
#include <QSocketNotifier>
#include <QTimer>
#include <deque>
#include <functional>
#include <memory>

namespace spyglass::core::net {

// A connected non-blocking TCP socket: the only place that reads and writes a
// descriptor. QTcpSocket is not used because it cannot half-close: on read EOF
// it closes both directions, which breaks RFC 9110 §9.3.6 tunnels and
// clients that shut down their sending side and wait for the answer.
class Socket final {
public:
    struct Callbacks {
        std::function<void(QByteArray)> data;
        std::function<void()> eof;            // the peer finished sending
        std::function<void(QString)> error;   // broken; the socket is closed
        std::function<void(bool)> congestion; // pending output crossed a water mark
        std::function<void()> closed;         // closeGracefully() finished
        // Bytes the kernel relay moved from this socket toward its peer
        // (instead of `data`; see relayInKernel()).
        std::function<void(qsizetype)> relayed;
    };

    Socket(int fd, qsizetype highWater, qsizetype lowWater, Callbacks callbacks);
    ~Socket();
    Socket(const Socket&) = delete;
    Socket& operator=(const Socket&) = delete;

    void write(QByteArray data);
    // Queues `data` without writing it yet: the caller has more to queue for
    // this socket now and calls flushQueued() after the last piece, so that
    // a response head and its body leave in one send (one wake-up of the
    // peer instead of two).
    void writeLater(QByteArray data);
    void flushQueued();
    // Half-close once everything queued has been written.
    void shutdownWriteAfterFlush();
    // Flush, half-close, then read and discard until the peer closes (or a
    // short linger deadline), then close. Closing with unread input would
    // make the kernel send a reset that can destroy the answer we just sent
    // (the "lingering close" of Apache and nginx).
    void closeGracefully();
    void abort();
    void setReadingEnabled(bool enabled);

    // From now on bytes read from `a` go to `b` and the other way round in
    // the kernel (splice(2) through a pipe per direction), reported with the
    // `relayed` callback instead of `data`. Bytes already queued for writing
    // are written first. EOF, errors, half-close and closing keep their
    // meaning. Returns false (nothing changed: the copying path stays) where
    // splice is unavailable; if the kernel refuses it later, the sockets fall
    // back to copying by themselves, in order.
    // `pipeBytes`: the most each direction holds in its pipe (the kernel
    // relay's buffer, counted in pendingBytes() of the writing socket).
    static bool relayInKernel(Socket& a, Socket& b, qsizetype pipeBytes = KernelPipe::kCapacity);
    [[nodiscard]] bool isRelayingInKernel() const { return m_relayOut != nullptr; }

    [[nodiscard]] qsizetype pendingBytes() const {
        return m_pending + (m_relayIn ? m_relayIn->bytes() : 0);
    }
    [[nodiscard]] bool isCongested() const { return m_congested; }
    [[nodiscard]] bool isOpen() const { return m_fd >= 0; }
    [[nodiscard]] bool isClosing() const { return m_closing; }

    static constexpr qsizetype kReadChunk = 64 * 1024;
    static constexpr int kLingerMs = 2000;

private:
    void onReadable();
    void onWritable();
    void flush();
    void fail(const QString& message);
    void finishClose();
    void updateNotifiers();
    void noteCongestion();
    void readIntoRelay();
    void drainRelay();
    void stopRelayIn();
    void stopRelayOut();
    static void link(Socket& from, Socket& to, std::shared_ptr<KernelPipe> pipe);

    int m_fd;
    qsizetype m_highWater;
    qsizetype m_lowWater;
    Callbacks m_cb;
    std::unique_ptr<QSocketNotifier> m_readNotifier;
    std::unique_ptr<QSocketNotifier> m_writeNotifier;
    std::deque<QByteArray> m_queue;
    qsizetype m_frontOffset = 0;
    qsizetype m_pending = 0;
    bool m_readingEnabled = true;
    bool m_eofSeen = false;
    bool m_shutdownRequested = false;
    bool m_writeShut = false;
    bool m_closing = false;
    bool m_congested = false;
    std::unique_ptr<QTimer> m_lingerTimer;
    // Kernel relay: m_relayOut receives what this socket reads, m_relayIn
    // holds what this socket has to write (after m_queue).
    std::shared_ptr<KernelPipe> m_relayOut;
    std::shared_ptr<KernelPipe> m_relayIn;
    // Shared with callbacks so a callback that destroys this Socket can be
    // detected by the loop that invoked it.
    std::shared_ptr<bool> m_alive = std::make_shared<bool>(true);
};

} // namespace spyglass::core::net
