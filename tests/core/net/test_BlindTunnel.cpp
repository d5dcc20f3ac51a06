// A blind CONNECT tunnel through the real ProxyServer on 127.0.0.1 (the
// kernel relay on Linux): a ClientHello sent with the CONNECT head reaches
// the origin first and unchanged, several MiB go both ways byte-exact with
// the client half-closing first, and the tunnel's record has the byte counts.
#include "LoopbackPair.h"
#include "core/net/ProxyServer.h"

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
        proxy::ProxyConfig config;
        config.listenPort = 0;
        config.allowAnyConnectPort = true;
        net::ProxyServer server(config, &summaries);
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
};

QTEST_GUILESS_MAIN(TestBlindTunnel)
#include "test_BlindTunnel.moc"
