// UpstreamSessionCache with real OpenSSL handshakes (client: the proxy's
// server-facing context; server: an OpenSSL server with tickets, as an
// origin with session tickets on), driven through TlsConnection's memory
// BIOs: the second connection to the same host:port+SNI resumes (although
// the first ended without close_notify), another port or name does not, and
// the cache stays within its bound.
#include "OriginContext.h"
#include "core/tls/TlsConnection.h"
#include "core/tls/TlsContexts.h"
#include "core/tls/UpstreamVerification.h"

#include <QTest>
#include <openssl/evp.h>
#include <openssl/x509.h>

using namespace spyglass::core::tls;
using spyglass::testing::makeOriginContext;

namespace {

// One connection: handshake, then one byte of application data each way so
// the client reads the TLS 1.3 tickets sent after the handshake. Returns
// whether the client resumed.
bool connectOnce(TlsContexts& contexts, SSL_CTX* origin, const QByteArray& host, quint16 port) {
    SSL* clientSsl = SSL_new(contexts.serverFacing(false));
    configureServerLeg(clientSsl, host, host);
    contexts.upstreamSessions().prepare(clientSsl, host, port, host);
    TlsConnection client(clientSsl, TlsConnection::Role::Client);
    TlsConnection server(SSL_new(origin), TlsConnection::Role::Server);
    QByteArray got;
    for (int i = 0; i < 20; ++i) { // bounded: a handshake takes 2-3 flights
        client.handshake();
        server.handshake();
        server.feed(client.takeOutput());
        client.feed(server.takeOutput());
        if (client.isHandshakeDone() && server.isHandshakeDone()) {
            server.write("x");
            client.feed(server.takeOutput());
            client.read(got);
            break;
        }
    }
    if (got != "x")
        qWarning("no data: client %s / server %s", qPrintable(client.failure()),
                 qPrintable(server.failure()));
    return got == "x" && SSL_session_reused(client.ssl()) == 1;
}

} // namespace

class TestUpstreamSessionCache : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void secondConnectionResumes() {
        QString error;
        auto contexts = TlsContexts::create({}, &error);
        QVERIFY2(contexts, qPrintable(error));
        SSL_CTX* origin = makeOriginContext();
        QVERIFY(!connectOnce(*contexts, origin, "origin.test", 443));
        QCOMPARE(contexts->upstreamSessions().size(), std::size_t(1));
        QVERIFY(connectOnce(*contexts, origin, "origin.test", 443));
        QCOMPARE(contexts->upstreamSessions().hits(), qint64(1));
        // Another port or name is another origin: a full handshake.
        QVERIFY(!connectOnce(*contexts, origin, "origin.test", 8443));
        QVERIFY(!connectOnce(*contexts, origin, "other.test", 443));
        QCOMPARE(contexts->upstreamSessions().size(), std::size_t(3));
        SSL_CTX_free(origin);
    }

    void boundedLeastRecentlyUsed() {
        UpstreamSessionCache cache(2);
        SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
        cache.configure(ctx);
        // Sessions stored through the callback path need a prepared SSL.
        for (const char* host : {"a.test", "b.test", "c.test"}) {
            SSL* ssl = SSL_new(ctx);
            cache.prepare(ssl, host, 443, host);
            SSL_SESSION* session = SSL_SESSION_new();
            SSL_SESSION_set_protocol_version(session, TLS1_3_VERSION);
            const unsigned char id[] = {1, 2, 3};
            SSL_SESSION_set1_id(session, id, sizeof id);
            const unsigned char master[48] = {};
            SSL_SESSION_set1_master_key(session, master, sizeof master);
            SSL_SESSION_set_cipher(
                session, SSL_CIPHER_find(ssl, reinterpret_cast<const unsigned char*>("\x13\x01")));
            cache.sessionCreated(ssl, session);
            SSL_SESSION_free(session);
            SSL_free(ssl);
        }
        QCOMPARE(cache.size(), std::size_t(2));
        // The oldest (a.test) was evicted; the newest is offered.
        for (const char* host : {"a.test", "c.test"}) {
            SSL* ssl = SSL_new(ctx);
            cache.prepare(ssl, host, 443, host);
            SSL_free(ssl);
        }
        QCOMPARE(cache.hits(), qint64(1));
        SSL_CTX_free(ctx);
    }
};

QTEST_GUILESS_MAIN(TestUpstreamSessionCache)
#include "test_UpstreamSessionCache.moc"
