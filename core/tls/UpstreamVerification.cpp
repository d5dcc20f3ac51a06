#include "UpstreamVerification.h"

#include <QHostAddress>
#include <openssl/x509v3.h>

namespace spyglass::core::tls {

void configureServerLeg(SSL* ssl, const QByteArray& sni, const QByteArray& verifyHost) {
    QHostAddress literal;
    const bool sniIsIp = literal.setAddress(QString::fromLatin1(sni));
    if (!sni.isEmpty() && !sniIsIp)
        // SSL_set_tlsext_host_name() is a macro with a C cast; this is its body.
        SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                 const_cast<char*>(sni.constData()));
    static const unsigned char kAlpn[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
    SSL_set_alpn_protos(ssl, kAlpn, sizeof kAlpn);
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
    if (literal.setAddress(QString::fromLatin1(verifyHost))) {
        X509_VERIFY_PARAM_set1_ip_asc(param, verifyHost.constData());
    } else {
        X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
        SSL_set1_host(ssl, verifyHost.constData());
    }
}

QString describeUpstreamFailure(SSL* ssl, const QString& handshakeError, const QByteArray& host) {
    const long result = SSL_get_verify_result(ssl);
    const QString name = QString::fromLatin1(host);
    switch (result) {
    case X509_V_OK:
        return QStringLiteral("TLS handshake with the server failed: %1").arg(handshakeError);
    case X509_V_ERR_CERT_HAS_EXPIRED:
        return QStringLiteral("the server's certificate has expired");
    case X509_V_ERR_CERT_NOT_YET_VALID:
        return QStringLiteral("the server's certificate is not yet valid");
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH:
        return QStringLiteral("host name mismatch: the server's certificate is not valid for %1")
            .arg(name);
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
        return QStringLiteral("the server's certificate is self-signed");
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
        return QStringLiteral("the server's certificate was issued by an unknown authority "
                              "(add it with --upstream-ca FILE)");
    default:
        return QStringLiteral("the server's certificate did not verify: %1")
            .arg(QString::fromLatin1(X509_verify_cert_error_string(result)));
    }
}

} // namespace spyglass::core::tls
