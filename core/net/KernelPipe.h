#pragma once

#include <QByteArray>
#include <QtGlobal>
#include <functional>
#include <memory>

namespace spyglass::core::net {

// One direction of a kernel relay (Linux splice(2)): bytes read from one
// socket are spliced into this pipe and from it into the other socket, so
// they never enter user space (no recv/send copies, no buffer allocation).
// The pipe is the only buffer of that direction, so its capacity bounds the
// memory a slow reader can make us hold; when it is full the producer stops
// reading (backpressure) until the consumer has drained some of it.
//
// Shared by its producer and consumer Socket (shared_ptr), so whichever is
// destroyed first leaves the other a valid pipe; each clears its own wake
// hook when it goes.
class KernelPipe {
public:
    // A pipe pair (non-blocking, close-on-exec) holding about `capacity`
    // bytes (the kernel rounds to a power of two of pages), or nullptr where
    // splice(2) is not available (not Linux) or the pipe cannot be made.
    static std::shared_ptr<KernelPipe> create(qsizetype capacity = kCapacity);
    ~KernelPipe();
    KernelPipe(const KernelPipe&) = delete;
    KernelPipe& operator=(const KernelPipe&) = delete;

    enum class Result { Moved, Again, Eof, Unsupported, Failed };
    struct Transfer {
        Result result;
        qsizetype bytes = 0; // when Moved
        int error = 0;       // errno when Failed / Unsupported
    };

    // socket -> pipe, at most the free space. `Again` with bytes in the pipe
    // may mean the pipe ran out of slots (a slot per socket buffer fragment),
    // so the producer then treats the pipe as full (see isFull()).
    Transfer fillFrom(int socketFd);
    // pipe -> socket, as much as the socket takes.
    Transfer drainTo(int socketFd);
    // Takes what is left in the pipe into user space: the way back to the
    // copying path (splice refused mid-stream) without reordering bytes.
    [[nodiscard]] QByteArray takeAll();

    [[nodiscard]] qsizetype bytes() const { return m_bytes; }
    [[nodiscard]] bool isFull() const { return m_bytes >= m_capacity || m_slotsFull; }
    [[nodiscard]] qsizetype capacity() const { return m_capacity; }

    // The consumer hands this a flush, the producer a "reading may resume".
    std::function<void()> wakeConsumer;
    std::function<void()> wakeProducer;
    // Set when splicing was refused in either direction: both sides go back
    // to copying.
    bool disabled = false;

    // 512 KiB, eight times the default, so a bulk transfer needs fewer
    // wake-ups (256 MiB through a tunnel: 0.59 ms/MiB of CPU with 256 KiB,
    // 0.47 with 512 KiB). Callers pass less to stay within their write
    // high-water mark (512 KiB by default).
    static constexpr qsizetype kCapacity = 512 * 1024;

private:
    KernelPipe(int readFd, int writeFd, qsizetype capacity);

    int m_readFd;
    int m_writeFd;
    qsizetype m_capacity;
    qsizetype m_bytes = 0;
    bool m_slotsFull = false;
};

} // namespace spyglass::core::net
