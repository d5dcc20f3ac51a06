#include "TlsContexts.h"

#include "SystemTrust.h"

#include <QFile>
#include <cstring>
#include <openssl/err.h>

namespace spyglass::core::tls {

namespace {

// RFC 7301 §3.2: the server selects one protocol the client offered; when it
// supports none of them it "MUST respond with a fatal no_application_protocol
// alert". We speak HTTP/1.1 only (HTTP/2 comes later), so a client offering
// only h2 fails cleanly here and the failure is recorded as such.
int selectAlpn(SSL*, const unsigned char** out, unsigned char* outLength, const unsigned char* in,
               unsigned int inLength, void*) {
    static const unsigned char kHttp11[] = {'h', 't', 't', 'p', '/', '1', '.', '1'};
    for (unsigned int i = 0; i < inLength;) {
        const unsigned int length = in[i];
        if (i + 1 + length > inLength)
            break;
        if (length == sizeof kHttp11 && std::memcmp(in + i + 1, kHttp11, length) == 0) {
            *out = in + i + 1;
            *outLength = static_cast<unsigned char>(length);
            return SSL_TLSEXT_ERR_OK;
        }
        i += 1 + length;
    }
    return SSL_TLSEXT_ERR_ALERT_FATAL;
}

} // namespace

QString takeOpenSslError() {
    QStringList parts;
    unsigned long code = 0;
    while ((code = ERR_get_error()) != 0) {
        char buffer[256];
        ERR_error_string_n(code, buffer, sizeof buffer);
        parts << QString::fromLatin1(buffer);
    }
    return parts.join(QStringLiteral("; "));
}

std::unique_ptr<TlsContexts> TlsContexts::create(const Options& options, QString* error) {
    std::unique_ptr<TlsContexts> contexts(new TlsContexts);
    contexts->m_keyLogFile = options.keyLogFile;

    SSL_CTX* server = SSL_CTX_new(TLS_server_method());
    contexts->m_clientFacing = server;
    SSL_CTX* verify = SSL_CTX_new(TLS_client_method());
    contexts->m_serverFacingVerify = verify;
    SSL_CTX* insecure = SSL_CTX_new(TLS_client_method());
    contexts->m_serverFacingInsecure = insecure;
    if (!server || !verify || !insecure) {
        *error = QStringLiteral("cannot create TLS contexts: ") + takeOpenSslError();
        return nullptr;
    }
    for (SSL_CTX* ctx : {server, verify, insecure}) {
        SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
        SSL_CTX_set_app_data(ctx, contexts.get());
        if (!contexts->m_keyLogFile.isEmpty())
            SSL_CTX_set_keylog_callback(ctx, &TlsContexts::keyLogLine);
    }
    SSL_CTX_set_alpn_select_cb(server, selectAlpn, nullptr);
    // Tickets would let a client resume with a leaf we no longer hold in the
    // cache; a debugging proxy has no use for resumption.
    SSL_CTX_set_options(server, SSL_OP_NO_TICKET);
    SSL_CTX_set_session_cache_mode(server, SSL_SESS_CACHE_OFF);

    // One trust store for both server-facing contexts (the system roots were
    // once parsed twice, ~1 MiB of heap per copy); see SystemTrust for how
    // the roots are found.
    if (!loadSystemTrust(verify)) {
        *error = QStringLiteral("cannot load the system trust store: ") + takeOpenSslError();
        return nullptr;
    }
    for (const QString& file : options.extraCaFiles) {
        if (SSL_CTX_load_verify_locations(verify, QFile::encodeName(file).constData(), nullptr) !=
            1) {
            *error = QStringLiteral("cannot load the CA file %1 (--upstream-ca): %2")
                         .arg(file, takeOpenSslError());
            return nullptr;
        }
    }
    SSL_CTX_set1_cert_store(insecure, SSL_CTX_get_cert_store(verify));
    for (SSL_CTX* ctx : {verify, insecure}) {
        contexts->m_upstreamSessions.configure(ctx);
        SSL_CTX_sess_set_new_cb(ctx, &TlsContexts::newUpstreamSession);
    }
    SSL_CTX_set_verify(verify, SSL_VERIFY_PEER, nullptr);
    SSL_CTX_set_verify(insecure, SSL_VERIFY_NONE, nullptr);
    return contexts;
}

TlsContexts::~TlsContexts() {
    SSL_CTX_free(m_clientFacing);
    SSL_CTX_free(m_serverFacingVerify);
    SSL_CTX_free(m_serverFacingInsecure);
}

void TlsContexts::keyLogLine(const SSL* ssl, const char* line) {
    auto* self = static_cast<TlsContexts*>(SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl)));
    if (self)
        self->appendKeyLog(line);
}

int TlsContexts::newUpstreamSession(SSL* ssl, SSL_SESSION* session) {
    auto* self = static_cast<TlsContexts*>(SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl)));
    return self ? self->m_upstreamSessions.sessionCreated(ssl, session) : 0;
}

// NSS key log format, one line per secret, so Wireshark can decrypt both legs.
void TlsContexts::appendKeyLog(const char* line) {
    QMutexLocker lock(&m_keyLogMutex);
    QFile file(m_keyLogFile);
    if (!file.open(QIODevice::Append | QIODevice::WriteOnly))
        return;
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    file.write(line);
    file.write("\n");
}

} // namespace spyglass::core::tls
