#pragma once

#include "certs/OpenSslHandles.h"
#include "certs/Result.h"

#include <QByteArray>
#include <QDateTime>
#include <QString>
#include <vector>

namespace spyglass::certs {

// Conversions between OpenSSL objects and bytes/text. Encoders never emit a
// private key except privateKeyToPem, which only CaStore (the CA's own 0600
// file) and the `ca mint --key-out` debug aid (the per-run leaf key) call.
class X509Codec {
public:
    static Result<QByteArray> certificateToPem(const X509* cert);
    static Result<QByteArray> certificateToDer(const X509* cert);
    // PKCS#12 holding only the certificate (no key bag), no password, certs
    // unencrypted: there is nothing secret in it and Windows, Android and
    // Java import it without asking for a password.
    static Result<QByteArray> certificateToPkcs12(const X509* cert, const QString& friendlyName);

    // The first certificate in PEM text.
    static Result<X509Ptr> certificateFromPem(const QByteArray& pem);
    static Result<X509Ptr> certificateFromDer(const QByteArray& der);
    // Every certificate in a PEM bundle (e.g. /etc/ssl/certs/ca-certificates.crt);
    // blocks that fail to parse are skipped.
    static std::vector<X509Ptr> certificatesFromPemBundle(const QByteArray& pem);

    // PKCS#8, unencrypted: protected by file permissions, like ssh keys.
    static Result<QByteArray> privateKeyToPem(const EVP_PKEY* key);
    static Result<EvpPkeyPtr> privateKeyFromPem(const QByteArray& pem);

    // SHA-256 over the DER encoding: what browsers, `openssl x509
    // -fingerprint -sha256` and OS certificate viewers show.
    static QByteArray sha256Fingerprint(const X509* cert);
    // "AB:CD:..." (upper-case hex pairs, as OS certificate viewers print).
    static QString formatFingerprint(const QByteArray& digest);

    static QDateTime toDateTime(const ASN1_TIME* time);
    // One-line text of a name in encoding order, e.g. "CN=Spyglass CA (...), O=Spyglass".
    static QString nameToText(const X509_NAME* name);
    // The CN attribute of a name, empty when there is none.
    static QString commonName(const X509_NAME* name);
};

} // namespace spyglass::certs
