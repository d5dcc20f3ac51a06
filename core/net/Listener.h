#pragma once

#include <QHostAddress>
#include <QSocketNotifier>
#include <functional>
#include <memory>

namespace spyglass::core::net {

// A listening TCP socket that hands accepted, non-blocking descriptors on.
class Listener final {
public:
    using Accepted = std::function<void(int fd, const QHostAddress& peer, quint16 peerPort)>;

    explicit Listener(Accepted accepted);
    ~Listener();
    Listener(const Listener&) = delete;
    Listener& operator=(const Listener&) = delete;

    // Binds and listens; on failure returns false and a readable reason.
    bool listen(const QHostAddress& address, quint16 port, QString* error);
    void close();
    // Pausing leaves new connections in the kernel's backlog until resumed
    // (used at the connection cap: never crash, never refuse hard).
    void setAccepting(bool accepting);

    [[nodiscard]] QHostAddress address() const { return m_address; }
    [[nodiscard]] quint16 port() const { return m_port; }
    [[nodiscard]] bool isListening() const { return m_fd >= 0; }

private:
    void onReadable();

    Accepted m_accepted;
    int m_fd = -1;
    QHostAddress m_address;
    quint16 m_port = 0;
    std::unique_ptr<QSocketNotifier> m_notifier;
};

} // namespace spyglass::core::net
