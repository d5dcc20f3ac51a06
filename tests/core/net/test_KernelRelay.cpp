// Socket::relayInKernel (splice(2) through a pipe per direction) with real
// TCP connections on 127.0.0.1: byte-exact relay both ways, bytes queued
// before the relay keep their place, half-close order, a slow reader keeps
// the relay's buffer bounded, and the fall-back to copying keeps the order.
#include "LoopbackPair.h"
#include "SpinUntil.h"
#include "core/net/Socket.h"

#include <QTest>
#include <atomic>
#include <thread>

using namespace spyglass::core::net;
using namespace spyglass::testing;

namespace {

// Two Sockets wired like a blind tunnel's driver does: data (the copying
// path) goes to the other side, EOF half-closes the other side once flushed.
struct Relay {
    LoopbackPair client = makeLoopbackPair(4096);
    LoopbackPair server = makeLoopbackPair();
    std::unique_ptr<Socket> clientSide;
    std::unique_ptr<Socket> serverSide;
    qint64 relayedUp = 0; // counted by the kernel relay
    qint64 relayedDown = 0;
    qint64 copiedUp = 0; // counted by the copying path
    qint64 copiedDown = 0;
    QStringList errors;

    explicit Relay(qsizetype highWater = 512 * 1024) {
        clientSide = make(client.inner, highWater, /*fromClient=*/true);
        serverSide = make(server.inner, highWater, /*fromClient=*/false);
    }
    ~Relay() {
        clientSide.reset();
        serverSide.reset();
        ::close(client.outer);
        ::close(server.outer);
    }
    Socket& other(bool fromClient) { return fromClient ? *serverSide : *clientSide; }

    std::unique_ptr<Socket> make(int fd, qsizetype highWater, bool fromClient) {
        Socket::Callbacks cb;
        cb.data = [this, fromClient](QByteArray data) {
            (fromClient ? copiedUp : copiedDown) += data.size();
            other(fromClient).write(std::move(data));
        };
        cb.relayed = [this, fromClient](qsizetype n) {
            (fromClient ? relayedUp : relayedDown) += n;
        };
        cb.eof = [this, fromClient] { other(fromClient).shutdownWriteAfterFlush(); };
        cb.error = [this](QString message) { errors << message; };
        return std::make_unique<Socket>(fd, highWater, highWater / 4, std::move(cb));
    }
};

// On Linux the kernel relay must start; elsewhere it must say it did not
// (and the sockets keep copying, which the same assertions then check).
bool relayedInKernelWhereAvailable(bool started) {
#ifdef __linux__
    return started;
#else
    return !started;
#endif
}

} // namespace

class TestKernelRelay : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void relaysSeveralMiBByteExactBothWays() {
        Relay relay;
        // Queued before the relay starts, like a ClientHello read with the
        // CONNECT head: it must reach the server first.
        const QByteArray early = "\x16\x03\x01"
                                 "early-client-hello";
        relay.serverSide->write(early);
        QVERIFY(relayedInKernelWhereAvailable(
            Socket::relayInKernel(*relay.clientSide, *relay.serverSide)));
#ifdef __linux__
        QVERIFY(relay.clientSide->isRelayingInKernel());
        QVERIFY(relay.serverSide->isRelayingInKernel());
#endif
        const QByteArray up = pattern(5 * 1024 * 1024 + 123, 1);
        const QByteArray down = pattern(7 * 1024 * 1024 + 7, 2);
        QByteArray gotAtServer, gotAtClient;
        std::atomic<int> finished{0};
        std::thread clientPeer([&] {
            sendAll(relay.client.outer, up);
            ::shutdown(relay.client.outer, SHUT_WR);
            gotAtClient = readToEof(relay.client.outer, down.size() + 1);
            ++finished;
        });
        std::thread serverPeer([&] {
            std::thread writer([&] {
                sendAll(relay.server.outer, down);
                ::shutdown(relay.server.outer, SHUT_WR);
            });
            gotAtServer = readToEof(relay.server.outer, early.size() + up.size() + 1);
            writer.join();
            ++finished;
        });
        const bool done = spinUntil([&] { return finished.load() == 2; });
        clientPeer.join();
        serverPeer.join();
        QVERIFY(done);
        QVERIFY(relay.errors.isEmpty());
        QCOMPARE(gotAtServer.size(), early.size() + up.size());
        QVERIFY(gotAtServer == early + up);
        QCOMPARE(gotAtClient.size(), down.size());
        QVERIFY(gotAtClient == down);
        QCOMPARE(relay.relayedUp + relay.copiedUp, qint64(up.size()));
        QCOMPARE(relay.relayedDown + relay.copiedDown, qint64(down.size()));
#ifdef __linux__
        // The bytes went through the kernel, not through user space.
        QCOMPARE(relay.relayedUp, qint64(up.size()));
        QCOMPARE(relay.relayedDown, qint64(down.size()));
#endif
    }

    // RFC 9110 §9.3.6: after the client's EOF the server's answer still
    // flows back; the server sees the EOF only after all client bytes.
    void halfCloseKeepsTheOtherDirectionOpen() {
        Relay relay;
        QVERIFY(relayedInKernelWhereAvailable(
            Socket::relayInKernel(*relay.clientSide, *relay.serverSide)));
        const QByteArray question = pattern(300 * 1024, 3);
        const QByteArray answer = pattern(2 * 1024 * 1024, 4);
        QByteArray serverGot, clientGot;
        std::atomic<int> finished{0};
        std::thread clientPeer([&] {
            sendAll(relay.client.outer, question);
            ::shutdown(relay.client.outer, SHUT_WR);
            clientGot = readToEof(relay.client.outer, answer.size() + 1);
            ++finished;
        });
        std::thread serverPeer([&] {
            // Answers only after it has seen the client's EOF.
            serverGot = readToEof(relay.server.outer, question.size() + 1);
            sendAll(relay.server.outer, answer);
            ::shutdown(relay.server.outer, SHUT_WR);
            ++finished;
        });
        const bool done = spinUntil([&] { return finished.load() == 2; });
        clientPeer.join();
        serverPeer.join();
        QVERIFY(done);
        QVERIFY(serverGot == question);
        QVERIFY(clientGot == answer);
        QVERIFY(relay.errors.isEmpty());
    }

    // The client does not read: the relay stops reading from the server once
    // its pipe is full, so what it holds stays within the pipe and the
    // server is held back by TCP; then every byte arrives, in order.
    void slowReaderKeepsTheRelayBounded() {
        constexpr qsizetype kHighWater = 64 * 1024;
        Relay relay(kHighWater);
        QVERIFY(relayedInKernelWhereAvailable(
            Socket::relayInKernel(*relay.clientSide, *relay.serverSide, kHighWater)));
        const QByteArray body = pattern(48 * 1024 * 1024, 5);
        std::atomic<qint64> serverSent{0};
        std::atomic<bool> serverDone{false};
        std::thread serverPeer([&] {
            qsizetype done = 0;
            while (done < body.size()) {
                const ssize_t n =
                    ::send(relay.server.outer, body.constData() + done,
                           static_cast<size_t>(std::min<qsizetype>(64 * 1024, body.size() - done)),
                           MSG_NOSIGNAL);
                if (n < 0 && errno == EINTR)
                    continue;
                if (n <= 0)
                    break;
                done += n;
                serverSent = done;
            }
            ::shutdown(relay.server.outer, SHUT_WR);
            serverDone = true;
        });
        // Until the server stops making progress (bounded).
        qsizetype maxPending = 0;
        qint64 last = -1;
        int still = 0;
        for (int i = 0; i < 2000 && still < 30; ++i) {
            QTest::qWait(10);
            maxPending = std::max(maxPending, relay.clientSide->pendingBytes());
            const qint64 now = serverSent.load();
            still = now == last ? still + 1 : 0;
            last = now;
        }
        const qint64 heldBack = serverSent.load();
        QVERIFY2(heldBack < body.size(), qPrintable(QString::number(heldBack)));
        QVERIFY2(maxPending <= kHighWater,
                 qPrintable(QStringLiteral("pending %1 > %2").arg(maxPending).arg(kHighWater)));
        QVERIFY(relay.clientSide->isCongested() == false);

        QByteArray got;
        std::atomic<bool> clientDone{false};
        std::thread clientPeer([&] {
            got = readToEof(relay.client.outer, body.size() + 1);
            clientDone = true;
        });
        const bool done = spinUntil([&] { return clientDone.load() && serverDone.load(); });
        clientPeer.join();
        serverPeer.join();
        QVERIFY(done);
        QCOMPARE(got.size(), body.size());
        QVERIFY(got == body);
    }

    // Bytes written to a relaying socket from user space (the other side
    // fell back to copying) come after what its pipe already holds: the
    // relay hands the pipe's bytes back and both sides continue by copying.
    void fallBackToCopyingKeepsTheOrder() {
        constexpr qsizetype kHighWater = 64 * 1024;
        Relay relay(kHighWater);
        QVERIFY(relayedInKernelWhereAvailable(
            Socket::relayInKernel(*relay.clientSide, *relay.serverSide, kHighWater)));
        const QByteArray body = pattern(8 * 1024 * 1024, 6);
        std::atomic<bool> serverDone{false};
        std::thread serverPeer([&] {
            sendAll(relay.server.outer, body);
            ::shutdown(relay.server.outer, SHUT_WR);
            serverDone = true;
        });
        // Let the pipe toward the (not yet reading) client fill.
        spinUntil([&] { return relay.clientSide->pendingBytes() >= kHighWater / 2; });
        QVERIFY(relay.clientSide->pendingBytes() > 0);
        const QByteArray marker = "<<inserted by the proxy>>";
        relay.clientSide->write(marker);
        QByteArray got;
        std::atomic<bool> clientDone{false};
        std::thread clientPeer([&] {
            got = readToEof(relay.client.outer, body.size() + marker.size() + 1);
            clientDone = true;
        });
        const bool done = spinUntil([&] { return clientDone.load() && serverDone.load(); });
        clientPeer.join();
        serverPeer.join();
        QVERIFY(done);
        QCOMPARE(got.size(), body.size() + marker.size());
        const qsizetype at = got.indexOf(marker);
        QVERIFY(at > 0);
        QVERIFY(got.left(at) == body.left(at));
        QVERIFY(got.mid(at + marker.size()) == body.mid(at));
        // The server-to-client direction went back to copying.
        QVERIFY(!relay.serverSide->isRelayingInKernel());
        QVERIFY(relay.copiedDown > 0);
    }
};

QTEST_GUILESS_MAIN(TestKernelRelay)
#include "test_KernelRelay.moc"
