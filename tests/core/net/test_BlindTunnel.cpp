// A blind CONNECT tunnel through the real ProxyServer on 127.0.0.1 (the
// kernel relay on Linux): a ClientHello sent with the CONNECT head reaches
// the origin first and unchanged, several MiB go both ways byte-exact with
// the client half-closing first, and the tunnel's record has the byte counts.
// A short tunnel relays by copying; a long one switches to the kernel relay
// mid-stream (its pipes appear) without reordering a byte.
#include "LoopbackPair.h"
#include "core/net/ProxyServer.h"

#include <QDir>
#include <QFile>
#include <QTest>
#include <atomic>
#include <thread>

using namespace spyglass::core;
using namespace spyglass::testing;

namespace {

class Summaries final : public proxy::ExchangeSink {
public:
    void exchangeFinished(const proxy::ExchangeSummary& summary) override {
        list.push_back(summary);
    }
    std::vector<proxy::ExchangeSummary> list;
};

QByteArray readHead(int fd) {
    QByteArray head;
    char c = 0;
    while (head.size() < 4096 && !head.endsWith("\r\n\r\n") && ::recv(fd, &c, 1, 0) == 1)
        head.append(c);
    return head;
}

// A proxy on an ephemeral 127.0.0.1 port that tunnels to any port.
proxy::ProxyConfig tunnelConfig() {
    proxy::ProxyConfig config;
    config.listenPort = 0;
    config.allowAnyConnectPort = true;
    return config;
}

// The pipes this process holds open: a kernel relay makes two per tunnel.
int openPipeEnds() {
    int pipes = 0;
    const QDir fds(QStringLiteral("/proc/self/fd"));
    for (const QString& name : fds.entryList(QDir::Files | QDir::System | QDir::NoDotAndDotDot)) {
        if (QFile::symLinkTarget(fds.filePath(name)).contains(QLatin1String("pipe:")))
            ++pipes;
    }
    return pipes;
}

// Waits (bounded, ~10 s) while the proxy's event loop runs.
bool waitFor(const std::atomic<bool>& flag) {
    for (int i = 0; i < 1000 && !flag; ++i)
        QTest::qWait(10);
    return flag;
}

void spin(const std::atomic<bool>& flag) {
    for (int i = 0; i < 2000 && !flag; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
}

} // namespace

class TestBlindTunnel : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void relaysEarlyHelloAndSeveralMiBWithHalfClose() {
        quint16 originPort = 0;
        const int originListener = listenLoopback(&originPort);
        const QByteArray hello = "\x16\x03\x01\x00\x05hello"; // sent with the CONNECT head
        const QByteArray up = pattern(3 * 1024 * 1024 + 11, 7);
        const QByteArray down = pattern(6 * 1024 * 1024 + 5, 8);

        QByteArray originGot;
        std::atomic<bool> originDone{false};
        std::thread origin([&] {
            const int fd = ::accept(originListener, nullptr, nullptr);
            timeval tv{10, 0};
            ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
            // The origin answers after the client's EOF (half-close order).
            originGot = readToEof(fd, hello.size() + up.size() + 1);
            sendAll(fd, down);
            ::close(fd);
            originDone = true;
        });

        Summaries summaries;
        net::ProxyServer server(tunnelConfig(), &summaries);
        QString error;
        QVERIFY2(server.start(&error), qPrintable(error));
        const quint16 proxyPort = server.config().listenPort;

        QByteArray answer, clientGot;
        std::atomic<bool> clientDone{false};
        std::thread client([&] {
            const int fd = connectLoopback(proxyPort);
            const QByteArray connect = "CONNECT 127.0.0.1:" + QByteArray::number(originPort) +
                                       " HTTP/1.1\r\nHost: x\r\n\r\n";
            sendAll(fd, connect + hello);
            answer = readHead(fd);
            sendAll(fd, up);
            ::shutdown(fd, SHUT_WR);
            clientGot = readToEof(fd, down.size() + 1);
            ::close(fd);
            clientDone = true;
        });

        for (int i = 0; i < 3000 && !(clientDone && originDone && !summaries.list.empty()); ++i)
            QTest::qWait(10); // bounded: ~30 s at most
        client.join();
        origin.join();
        ::close(originListener);

        QVERIFY2(answer.startsWith("HTTP/1.1 200 Connection established"), answer.constData());
        QCOMPARE(originGot.size(), hello.size() + up.size());
        QVERIFY(originGot.startsWith(hello));
        QVERIFY(originGot.mid(hello.size()) == up);
        QCOMPARE(clientGot.size(), down.size());
        QVERIFY(clientGot == down);
        QCOMPARE(summaries.list.size(), size_t(1));
        const proxy::ExchangeSummary& s = summaries.list.front();
        QCOMPARE(s.method, QByteArray("CONNECT"));
        QCOMPARE(s.status, 200);
        QCOMPARE(s.bytesUp, qint64(hello.size() + up.size()));
        QCOMPARE(s.bytesDown, qint64(down.size()));
        QVERIFY2(s.error.isEmpty(), qPrintable(s.error));
    }

    void shortTunnelCopiesLongOneSwitchesToTheKernelRelay() {
#ifndef __linux__
        QSKIP("splice(2) is Linux only: every tunnel copies elsewhere");
#endif
        quint16 originPort = 0;
        const int originListener = listenLoopback(&originPort);
        const QByteArray ping = pattern(1000, 1);
        const QByteArray pong = pattern(1500, 2);
        const QByteArray bulk = pattern(1024 * 1024 + 3, 3); // crosses the mark mid-stream
        std::atomic<bool> smallDone{false}, goBulk{false}, bulkDone{false}, goClose{false};
        QByteArray originGot, clientGot, answer;
        std::thread origin([&] {
            const int fd = ::accept(originListener, nullptr, nullptr);
            timeval tv{10, 0};
            ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
            originGot = readExactly(fd, ping.size());
            sendAll(fd, pong);
            spin(goBulk);
            sendAll(fd, bulk);
            originGot += readToEof(fd, 1); // the client's EOF
            ::close(fd);
        });

        Summaries summaries;
        net::ProxyServer server(tunnelConfig(), &summaries);
        QString error;
        QVERIFY2(server.start(&error), qPrintable(error));
        const int pipesBefore = openPipeEnds();

        std::thread client([&, port = server.config().listenPort] {
            const int fd = connectLoopback(port);
            sendAll(fd, "CONNECT 127.0.0.1:" + QByteArray::number(originPort) +
                            " HTTP/1.1\r\nHost: x\r\n\r\n");
            answer = readHead(fd);
            sendAll(fd, ping);
            clientGot = readExactly(fd, pong.size());
            smallDone = true;
            clientGot += readExactly(fd, bulk.size());
            bulkDone = true;
            spin(goClose);
            ::shutdown(fd, SHUT_WR);
            clientGot += readToEof(fd, 1);
            ::close(fd);
        });

        const bool small = waitFor(smallDone);
        QTest::qWait(50); // the proxy has seen the pong go out
        const int pipesWhileShort = openPipeEnds();
        goBulk = true;
        const bool big = waitFor(bulkDone);
        const int pipesWhileLong = openPipeEnds();
        goClose = true;
        for (int i = 0; i < 1000 && summaries.list.empty(); ++i)
            QTest::qWait(10);
        client.join();
        origin.join();
        ::close(originListener);

        QVERIFY(small);
        QVERIFY(big);
        QVERIFY2(answer.startsWith("HTTP/1.1 200"), answer.constData());
        QCOMPARE(pipesWhileShort, pipesBefore);
        QCOMPARE(pipesWhileLong, pipesBefore + 4); // two pipes, two ends each
        QVERIFY(originGot == ping);
        QCOMPARE(clientGot.size(), pong.size() + bulk.size());
        QVERIFY(clientGot == pong + bulk);
        QCOMPARE(summaries.list.size(), size_t(1));
        QCOMPARE(summaries.list.front().bytesUp, qint64(ping.size()));
        QCOMPARE(summaries.list.front().bytesDown, qint64(pong.size() + bulk.size()));
    }
};

QTEST_GUILESS_MAIN(TestBlindTunnel)
#include "test_BlindTunnel.moc"
