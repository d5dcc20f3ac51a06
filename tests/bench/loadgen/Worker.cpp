#include "Worker.h"

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <sys/epoll.h>
#include <unistd.h>

namespace spyglass::bench {

namespace {

constexpr std::size_t kReadBuffer = 256 * 1024;
constexpr std::size_t kSlowReadChunk = 16 * 1024;
constexpr int kMaxEvents = 64;

bool isIpLiteral(const std::string& host) {
    in6_addr a6{};
    in_addr a4{};
    return inet_pton(AF_INET, host.c_str(), &a4) == 1 ||
           inet_pton(AF_INET6, host.c_str(), &a6) == 1;
}

std::string authority(const std::string& host, std::uint16_t port) {
    if (host.find(':') != std::string::npos)
        return "[" + host + "]:" + std::to_string(port);
    return host + ":" + std::to_string(port);
}

std::string sslError(const char* what) {
    std::string s = what;
    const unsigned long e = ERR_get_error();
    if (e != 0) {
        char buf[256];
        ERR_error_string_n(e, buf, sizeof buf);
        s += ": ";
        s += buf;
    }
    ERR_clear_error();
    return s;
}

} // namespace

std::uint64_t nowNs() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<std::uint64_t>(ts.tv_sec) * 1000000000ull +
           static_cast<std::uint64_t>(ts.tv_nsec);
}

Shared::Shared(const Options& o, SSL_CTX* c)
    : options(o)
    , ctx(c) {}

void Shared::start() {
    startNs = nowNs();
    deadlineNs = options.durationS > 0
                     ? startNs + static_cast<std::uint64_t>(options.durationS * 1e9)
                     : UINT64_MAX;
    abortNs = startNs + static_cast<std::uint64_t>(options.timeoutS * 1e9);
}

bool Shared::claim() {
    if (m_stop.load(std::memory_order_relaxed))
        return false;
    if (options.durationS > 0 && nowNs() >= deadlineNs)
        return false;
    if (options.requests > 0 &&
        m_claimed.fetch_add(1, std::memory_order_relaxed) >= options.requests)
        return false;
    return true;
}

void Shared::noteError() {
    if (m_errors.fetch_add(1, std::memory_order_relaxed) + 1 >= options.maxErrors)
        m_stop.store(true, std::memory_order_relaxed);
}

Worker::Worker(Shared& shared, int connections)
    : m_shared(shared)
    , m_buffer(kReadBuffer) {
    m_epoll = epoll_create1(EPOLL_CLOEXEC);
    for (int i = 0; i < connections; ++i)
        m_conns.push_back(std::make_unique<Conn>());
    m_result.latencyNs.reserve(1 << 16);
}

Worker::~Worker() {
    for (auto& c : m_conns)
        close(*c);
    if (m_epoll >= 0)
        ::close(m_epoll);
}

void Worker::run() {
    for (auto& c : m_conns)
        if (m_shared.claim())
            open(*c);
    epoll_event events[kMaxEvents];
    while (m_active > 0) {
        const std::uint64_t now = nowNs();
        if (now >= m_shared.abortNs || m_shared.stopped()) {
            const bool timedOut = now >= m_shared.abortNs;
            for (auto& c : m_conns)
                if (c->phase != Phase::Idle)
                    fail(*c, timedOut ? "run timeout: request still in flight"
                                      : "stopped after --max-errors");
            break;
        }
        const int n = epoll_wait(m_epoll, events, kMaxEvents, pollTimeoutMs(now));
        if (n < 0 && errno != EINTR)
            break;
        for (int i = 0; i < n; ++i)
            handle(*static_cast<Conn*>(events[i].data.ptr), events[i].events);
        if (m_shared.options.readRate > 0)
            resumePaused(nowNs());
    }
}

int Worker::pollTimeoutMs(std::uint64_t now) const {
    std::uint64_t wake = m_shared.abortNs;
    for (const auto& c : m_conns)
        if (c->resumeNs != 0)
            wake = std::min(wake, c->resumeNs);
    if (wake <= now)
        return 0;
    return static_cast<int>(std::min<std::uint64_t>((wake - now) / 1000000 + 1, 1000));
}

void Worker::open(Conn& c) {
    const Options& o = m_shared.options;
    c.connectStartNs = nowNs();
    c.requestStartNs = c.connectStartNs;
    c.fd = socket(m_shared.address.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c.fd < 0) {
        c.phase = Phase::Connecting;
        ++m_active;
        fail(c, std::string("socket: ") + std::strerror(errno));
        return;
    }
    const int one = 1;
    setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    ++m_active;
    ++m_result.connections;
    c.phase = Phase::Connecting;
    c.interest = 0;
    c.proxyReply.clear();
    c.tokens = static_cast<double>(kSlowReadChunk);
    c.refillNs = c.connectStartNs;
    c.resumeNs = 0;
    // The host this connection names (SNI, Host): "{n}" makes every
    // connection a host the proxy has never seen.
    c.host = o.host;
    if (const auto at = c.host.find("{n}"); at != std::string::npos)
        c.host.replace(at, 3, std::to_string(m_shared.hostCounter.fetch_add(1)));
    const std::string hostHeader = authority(c.host, o.target.port);
    const std::string target = o.forward ? "http://" + hostHeader + o.path : o.path;
    c.request = "GET " + target + " HTTP/1.1\r\nHost: " + hostHeader +
                "\r\nUser-Agent: spyglass-bench\r\nAccept: */*\r\n\r\n";
    const int r =
        connect(c.fd, reinterpret_cast<const sockaddr*>(&m_shared.address), m_shared.addressLength);
    if (r < 0 && errno != EINPROGRESS) {
        fail(c, std::string("connect: ") + std::strerror(errno));
        return;
    }
    epoll_event ev{};
    ev.events = EPOLLOUT;
    ev.data.ptr = &c;
    epoll_ctl(m_epoll, EPOLL_CTL_ADD, c.fd, &ev);
    c.interest = EPOLLOUT;
}

void Worker::close(Conn& c) {
    if (c.phase == Phase::Idle)
        return;
    if (c.ssl) {
        if (SSL_is_init_finished(c.ssl))
            SSL_shutdown(c.ssl); // one close_notify, not waited for
        SSL_free(c.ssl);
        c.ssl = nullptr;
        ERR_clear_error();
    }
    if (c.fd >= 0)
        ::close(c.fd);
    c.fd = -1;
    c.phase = Phase::Idle;
    c.resumeNs = 0;
    --m_active;
}

void Worker::fail(Conn& c, const std::string& why) {
    ++m_result.errors;
    if (m_result.errorKinds.size() < 8 || m_result.errorKinds.count(why))
        ++m_result.errorKinds[why];
    m_shared.noteError();
    close(c);
    if (m_shared.claim())
        open(c);
}

void Worker::setInterest(Conn& c, std::uint32_t events) {
    if (c.interest == events)
        return;
    epoll_event ev{};
    ev.events = events;
    ev.data.ptr = &c;
    epoll_ctl(m_epoll, EPOLL_CTL_MOD, c.fd, &ev);
    c.interest = events;
}

void Worker::handle(Conn& c, std::uint32_t events) {
    // Each step returns true when it advanced to a phase that may proceed
    // without waiting; false when it waits for the socket (or failed).
    for (;;) {
        bool more = false;
        switch (c.phase) {
        case Phase::Idle:
            return;
        case Phase::Connecting:
            more = stepConnecting(c, events);
            break;
        case Phase::ProxyWrite:
            more = stepProxyWrite(c);
            break;
        case Phase::ProxyRead:
            more = stepProxyRead(c);
            break;
        case Phase::Handshake:
            more = stepHandshake(c);
            break;
        case Phase::Write:
            more = stepWrite(c);
            break;
        case Phase::Read:
            more = stepRead(c);
            break;
        }
        if (!more)
            return;
    }
}

bool Worker::stepConnecting(Conn& c, std::uint32_t events) {
    if ((events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) == 0)
        return false;
    int err = 0;
    socklen_t len = sizeof err;
    getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err == EINPROGRESS || err == EALREADY)
        return false;
    if (err != 0) {
        fail(c, std::string("connect: ") + std::strerror(err));
        return false;
    }
    const Options& o = m_shared.options;
    if (o.proxy && !o.forward) {
        const std::string a = authority(o.target.host, o.target.port);
        c.out = "CONNECT " + a + " HTTP/1.1\r\nHost: " + a + "\r\n\r\n";
        c.outOffset = 0;
        c.phase = Phase::ProxyWrite;
        return true;
    }
    afterTunnel(c);
    return true;
}

bool Worker::stepProxyWrite(Conn& c) {
    while (c.outOffset < c.out.size()) {
        const ssize_t n = ::write(c.fd, c.out.data() + c.outOffset, c.out.size() - c.outOffset);
        if (n < 0) {
            if (errno == EAGAIN) {
                setInterest(c, EPOLLOUT);
                return false;
            }
            fail(c, std::string("write CONNECT: ") + std::strerror(errno));
            return false;
        }
        c.outOffset += static_cast<std::size_t>(n);
    }
    c.phase = Phase::ProxyRead;
    setInterest(c, EPOLLIN);
    return false;
}

bool Worker::stepProxyRead(Conn& c) {
    char buf[2048];
    const ssize_t n = ::read(c.fd, buf, sizeof buf);
    if (n < 0) {
        if (errno == EAGAIN)
            return false;
        fail(c, std::string("read CONNECT reply: ") + std::strerror(errno));
        return false;
    }
    if (n == 0) {
        fail(c, "proxy closed during CONNECT");
        return false;
    }
    c.proxyReply.append(buf, static_cast<std::size_t>(n));
    const std::size_t end = c.proxyReply.find("\r\n\r\n");
    if (end == std::string::npos) {
        if (c.proxyReply.size() > 16384)
            fail(c, "CONNECT reply head too long");
        return false;
    }
    if (c.proxyReply.compare(0, 5, "HTTP/") != 0 || c.proxyReply.size() < 12 ||
        c.proxyReply.compare(9, 3, "200") != 0) {
        fail(c, "CONNECT refused: " + c.proxyReply.substr(0, c.proxyReply.find('\r')));
        return false;
    }
    if (end + 4 != c.proxyReply.size()) {
        fail(c, "proxy sent bytes after the CONNECT reply");
        return false;
    }
    afterTunnel(c);
    return true;
}

void Worker::afterTunnel(Conn& c) {
    if (!m_shared.options.tls) {
        beginRequest(c);
        return;
    }
    c.ssl = SSL_new(m_shared.ctx);
    SSL_set_fd(c.ssl, c.fd);
    SSL_set_connect_state(c.ssl);
    if (isIpLiteral(c.host)) {
        X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(c.ssl), c.host.c_str());
    } else {
        // SSL_set_tlsext_host_name() is a macro with a C cast.
        SSL_ctrl(c.ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                 const_cast<char*>(c.host.c_str()));
        SSL_set1_host(c.ssl, c.host.c_str());
    }
    c.phase = Phase::Handshake;
}

bool Worker::stepHandshake(Conn& c) {
    const int r = SSL_do_handshake(c.ssl);
    if (r == 1) {
        beginRequest(c);
        return true;
    }
    const int e = SSL_get_error(c.ssl, r);
    if (e == SSL_ERROR_WANT_READ) {
        setInterest(c, EPOLLIN);
        return false;
    }
    if (e == SSL_ERROR_WANT_WRITE) {
        setInterest(c, EPOLLOUT);
        return false;
    }
    const long verify = SSL_get_verify_result(c.ssl);
    if (verify != X509_V_OK)
        fail(c, std::string("TLS verify: ") + X509_verify_cert_error_string(verify));
    else
        fail(c, sslError("TLS handshake"));
    return false;
}

void Worker::beginRequest(Conn& c) {
    c.parser.reset();
    c.outOffset = 0;
    c.phase = Phase::Write;
}

bool Worker::stepWrite(Conn& c) {
    while (c.outOffset < c.request.size()) {
        const char* p = c.request.data() + c.outOffset;
        const std::size_t left = c.request.size() - c.outOffset;
        if (c.ssl) {
            std::size_t written = 0;
            const int r = SSL_write_ex(c.ssl, p, left, &written);
            if (r <= 0) {
                const int e = SSL_get_error(c.ssl, r);
                if (e == SSL_ERROR_WANT_WRITE || e == SSL_ERROR_WANT_READ) {
                    setInterest(c, e == SSL_ERROR_WANT_WRITE ? EPOLLOUT : EPOLLIN);
                    return false;
                }
                fail(c, sslError("TLS write"));
                return false;
            }
            c.outOffset += written;
        } else {
            const ssize_t n = ::write(c.fd, p, left);
            if (n < 0) {
                if (errno == EAGAIN) {
                    setInterest(c, EPOLLOUT);
                    return false;
                }
                fail(c, std::string("write: ") + std::strerror(errno));
                return false;
            }
            c.outOffset += static_cast<std::size_t>(n);
        }
    }
    c.phase = Phase::Read;
    setInterest(c, EPOLLIN);
    return true;
}

bool Worker::stepRead(Conn& c) {
    const std::uint64_t rate = m_shared.options.readRate;
    for (;;) {
        std::size_t want = m_buffer.size();
        if (rate > 0) {
            const std::uint64_t now = nowNs();
            const double cap = std::max<double>(kSlowReadChunk, static_cast<double>(rate) / 10);
            c.tokens = std::min(cap, c.tokens + static_cast<double>(now - c.refillNs) * 1e-9 *
                                                    static_cast<double>(rate));
            c.refillNs = now;
            if (c.tokens < 1) {
                // Out of budget: stop reading; the kernel buffers fill and the
                // sender (the proxy) must hold back.
                c.resumeNs = now + static_cast<std::uint64_t>(static_cast<double>(kSlowReadChunk) *
                                                              1e9 / static_cast<double>(rate));
                setInterest(c, 0);
                return false;
            }
            want = std::min<std::size_t>(static_cast<std::size_t>(c.tokens), kSlowReadChunk);
        }
        std::size_t got = 0;
        bool eof = false;
        if (c.ssl) {
            const int r = SSL_read_ex(c.ssl, m_buffer.data(), want, &got);
            if (r <= 0) {
                const int e = SSL_get_error(c.ssl, r);
                if (e == SSL_ERROR_WANT_READ)
                    return false;
                if (e == SSL_ERROR_WANT_WRITE) {
                    setInterest(c, EPOLLOUT);
                    return false;
                }
                if (e == SSL_ERROR_ZERO_RETURN ||
                    (e == SSL_ERROR_SSL && c.parser.state() == ResponseParser::State::UntilClose)) {
                    eof = true;
                } else {
                    ERR_clear_error();
                    eof = true;
                }
            }
        } else {
            const ssize_t n = ::read(c.fd, m_buffer.data(), want);
            if (n < 0) {
                if (errno == EAGAIN)
                    return false;
                fail(c, std::string("read: ") + std::strerror(errno));
                return false;
            }
            eof = n == 0;
            got = static_cast<std::size_t>(n);
        }
        if (eof) {
            c.parser.onEof();
            if (c.parser.done())
                return finishResponse(c);
            fail(c, c.parser.bodyBytes() > 0 || c.parser.status() != 0
                        ? "closed mid-response: " + c.parser.error()
                        : "closed before a response");
            return false;
        }
        if (rate > 0)
            c.tokens -= static_cast<double>(got);
        const std::size_t used = c.parser.feed(m_buffer.data(), got);
        if (c.parser.failed()) {
            fail(c, "bad response: " + c.parser.error());
            return false;
        }
        if (c.parser.done()) {
            if (used != got) {
                fail(c, "bytes after the response (unsolicited or body longer than declared)");
                return false;
            }
            return finishResponse(c);
        }
    }
}

bool Worker::finishResponse(Conn& c) {
    const Options& o = m_shared.options;
    const std::uint64_t now = nowNs();
    if (c.parser.status() != o.expectStatus) {
        fail(c, "status " + std::to_string(c.parser.status()) + ", expected " +
                    std::to_string(o.expectStatus));
        return false;
    }
    if (o.expectBytes && c.parser.bodyBytes() != *o.expectBytes) {
        fail(c, "body of " + std::to_string(c.parser.bodyBytes()) + " bytes, expected " +
                    std::to_string(*o.expectBytes));
        return false;
    }
    ++m_result.ok;
    m_result.bodyBytes += c.parser.bodyBytes();
    m_result.latencyNs.push_back(now - (o.newConnection ? c.connectStartNs : c.requestStartNs));
    m_result.lastDoneNs = now;
    if (o.newConnection || c.parser.serverCloses() ||
        c.parser.state() != ResponseParser::State::Done) {
        close(c);
        if (m_shared.claim())
            open(c);
        return false; // a new connection waits for its connect to finish
    }
    if (!m_shared.claim()) {
        close(c);
        return false;
    }
    // Keep-alive: the next request goes out now, from the handle() loop.
    c.requestStartNs = now;
    beginRequest(c);
    return true;
}

void Worker::resumePaused(std::uint64_t now) {
    for (auto& c : m_conns) {
        if (c->resumeNs == 0 || c->resumeNs > now || c->phase != Phase::Read)
            continue;
        c->resumeNs = 0;
        setInterest(*c, EPOLLIN);
        handle(*c, EPOLLIN);
    }
}

} // namespace spyglass::bench
