#include "ClientSession.h"

#include "core/proxy/HttpProxyLayer.h"
#include "core/proxy/Overloaded.h"

#include <algorithm>
#include <chrono>

namespace spyglass::core::net {

using namespace proxy;

namespace {

qint64 wallClockUs() {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

} // namespace

ClientSession::ClientSession(int clientFd, QString clientAddress, const ProxyConfig& config,
                             SessionHost& host, QObject* parent)
    : QObject(parent)
    , m_config(config)
    , m_host(host)
    , m_clientAddress(std::move(clientAddress))
    , m_layer(std::make_unique<HttpProxyLayer>(host.context())) {
    addSocket(kClientConn, clientFd);
}

ClientSession::~ClientSession() = default;

void ClientSession::start() {
    post(event::Start{m_clientAddress});
}

qsizetype ClientSession::pendingBytes() const {
    qsizetype total = 0;
    for (const auto& [id, socket] : m_sockets)
        total += socket->pendingBytes();
    return total;
}

void ClientSession::abortOpenConnections(const QString& reason) {
    std::vector<ConnId> open;
    for (const auto& [id, socket] : m_sockets)
        open.push_back(id);
    for (const ConnId conn : open)
        post(event::ConnectionFailed{conn, reason});
}

void ClientSession::addSocket(ConnId conn, int fd) {
    Socket::Callbacks cb;
    cb.data = [this, conn](QByteArray data) { post(event::DataReceived{conn, std::move(data)}); };
    cb.eof = [this, conn] { post(event::PeerClosed{conn}); };
    cb.relayed = [this, conn](qsizetype bytes) {
        // What the pipe still holds is queued for the other side (the
        // slow-reader bound and peak statistics count it).
        for (const auto& [id, socket] : m_sockets) {
            if (id != conn)
                m_host.notePendingBytes(socket->pendingBytes());
        }
        post(event::BytesRelayed{conn, bytes});
    };
    cb.error = [this, conn](QString message) {
        // The socket closed itself; drop it after the event is handled.
        QTimer::singleShot(0, this, [this, conn] { onSocketClosed(conn); });
        post(event::ConnectionFailed{conn, std::move(message)});
    };
    cb.congestion = [this](bool) { updateReading(); };
    cb.closed = [this, conn] {
        QTimer::singleShot(0, this, [this, conn] { onSocketClosed(conn); });
    };
    m_sockets[conn] = std::make_unique<Socket>(fd, m_config.limits.writeHighWater,
                                               m_config.limits.writeLowWater, std::move(cb));
    m_layerWantsReading[conn] = true;
    updateReading();
}

void ClientSession::post(EventKind kind) {
    if (m_finished)
        return;
    m_queue.push_back(Event{wallClockUs(), std::move(kind)});
    pump();
}

// Events are handled strictly one after another: a command that produces an
// event (a write that fails at once) queues it instead of re-entering the
// layer from inside its own handle().
void ClientSession::pump() {
    if (m_pumping)
        return;
    m_pumping = true;
    Commands commands;
    while (!m_queue.empty() && !m_finished) {
        Event event = std::move(m_queue.front());
        m_queue.pop_front();
        commands.clear();
        m_layer->handle(event, commands);
        for (Command& command : commands)
            execute(command);
        flushWritten();
    }
    m_pumping = false;
    if (!m_finished)
        updateReading();
}

void ClientSession::flushWritten() {
    // By index: a flush that fails posts an event, which only queues.
    for (std::size_t i = 0; i < m_written.size(); ++i) {
        if (auto it = m_sockets.find(m_written[i]); it != m_sockets.end()) {
            it->second->flushQueued();
            m_host.notePendingBytes(it->second->pendingBytes());
        }
    }
    m_written.clear();
}

void ClientSession::execute(Command& command) {
    std::visit(
        Overloaded{
            [&](command::SendData& c) {
                // Sent when the event's commands are done (flushWritten):
                // what one event produces for a socket leaves in one send.
                if (auto it = m_sockets.find(c.conn); it != m_sockets.end()) {
                    it->second->writeLater(std::move(c.data));
                    if (std::find(m_written.begin(), m_written.end(), c.conn) == m_written.end())
                        m_written.push_back(c.conn);
                }
            },
            [&](command::OpenConnection& c) {
                const ConnId conn = c.conn;
                auto connector = std::make_unique<Connector>(
                    c.host, c.port, m_config.limits.connectTimeoutMs,
                    [this](const QHostAddress& a, quint16 p) { return m_host.isOwnListener(a, p); },
                    [this, conn](int fd, OpenError error, QString message) {
                        // Destroy the connector later: we are inside its callback.
                        if (auto it = m_connectors.find(conn); it != m_connectors.end()) {
                            it->second.release()->deleteLater();
                            m_connectors.erase(it);
                        }
                        if (fd >= 0)
                            addSocket(conn, fd);
                        post(event::OpenCompleted{conn, error, std::move(message)});
                    },
                    this);
                Connector* raw = connector.get();
                m_connectors[conn] = std::move(connector);
                raw->start();
            },
            [&](command::ShutdownWrite& c) {
                if (auto it = m_sockets.find(c.conn); it != m_sockets.end())
                    it->second->shutdownWriteAfterFlush();
            },
            [&](command::CloseConnection& c) {
                m_connectors.erase(c.conn);
                m_layerWantsReading.erase(c.conn);
                if (auto it = m_sockets.find(c.conn); it != m_sockets.end())
                    it->second->closeGracefully();
                if (c.conn == kClientConn) {
                    // The session is over for the layer; server connections
                    // still flushing are closed gracefully too.
                    for (auto& [id, socket] : m_sockets) {
                        if (id != kClientConn)
                            socket->closeGracefully();
                    }
                    m_connectors.clear();
                    // Stopped, not destroyed: one of them may be firing now.
                    for (auto& [id, t] : m_timers)
                        t->stop();
                }
            },
            [&](command::SetReading& c) {
                if (m_layerWantsReading.contains(c.conn))
                    m_layerWantsReading[c.conn] = c.enabled;
            },
            [&](command::StartTimer& c) { timer(c.timer)->start(c.msec); },
            [&](command::CancelTimer& c) {
                if (auto it = m_timers.find(c.timer); it != m_timers.end())
                    it->second->stop();
            },
            [&](command::ReportExchange& c) { m_host.exchangeFinished(c.summary); },
            [&](command::Record& c) { m_host.record(std::move(c.event)); },
            [&](command::RelayInKernel& c) {
                const auto a = m_sockets.find(c.a);
                const auto b = m_sockets.find(c.b);
                // Unavailable (no splice, no pipe): the copying path stays.
                // The pipe stays within the write high-water mark, the bound
                // the copying path keeps per connection.
                if (a != m_sockets.end() && b != m_sockets.end())
                    Socket::relayInKernel(
                        *a->second, *b->second,
                        std::min(KernelPipe::kCapacity, m_config.limits.writeHighWater));
            },
        },
        command);
}

QTimer* ClientSession::timer(int id) {
    auto& slot = m_timers[id];
    if (!slot) {
        slot = std::make_unique<QTimer>();
        slot->setSingleShot(true);
        connect(slot.get(), &QTimer::timeout, this, [this, id] { post(event::TimerFired{id}); });
    }
    return slot.get();
}

// Reading from a connection is on when its layer wants it and no other
// connection of the session is congested (its queued output above the
// high-water mark, until it drains below the low-water mark).
void ClientSession::updateReading() {
    bool anyCongested = false;
    ConnId congested = -1;
    int congestedCount = 0;
    for (const auto& [id, socket] : m_sockets) {
        if (socket->isCongested()) {
            anyCongested = true;
            congested = id;
            ++congestedCount;
        }
    }
    for (auto& [id, socket] : m_sockets) {
        if (socket->isClosing())
            continue;
        const auto want = m_layerWantsReading.find(id);
        const bool layerWants = want != m_layerWantsReading.end() && want->second;
        const bool blockedByPeer = anyCongested && (congestedCount > 1 || congested != id);
        socket->setReadingEnabled(layerWants && !blockedByPeer);
    }
}

void ClientSession::onSocketClosed(ConnId conn) {
    m_sockets.erase(conn);
    m_layerWantsReading.erase(conn);
    if (conn == kClientConn) {
        m_clientClosed = true;
        // Whatever the layer left open is closed now, but gracefully: data
        // that came from the client is still delivered (RFC 9110 §9.3.6).
        for (auto& [id, socket] : m_sockets)
            socket->closeGracefully();
    }
    if (m_clientClosed && m_sockets.empty())
        finishSession();
    else
        updateReading();
}

void ClientSession::finishSession() {
    if (m_finished)
        return;
    m_finished = true;
    m_queue.clear();
    m_timers.clear();
    m_connectors.clear();
    m_host.sessionFinished(this);
}

} // namespace spyglass::core::net
