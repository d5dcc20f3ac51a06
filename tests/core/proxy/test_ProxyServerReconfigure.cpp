// ProxyServer::reconfigure while running (the GUI's settings and intercept
// rules): the listener moves to a new address, a failed move keeps the old
// one, and a config interception cannot serve is refused whole.
#include "core/net/ProxyServer.h"

#include <QTest>
#include <arpa/inet.h>
#include <atomic>
#include <netinet/in.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

using namespace spyglass::core;

namespace {

int connectLoopback(quint16 port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    timeval tv{10, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
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

// A port something else holds, so binding it must fail.
int occupyPort(quint16* port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(fd, 4);
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    *port = ntohs(addr.sin_port);
    return fd;
}

// Sends a request that is not a proxy request from another thread (the
// server runs on this thread's event loop) and collects the status line.
class Probe {
public:
    explicit Probe(quint16 port)
        : m_thread([this, port] {
            const int fd = connectLoopback(port);
            if (fd < 0) {
                m_done = true;
                return;
            }
            const char request[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
            (void)::send(fd, request, sizeof request - 1, MSG_NOSIGNAL);
            char buffer[64] = {};
            const ssize_t n = ::recv(fd, buffer, sizeof buffer - 1, 0);
            if (n > 0)
                m_answer = QByteArray(buffer, n).split('\r').first();
            ::close(fd);
            m_done = true;
        }) {}
    ~Probe() { m_thread.join(); }
    Probe(const Probe&) = delete;
    Probe& operator=(const Probe&) = delete;

    [[nodiscard]] bool done() const { return m_done; }
    [[nodiscard]] QByteArray answer() const { return m_answer; }

private:
    std::atomic<bool> m_done{false};
    QByteArray m_answer;
    std::thread m_thread;
};

proxy::ProxyConfig loopbackAnyPort() {
    proxy::ProxyConfig config;
    config.listenPort = 0;
    return config;
}

} // namespace

class TestProxyServerReconfigure : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void newListenAddressMovesTheListener() {
        net::ProxyServer server(loopbackAnyPort(), nullptr);
        QString error;
        QVERIFY2(server.start(&error), qPrintable(error));
        const quint16 oldPort = server.config().listenPort;

        proxy::ProxyConfig next = server.config();
        next.listenPort = 0; // a different (free) port
        const auto outcome = server.reconfigure(next);
        QVERIFY2(outcome.error.isEmpty(), qPrintable(outcome.error));
        QVERIFY(outcome.listenerRestarted);
        const quint16 newPort = server.config().listenPort;
        QVERIFY(newPort != 0);
        QVERIFY(newPort != oldPort);

        const int refused = connectLoopback(oldPort);
        QCOMPARE(refused, -1);
        Probe probe(newPort);
        QTRY_VERIFY_WITH_TIMEOUT(probe.done(), 10000);
        QCOMPARE(probe.answer(), QByteArray("HTTP/1.1 400 Bad Request"));
    }

    void unchangedAddressKeepsTheListener() {
        net::ProxyServer server(loopbackAnyPort(), nullptr);
        QString error;
        QVERIFY2(server.start(&error), qPrintable(error));
        const quint16 port = server.config().listenPort;
        proxy::ProxyConfig next = server.config();
        next.allowedConnectPorts = {443, 8443};
        const auto outcome = server.reconfigure(next);
        QVERIFY2(outcome.error.isEmpty(), qPrintable(outcome.error));
        QVERIFY(!outcome.listenerRestarted);
        QCOMPARE(server.config().listenPort, port);
        QVERIFY(server.config().connectPortAllowed(8443));
    }

    void busyAddressKeepsTheOldListener() {
        quint16 busyPort = 0;
        const int busy = occupyPort(&busyPort);
        net::ProxyServer server(loopbackAnyPort(), nullptr);
        QString error;
        QVERIFY2(server.start(&error), qPrintable(error));
        const quint16 oldPort = server.config().listenPort;
        proxy::ProxyConfig next = server.config();
        next.listenPort = busyPort;
        next.allowedConnectPorts = {443, 8443};
        const auto outcome = server.reconfigure(next);
        ::close(busy);
        QVERIFY(!server.config().connectPortAllowed(8443)); // nothing changed
        QVERIFY(!outcome.listenerRestarted);
        QVERIFY2(outcome.error.contains(QString::number(busyPort)), qPrintable(outcome.error));
        QCOMPARE(server.config().listenPort, oldPort);
        Probe probe(oldPort);
        QTRY_VERIFY_WITH_TIMEOUT(probe.done(), 10000);
        QCOMPARE(probe.answer(), QByteArray("HTTP/1.1 400 Bad Request"));
    }

    void interceptRulesWithoutCaAreRefused() {
        net::ProxyServer server(loopbackAnyPort(), nullptr);
        QString error;
        QVERIFY2(server.start(&error), qPrintable(error));
        proxy::ProxyConfig next = server.config();
        QVERIFY(next.intercept.rules.addInclude(QStringLiteral("*.example.com"), &error));
        const auto outcome = server.reconfigure(next);
        QVERIFY(outcome.error.contains(QStringLiteral("no root CA")));
        QVERIFY(server.config().intercept.rules.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestProxyServerReconfigure)
#include "test_ProxyServerReconfigure.moc"
