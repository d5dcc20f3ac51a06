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

    // Kept (shared, not copied) and handed to OpenSSL a record at a time,
    // see kBioPiece.
    void feed(const QByteArray& ciphertext);
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

    // The most the memory BIOs hold at once (a TLS record is at most
    // 16 KiB + 256 bytes of expansion + a 5-byte header). A memory BIO keeps
    // the largest buffer it ever held for the connection's life (OpenSSL's
    // BUF_MEM never shrinks), so a 64 KiB socket read fed whole, and a
    // 64 KiB write taken out at once, cost every intercepted connection that
    // ever moved a large body about 170 KiB until it closed.
    static constexpr qsizetype kBioPiece = 17 * 1024;

private:
    void fail(int sslError);
    // Moves the next piece of fed ciphertext into the input BIO; false when
    // nothing is left.
    bool meterInput();
    // Ciphertext written so far, out of the output BIO.
    void collectOutput();

    SSL* m_ssl;
    BIO* m_in;
    BIO* m_out;
    Role m_role;
    QByteArray m_input; // fed, not yet in the input BIO from m_inputOffset on
    qsizetype m_inputOffset = 0;
    QByteArray m_output; // ciphertext collected during a long write()
    bool m_done = false;
    bool m_peerClosed = false;
    QString m_failure;
    int m_failureReason = 0;
};

} // namespace spyglass::core::tls
