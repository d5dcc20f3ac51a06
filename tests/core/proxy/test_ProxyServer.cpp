// ProxyServer with real sockets on loopback: memory bounds under a slow
// reader, the connection cap, and the client address policy.
#include "core/net/AddressPolicy.h"
#include "core/net/ProxyServer.h"
#include "core/net/Socket.h"

#include <QTest>
#include <arpa/inet.h>
#include <atomic>
#include <cstring>
#include <netinet/in.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

using namespace spyglass::core;

namespace {

int listenLoopback(quint16* port) {
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

int connectLoopback(quint16 port, int receiveBuffer = 0) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (receiveBuffer > 0)
        ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receiveBuffer, sizeof receiveBuffer);
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

// Reads until the end of an HTTP head; returns it (bounded).
QByteArray readHead(int fd) {
    QByteArray head;
    char c = 0;
    while (head.size() < 4096 && !head.endsWith("\r\n\r\n") && ::recv(fd, &c, 1, 0) == 1)
        head.append(c);
    return head;
}

proxy::ProxyConfig testConfig() {
    proxy::ProxyConfig config;
    config.listenPort = 0;
    config.allowAnyConnectPort = true;
    config.limits.writeHighWater = 64 * 1024;
    config.limits.writeLowWater = 16 * 1024;
    return config;
}

} // namespace

class TestProxyServer : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // A client reading 1 KiB/s from a fast origin through a tunnel: the proxy
    // stops reading from the origin once the client's queue passes the
    // high-water mark, so what it buffers stays bounded (asserted on bytes,
    // never on time).
    void slowReaderKeepsProxyBufferBounded() {
        quint16 originPort = 0;
        const int originListener = listenLoopback(&originPort);
        std::atomic<qint64> originWritten{0};
        std::atomic<bool> stop{false};
        std::thread origin([&] {
            const int fd = ::accept(originListener, nullptr, nullptr);
            timeval tv{0, 200'000};
            ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
            QByteArray block(64 * 1024, 'x');
            while (!stop) {
                const ssize_t n = ::send(fd, block.constData(), block.size(), MSG_NOSIGNAL);
                if (n > 0)
                    originWritten += n;
                else if (errno != EAGAIN && errno != EWOULDBLOCK)
                    break;
            }
            ::close(fd);
        });

        net::ProxyServer server(testConfig(), nullptr);
        QString error;
        QVERIFY2(server.start(&error), qPrintable(error));
        const quint16 proxyPort = server.config().listenPort;

        std::atomic<qint64> clientRead{0};
        std::atomic<bool> clientDone{false};
        QByteArray answer;
        std::thread client([&] {
            const int fd = connectLoopback(proxyPort, 4096);
            const QByteArray connect = "CONNECT 127.0.0.1:" + QByteArray::number(originPort) +
                                       " HTTP/1.1\r\nHost: x\r\n\r\n";
            ::send(fd, connect.constData(), connect.size(), MSG_NOSIGNAL);
            answer = readHead(fd);
            char buffer[1024];
            for (int second = 0; second < 4; ++second) { // 1 KiB/s for 4 s
                const ssize_t n = ::recv(fd, buffer, sizeof buffer, MSG_WAITALL);
                if (n <= 0)
                    break;
                clientRead += n;
                std::this_thread::sleep_for(std::chrono::seconds(1));
            }
            ::close(fd);
            clientDone = true;
        });

        qsizetype maxPending = 0;
        for (int i = 0; i < 1000 && !clientDone; ++i) { // bounded: ~10 s at most
            QTest::qWait(10);
            maxPending = std::max(maxPending, server.stats().pendingBytes);
        }
        stop = true;
        client.join();
        origin.join();
        ::close(originListener);

        QVERIFY2(answer.startsWith("HTTP/1.1 200 Connection established"), answer.constData());
        QCOMPARE(clientRead.load(), qint64(4 * 1024));
        const auto stats = server.stats();
        const qsizetype bound =
            testConfig().limits.writeHighWater + 4 * net::Socket::kReadChunk; // one wakeup's reads
        // The origin really was faster: the proxy filled its queue to the mark.
        QVERIFY2(stats.peakPendingBytes >= testConfig().limits.writeHighWater,
                 qPrintable(QString::number(stats.peakPendingBytes)));
        QVERIFY2(stats.peakPendingBytes <= bound,
                 qPrintable(
                     QStringLiteral("peak %1 > bound %2").arg(stats.peakPendingBytes).arg(bound)));
        QVERIFY(maxPending <= bound);
        // And the origin was held back rather than drained into our memory.
        QVERIFY2(originWritten.load() < 64 * 1024 * 1024,
                 qPrintable(QString::number(originWritten.load())));
    }

    // At the cap the listener stops accepting; the extra client waits in the
    // backlog and is served once a slot frees (never crashed, never refused).
    void connectionCapQueuesExtraClients() {
        proxy::ProxyConfig config = testConfig();
        config.limits.maxConnections = 1;
        net::ProxyServer server(config, nullptr);
        QString error;
        QVERIFY2(server.start(&error), qPrintable(error));
        const quint16 port = server.config().listenPort;

        const int first = connectLoopback(port);
        QTRY_COMPARE(server.stats().activeSessions, 1);
        const int second = connectLoopback(port); // completes in the kernel backlog
        QVERIFY(second >= 0);
        QTest::qWait(100);
        QCOMPARE(server.stats().acceptedConnections, qint64(1));
        ::close(first);
        QTRY_COMPARE(server.stats().acceptedConnections, qint64(2));
        const QByteArray request = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
        ::send(second, request.constData(), request.size(), MSG_NOSIGNAL);
        std::atomic<bool> done{false};
        QByteArray head;
        std::thread reader([&] {
            head = readHead(second);
            done = true;
        });
        QTRY_VERIFY(done.load());
        reader.join();
        ::close(second);
        QVERIFY2(head.startsWith("HTTP/1.1 400"), head.constData());
    }

    void nonLoopbackListenNeedsAllowLan() {
        proxy::ProxyConfig config = testConfig();
        config.listenHost = QStringLiteral("0.0.0.0");
        net::ProxyServer server(config, nullptr);
        QString error;
        QVERIFY(!server.start(&error));
        QVERIFY2(error.contains(QStringLiteral("--allow-lan")), qPrintable(error));
    }

    void clientAddressPolicy_data() {
        QTest::addColumn<QString>("address");
        QTest::addColumn<bool>("allowed");
        QTest::newRow("loopback4") << "127.0.0.1" << true;
        QTest::newRow("loopback6") << "::1" << true;
        QTest::newRow("mapped-loopback") << "::ffff:127.0.0.1" << true;
        QTest::newRow("rfc1918-10") << "10.1.2.3" << true;
        QTest::newRow("rfc1918-172") << "172.20.0.1" << true;
        QTest::newRow("rfc1918-192") << "192.168.1.20" << true;
        QTest::newRow("cgnat") << "100.64.0.1" << true;
        QTest::newRow("link-local") << "169.254.1.1" << true;
        QTest::newRow("ula") << "fd00::1" << true;
        QTest::newRow("v6-link-local") << "fe80::1" << true;
        QTest::newRow("global4") << "8.8.8.8" << false;
        QTest::newRow("global-172-32") << "172.32.0.1" << false;
        QTest::newRow("global6") << "2001:4860::8888" << false;
        QTest::newRow("mapped-global") << "::ffff:8.8.8.8" << false;
    }
    void clientAddressPolicy() {
        QFETCH(QString, address);
        QFETCH(bool, allowed);
        QCOMPARE(net::isLocalNetworkAddress(QHostAddress(address)), allowed);
    }
};

QTEST_GUILESS_MAIN(TestProxyServer)
#include "test_ProxyServer.moc"
