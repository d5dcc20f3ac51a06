// TlsConnection with real OpenSSL handshakes through its memory BIOs: large
// writes and large feeds go through record-sized pieces (the BIOs never hold
// much more than one record, because a memory BIO keeps its largest buffer
// for the connection's life), every byte arrives in order, and ciphertext fed
// twice before it is read keeps its order.
#include "OriginContext.h"
#include "core/tls/TlsConnection.h"
#include "core/tls/TlsContexts.h"
#include "core/tls/UpstreamVerification.h"

#include <QTest>

using namespace spyglass::core::tls;
using spyglass::testing::makeOriginContext;

namespace {

QByteArray pattern(qsizetype size, int seed) {
    QByteArray data(size, Qt::Uninitialized);
    for (qsizetype i = 0; i < size; ++i)
        data[i] = static_cast<char>((i * 31 + seed) % 251);
    return data;
}

qsizetype inputBioBytes(const TlsConnection& tls) {
    return BIO_pending(SSL_get_rbio(tls.ssl()));
}

qsizetype outputBioBytes(const TlsConnection& tls) {
    return BIO_pending(SSL_get_wbio(tls.ssl()));
}

struct Pair {
    std::unique_ptr<TlsContexts> contexts;
    SSL_CTX* origin = nullptr;
    std::unique_ptr<TlsConnection> client;
    std::unique_ptr<TlsConnection> server;

    Pair() {
        QString error;
        contexts = TlsContexts::create({}, &error);
        origin = makeOriginContext();
        SSL* clientSsl = SSL_new(contexts->serverFacing(false));
        configureServerLeg(clientSsl, "origin.test", "origin.test");
        client = std::make_unique<TlsConnection>(clientSsl, TlsConnection::Role::Client);
        server = std::make_unique<TlsConnection>(SSL_new(origin), TlsConnection::Role::Server);
    }
    ~Pair() {
        client.reset();
        server.reset();
        SSL_CTX_free(origin);
    }
    bool handshake() {
        for (int i = 0; i < 20; ++i) { // bounded: a handshake takes 2-3 flights
            client->handshake();
            server->handshake();
            server->feed(client->takeOutput());
            client->feed(server->takeOutput());
            if (client->isHandshakeDone() && server->isHandshakeDone()) {
                // The TLS 1.3 tickets that followed the handshake, as the
                // proxy reads after every feed.
                QByteArray none;
                client->read(none);
                server->read(none);
                return none.isEmpty();
            }
        }
        return false;
    }
};

// Writes `data` in `writeSize` pieces on `from`, feeds the ciphertext to `to`
// in `feedSize` pieces, and returns what `to` read. Fails the test when a
// BIO holds more than a record's worth.
QByteArray send(TlsConnection& from, TlsConnection& to, const QByteArray& data, qsizetype writeSize,
                qsizetype feedSize, qsizetype* largestBio) {
    QByteArray ciphertext;
    for (qsizetype at = 0; at < data.size(); at += writeSize) {
        from.write(QByteArrayView(data).sliced(at, std::min(writeSize, data.size() - at)));
        *largestBio = std::max(*largestBio, outputBioBytes(from));
        ciphertext += from.takeOutput();
    }
    QByteArray got;
    for (qsizetype at = 0; at < ciphertext.size(); at += feedSize) {
        to.feed(ciphertext.sliced(at, std::min(feedSize, ciphertext.size() - at)));
        *largestBio = std::max(*largestBio, inputBioBytes(to));
        if (!to.read(got))
            break;
    }
    return got;
}

} // namespace

class TestTlsConnection : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void largeWritesAndFeedsPassARecordAtATime() {
        Pair pair;
        QVERIFY(pair.contexts);
        QVERIFY2(pair.handshake(), qPrintable(pair.client->failure() + pair.server->failure()));
        const QByteArray down = pattern(1024 * 1024 + 7, 1);
        const QByteArray up = pattern(300 * 1024 + 3, 2);
        qsizetype largestBio = 0;
        const QByteArray gotDown =
            send(*pair.server, *pair.client, down, 64 * 1024 + 3, 64 * 1024, &largestBio);
        const QByteArray gotUp =
            send(*pair.client, *pair.server, up, 200 * 1024, 100 * 1024 + 1, &largestBio);
        QCOMPARE(gotDown.size(), down.size());
        QVERIFY(gotDown == down);
        QCOMPARE(gotUp.size(), up.size());
        QVERIFY(gotUp == up);
        QVERIFY2(largestBio <= TlsConnection::kBioPiece, qPrintable(QString::number(largestBio)));
        QVERIFY(pair.client->failure().isEmpty());
        QVERIFY(pair.server->failure().isEmpty());
    }

    // Ciphertext fed again before the first feed was read: the rest of the
    // first goes first.
    void feedingTwiceBeforeReadingKeepsTheOrder() {
        Pair pair;
        QVERIFY(pair.contexts);
        QVERIFY(pair.handshake());
        const QByteArray first = pattern(100 * 1024, 3);
        const QByteArray second = pattern(50 * 1024 + 9, 4);
        pair.server->write(first);
        const QByteArray a = pair.server->takeOutput();
        pair.server->write(second);
        const QByteArray b = pair.server->takeOutput();
        pair.client->feed(a);
        pair.client->feed(b);
        QByteArray got;
        QVERIFY(pair.client->read(got));
        QCOMPARE(got.size(), first.size() + second.size());
        QVERIFY(got == first + second);
    }

    // The client's Finished and its first request in one read: the
    // handshake completes and the request is there to read.
    void dataFedWithTheLastHandshakeFlightIsRead() {
        Pair pair;
        QVERIFY(pair.contexts);
        pair.client->handshake();
        pair.server->feed(pair.client->takeOutput());
        pair.server->handshake();
        pair.client->feed(pair.server->takeOutput());
        QCOMPARE(pair.client->handshake(), TlsConnection::Progress::Done);
        const QByteArray request = pattern(40 * 1024, 5); // more than one piece
        pair.client->write(request);
        pair.server->feed(pair.client->takeOutput()); // Finished + request
        QCOMPARE(pair.server->handshake(), TlsConnection::Progress::Done);
        QByteArray got;
        QVERIFY(pair.server->read(got));
        QVERIFY(got == request);
    }
};

QTEST_GUILESS_MAIN(TestTlsConnection)
#include "test_TlsConnection.moc"
