#pragma once

#include "UpstreamSessionCache.h"

#include <QMutex>
#include <QString>
#include <QStringList>
#include <memory>
#include <openssl/ssl.h>

namespace spyglass::core::tls {

// The OpenSSL contexts of one proxy: one for the client-facing side (we are
// the TLS server, presenting minted leaves), and two for the server-facing
// side (we are the client): verifying against the system store plus extra
// CAs, and not verifying (the per-host --insecure-upstream exception, which
// still records what verification said).
class TlsContexts {
public:
    struct Options {
        QStringList extraCaFiles; // --upstream-ca
        QString keyLogFile;       // SSLKEYLOGFILE, empty = off
    };

    static std::unique_ptr<TlsContexts> create(const Options& options, QString* error);
    ~TlsContexts();
    TlsContexts(const TlsContexts&) = delete;
    TlsContexts& operator=(const TlsContexts&) = delete;

    [[nodiscard]] SSL_CTX* clientFacing() const { return m_clientFacing; }
    [[nodiscard]] SSL_CTX* serverFacing(bool verify) const {
        return verify ? m_serverFacingVerify : m_serverFacingInsecure;
    }
    // Resumption of server legs (see UpstreamSessionCache).
    [[nodiscard]] UpstreamSessionCache& upstreamSessions() { return m_upstreamSessions; }

private:
    TlsContexts() = default;
    static void keyLogLine(const SSL* ssl, const char* line);
    static int newUpstreamSession(SSL* ssl, SSL_SESSION* session);
    void appendKeyLog(const char* line);

    SSL_CTX* m_clientFacing = nullptr;
    SSL_CTX* m_serverFacingVerify = nullptr;
    SSL_CTX* m_serverFacingInsecure = nullptr;
    QString m_keyLogFile;
    QMutex m_keyLogMutex;
    UpstreamSessionCache m_upstreamSessions;
};

// The last OpenSSL error(s) as one readable line, and the queue cleared.
[[nodiscard]] QString takeOpenSslError();

} // namespace spyglass::core::tls
