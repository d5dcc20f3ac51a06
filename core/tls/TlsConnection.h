#pragma once

#include "core/record/RecordEvents.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>
#include <openssl/ssl.h>

namespace spyglass::core::tls {

// One TLS connection driven through memory BIOs (no socket): ciphertext from
// the network goes in with feed(), plaintext comes out of read(), plaintext
// to send goes in with write(), and ciphertext to put on the wire comes out
// of takeOutput(). Used for both legs of an intercepted connection.
class TlsConnection {
public:
    enum class Role { Server, Client };
    enum class Progress { InProgress, Done, Failed };

    // Takes ownership of `ssl` (already configured: certificate, SNI, ...).
    TlsConnection(SSL* ssl, Role role);
    ~TlsConnection();
    TlsConnection(const TlsConnection&) = delete;
    TlsConnection& operator=(const TlsConnection&) = delete;

    void feed(QByteArrayView ciphertext);
    Progress handshake();
    // Appends decrypted bytes to `out`. Returns false once the connection is
    // finished: close_notify received, or an error (see failure()).
    bool read(QByteArray& out);
    void write(QByteArrayView plaintext);
    // close_notify (RFC 8446 §6.1: "Each party MUST send a close_notify alert
    // before closing its write side of the connection").
    void shutdown();
    [[nodiscard]] QByteArray takeOutput();

    [[nodiscard]] bool isHandshakeDone() const { return m_done; }
    [[nodiscard]] bool peerClosed() const { return m_peerClosed; }
    // Why the handshake or the connection failed, in words.
    [[nodiscard]] const QString& failure() const { return m_failure; }
    // The OpenSSL reason code of the failure (e.g. an alert from the peer).
    [[nodiscard]] int failureReason() const { return m_failureReason; }
    [[nodiscard]] SSL* ssl() const { return m_ssl; }

    // Version, cipher, ALPN, SNI and (client role) the peer's chain.
    [[nodiscard]] record::TlsRecord info(record::TlsLeg leg) const;

private:
    void fail(int sslError);

    SSL* m_ssl;
    BIO* m_in;
    BIO* m_out;
    Role m_role;
    bool m_done = false;
    bool m_peerClosed = false;
    QString m_failure;
    int m_failureReason = 0;
};

} // namespace spyglass::core::tls
