// Socket's write path with real TCP connections on 127.0.0.1: pieces queued
// with writeLater() are not sent before flushQueued(), then leave in one
// gathered send and in order, and a queue longer than one send's buffers
// and larger than the socket buffer (short sends) still arrives byte-exact.
#include "LoopbackPair.h"
#include "SpinUntil.h"
#include "core/net/Socket.h"

#include <QTest>
#include <atomic>
#include <thread>

using namespace spyglass::core::net;
using namespace spyglass::testing;

namespace {

std::unique_ptr<Socket> makeSocket(int fd, QStringList& errors) {
    Socket::Callbacks cb;
    cb.data = [](QByteArray) {};
    cb.error = [&errors](QString message) { errors << message; };
    return std::make_unique<Socket>(fd, 4 << 20, 1 << 20, std::move(cb));
}

} // namespace

class TestSocketWrites : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void queuedPiecesWaitForTheFlushAndLeaveTogether() {
        LoopbackPair pair = makeLoopbackPair();
        QStringList errors;
        auto socket = makeSocket(pair.inner, errors);
        socket->writeLater(QByteArrayLiteral("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"));
        socket->writeLater(QByteArrayLiteral("hello"));
        QCOMPARE(socket->pendingBytes(), qsizetype{43});

        char buffer[256];
        QTest::qWait(50); // time for anything sent too early to arrive
        QCOMPARE(::recv(pair.outer, buffer, sizeof buffer, MSG_DONTWAIT), ssize_t{-1});
        QVERIFY(errno == EAGAIN || errno == EWOULDBLOCK);

        socket->flushQueued();
        QCOMPARE(socket->pendingBytes(), qsizetype{0});
        // One sendmsg of both pieces: one segment, so one read returns all.
        const ssize_t n = ::recv(pair.outer, buffer, sizeof buffer, 0);
        QCOMPARE(QByteArray(buffer, static_cast<qsizetype>(n)),
                 QByteArrayLiteral("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"));
        QVERIFY(errors.isEmpty());
        socket.reset();
        ::close(pair.outer);
    }

    void manyPiecesAndShortSendsArriveInOrder() {
        // A 4 KiB receive buffer on the reader: the gathered sends come back
        // short and the rest waits for the socket to be writable again.
        LoopbackPair pair = makeLoopbackPair(4096);
        QStringList errors;
        auto socket = makeSocket(pair.inner, errors);
        QByteArray expected;
        for (int i = 0; i < 100; ++i) { // more pieces than one send gathers
            const QByteArray piece(1 + (i * 7919) % 70000, static_cast<char>('a' + i % 26));
            expected += piece;
            socket->writeLater(piece);
        }
        socket->flushQueued();
        QVERIFY(socket->pendingBytes() > 0); // the reader has not read yet

        std::atomic<bool> done{false};
        QByteArray got;
        std::thread reader([&] {
            char buffer[65536];
            while (got.size() < expected.size()) {
                const ssize_t n = ::recv(pair.outer, buffer, sizeof buffer, 0);
                if (n <= 0)
                    break;
                got.append(buffer, static_cast<qsizetype>(n));
            }
            done = true;
        });
        const bool finished = spinUntil([&] { return done.load(); });
        if (!finished)
            ::shutdown(pair.outer, SHUT_RDWR);
        reader.join();
        QVERIFY(finished);
        QCOMPARE(got.size(), expected.size());
        QVERIFY(got == expected);
        QCOMPARE(socket->pendingBytes(), qsizetype{0});
        QVERIFY(errors.isEmpty());
        socket.reset();
        ::close(pair.outer);
    }
};

QTEST_GUILESS_MAIN(TestSocketWrites)
#include "test_SocketWrites.moc"
