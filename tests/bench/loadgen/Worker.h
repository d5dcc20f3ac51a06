#pragma once

#include "Options.h"
#include "ResponseParser.h"

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <openssl/ssl.h>
#include <string>
#include <sys/socket.h>
#include <vector>

namespace spyglass::bench {

std::uint64_t nowNs();

// State every worker thread shares: the options, the TLS context and the
// request budget. Requests are claimed one at a time, so the total is exact
// whatever the number of connections and threads.
class Shared {
public:
    Shared(const Options& options, SSL_CTX* ctx);

    [[nodiscard]] bool claim();
    void noteError();
    [[nodiscard]] bool stopped() const { return m_stop.load(std::memory_order_relaxed); }
    void start();

    const Options& options;
    SSL_CTX* ctx;
    sockaddr_storage address{}; // the proxy's, else the target's
    socklen_t addressLength = 0;
    std::uint64_t startNs = 0;
    std::uint64_t deadlineNs = 0; // stop issuing requests
    std::uint64_t abortNs = 0;    // give up on what is still in flight
    std::atomic<std::uint64_t> hostCounter{0};

private:
    std::atomic<std::uint64_t> m_claimed{0};
    std::atomic<std::uint64_t> m_errors{0};
    std::atomic<bool> m_stop{false};
};

struct WorkerResult {
    std::vector<std::uint64_t> latencyNs;
    std::uint64_t ok = 0;
    std::uint64_t errors = 0;
    std::uint64_t bodyBytes = 0;
    std::uint64_t connections = 0;
    std::uint64_t lastDoneNs = 0;
    std::map<std::string, std::uint64_t> errorKinds;
};

// One thread: an epoll loop over its share of the connections. Every socket
// is non-blocking and level-triggered; TLS runs on the socket (SSL_set_fd).
class Worker {
public:
    Worker(Shared& shared, int connections);
    ~Worker();
    Worker(const Worker&) = delete;
    Worker& operator=(const Worker&) = delete;

    void run();
    [[nodiscard]] const WorkerResult& result() const { return m_result; }

private:
    enum class Phase { Idle, Connecting, ProxyWrite, ProxyRead, Handshake, Write, Read };
    struct Conn {
        int fd = -1;
        SSL* ssl = nullptr;
        Phase phase = Phase::Idle;
        std::uint32_t interest = 0;
        std::string host;
        std::string request;
        std::string out; // the CONNECT request while it is written
        std::size_t outOffset = 0;
        std::string proxyReply;
        ResponseParser parser;
        std::uint64_t connectStartNs = 0;
        std::uint64_t requestStartNs = 0;
        // Slow reader: a token bucket of bytes.
        double tokens = 0;
        std::uint64_t refillNs = 0;
        std::uint64_t resumeNs = 0; // non-zero while paused
    };

    void open(Conn& c);
    void close(Conn& c);
    void fail(Conn& c, const std::string& why);
    void handle(Conn& c, std::uint32_t events);
    void setInterest(Conn& c, std::uint32_t events);
    bool stepConnecting(Conn& c, std::uint32_t events);
    bool stepProxyWrite(Conn& c);
    bool stepProxyRead(Conn& c);
    void afterTunnel(Conn& c);
    bool stepHandshake(Conn& c);
    void beginRequest(Conn& c);
    bool stepWrite(Conn& c);
    bool stepRead(Conn& c);
    bool finishResponse(Conn& c);
    void resumePaused(std::uint64_t now);
    int pollTimeoutMs(std::uint64_t now) const;

    Shared& m_shared;
    int m_epoll = -1;
    int m_active = 0;
    std::vector<std::unique_ptr<Conn>> m_conns;
    std::vector<char> m_buffer;
    WorkerResult m_result;
};

} // namespace spyglass::bench
