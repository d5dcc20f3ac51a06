#include "TlsConnection.h"

#include "TlsContexts.h"

#include <algorithm>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <utility>

namespace spyglass::core::tls {

TlsConnection::TlsConnection(SSL* ssl, Role role)
    : m_ssl(ssl)
    , m_in(BIO_new(BIO_s_mem()))
    , m_out(BIO_new(BIO_s_mem()))
    , m_role(role) {
    // An empty memory BIO reports "retry" instead of EOF, which is what a
    // non-blocking socket with nothing to read looks like.
    BIO_set_mem_eof_return(m_in, -1);
    SSL_set_bio(m_ssl, m_in, m_out); // the SSL owns both BIOs now
    if (role == Role::Server)
        SSL_set_accept_state(m_ssl);
    else
        SSL_set_connect_state(m_ssl);
}

TlsConnection::~TlsConnection() {
    SSL_free(m_ssl);
}

void TlsConnection::feed(const QByteArray& ciphertext) {
    if (ciphertext.isEmpty())
        return;
    if (m_inputOffset < m_input.size())
        m_input = m_input.sliced(m_inputOffset) + ciphertext; // rare: fed before all was used
    else
        m_input = ciphertext;
    m_inputOffset = 0;
    meterInput();
}

bool TlsConnection::meterInput() {
    const qsizetype left = m_input.size() - m_inputOffset;
    if (left <= 0)
        return false;
    const qsizetype piece = std::min(left, kBioPiece);
    BIO_write(m_in, m_input.constData() + m_inputOffset, static_cast<int>(piece));
    m_inputOffset += piece;
    if (m_inputOffset == m_input.size()) {
        m_input = QByteArray();
        m_inputOffset = 0;
    }
    return true;
}

TlsConnection::Progress TlsConnection::handshake() {
    if (m_done)
        return Progress::Done;
    if (!m_failure.isEmpty())
        return Progress::Failed;
    for (;;) {
        ERR_clear_error();
        const int rc = SSL_do_handshake(m_ssl);
        if (rc == 1) {
            m_done = true;
            return Progress::Done;
        }
        const int error = SSL_get_error(m_ssl, rc);
        if (error == SSL_ERROR_WANT_READ && meterInput())
            continue;
        if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE)
            return Progress::InProgress;
        fail(error);
        return Progress::Failed;
    }
}

bool TlsConnection::read(QByteArray& out) {
    char buffer[16 * 1024];
    for (;;) {
        ERR_clear_error();
        size_t n = 0;
        const int rc = SSL_read_ex(m_ssl, buffer, sizeof buffer, &n);
        if (rc == 1) {
            out.append(buffer, static_cast<qsizetype>(n));
            continue;
        }
        const int error = SSL_get_error(m_ssl, rc);
        if (error == SSL_ERROR_WANT_READ && meterInput())
            continue;
        if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE)
            return true;
        if (error == SSL_ERROR_ZERO_RETURN) {
            m_peerClosed = true;
            return false;
        }
        fail(error);
        return false;
    }
}

void TlsConnection::write(QByteArrayView plaintext) {
    if (plaintext.size() > kBioPiece) // records add 22 bytes (TLS 1.3) per 16 KiB
        m_output.reserve(m_output.size() + BIO_pending(m_out) + plaintext.size() +
                         plaintext.size() / 512 + 64);
    qsizetype offset = 0;
    while (offset < plaintext.size()) {
        // A record at a time, each taken out of the BIO (see kBioPiece).
        const qsizetype piece = std::min<qsizetype>(plaintext.size() - offset, 16 * 1024);
        ERR_clear_error();
        size_t written = 0;
        const int rc =
            SSL_write_ex(m_ssl, plaintext.data() + offset, static_cast<size_t>(piece), &written);
        if (rc != 1) {
            fail(SSL_get_error(m_ssl, rc));
            return;
        }
        offset += static_cast<qsizetype>(written);
        if (offset < plaintext.size())
            collectOutput();
    }
}

void TlsConnection::collectOutput() {
    const int pending = BIO_pending(m_out);
    if (pending <= 0)
        return;
    const qsizetype at = m_output.size();
    m_output.resize(at + pending);
    const int n = BIO_read(m_out, m_output.data() + at, pending);
    m_output.resize(at + (n > 0 ? n : 0));
}

void TlsConnection::shutdown() {
    if (m_done && m_failure.isEmpty())
        SSL_shutdown(m_ssl);
}

QByteArray TlsConnection::takeOutput() {
    if (!m_output.isEmpty()) {
        collectOutput();
        return std::exchange(m_output, QByteArray());
    }
    const int pending = BIO_pending(m_out);
    if (pending <= 0)
        return {};
    QByteArray data(pending, Qt::Uninitialized);
    const int n = BIO_read(m_out, data.data(), pending);
    data.resize(n > 0 ? n : 0);
    return data;
}

void TlsConnection::fail(int sslError) {
    const unsigned long code = ERR_peek_error();
    m_failureReason = code != 0 ? ERR_GET_REASON(code) : 0;
    if (sslError == SSL_ERROR_SYSCALL || (sslError == SSL_ERROR_SSL && code == 0))
        m_failure = QStringLiteral("the connection closed during the TLS handshake");
    else
        m_failure = takeOpenSslError();
    if (m_failure.isEmpty())
        m_failure = QStringLiteral("TLS error %1").arg(sslError);
    ERR_clear_error();
}

record::TlsRecord TlsConnection::info(record::TlsLeg leg) const {
    record::TlsRecord r;
    r.leg = leg;
    r.version = SSL_get_version(m_ssl);
    if (const SSL_CIPHER* cipher = SSL_get_current_cipher(m_ssl))
        r.cipher = SSL_CIPHER_get_name(cipher);
    const unsigned char* alpn = nullptr;
    unsigned int alpnLength = 0;
    SSL_get0_alpn_selected(m_ssl, &alpn, &alpnLength);
    if (alpn)
        r.alpn = QByteArray(reinterpret_cast<const char*>(alpn), alpnLength);
    if (const char* sni = SSL_get_servername(m_ssl, TLSEXT_NAMETYPE_host_name))
        r.sni = sni;
    if (m_role == Role::Client) {
        if (STACK_OF(X509)* chain = SSL_get_peer_cert_chain(m_ssl)) {
            for (int i = 0; i < sk_X509_num(chain); ++i) {
                X509* cert = sk_X509_value(chain, i);
                const int length = i2d_X509(cert, nullptr);
                if (length <= 0)
                    continue;
                QByteArray der(length, Qt::Uninitialized);
                auto* p = reinterpret_cast<unsigned char*>(der.data());
                i2d_X509(cert, &p);
                r.chainDer << der;
            }
        }
        r.verified = SSL_get_verify_result(m_ssl) == X509_V_OK;
    }
    return r;
}

} // namespace spyglass::core::tls
