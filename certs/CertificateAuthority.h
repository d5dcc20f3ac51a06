#pragma once

#include "certs/Clock.h"
#include "certs/KeyAlgorithm.h"
#include "certs/OpenSslHandles.h"
#include "certs/Result.h"

#include <QByteArray>
#include <QDateTime>
#include <QString>
#include <optional>

namespace spyglass::certs {

// The root CA of this install: certificate and private key. Move-only; the
// OpenSSL objects are owned here and lent out as raw pointers that stay valid
// for the object's lifetime (up-ref them to keep them longer). Immutable after
// construction, so const access from several threads is safe.
class CertificateAuthority {
public:
    enum class ExportFormat { Pem, Der, Pkcs12 };

    struct Options {
        KeyAlgorithm algorithm = KeyAlgorithm::EcdsaP256;
        // For the subject "Spyglass CA (<user>@<host>, <date>)"; empty = the
        // current user and machine (so several installs are told apart in a
        // certificate viewer).
        QString user;
        QString host;
    };

    // A new root from a fresh CSPRNG key (see the profile in the .cpp).
    static Result<CertificateAuthority> create(const Options& options, const Clock& clock);
    // Adopts an existing pair after checking that the key matches the
    // certificate and the certificate is a CA.
    static Result<CertificateAuthority> fromParts(X509Ptr certificate, EvpPkeyPtr key);

    X509* certificate() const noexcept { return m_cert.get(); }
    EVP_PKEY* privateKey() const noexcept { return m_key.get(); }

    QByteArray fingerprintSha256() const { return m_fingerprint; }
    QString fingerprintText() const; // "AB:CD:..."
    QString subjectText() const;
    QString commonName() const;
    QDateTime notBefore() const;
    QDateTime notAfter() const;
    std::optional<KeyAlgorithm> keyAlgorithm() const;

    // The certificate only, never the key (issue 3: "the private key is never
    // exported by these commands").
    Result<QByteArray> exportCertificate(ExportFormat format) const;
    static Result<QByteArray> exportCertificate(const X509* cert, ExportFormat format);
    // Guesses the format from a file name: .pem/.crt, .cer/.der, .p12/.pfx.
    static std::optional<ExportFormat> formatForFileName(const QString& fileName);
    static std::optional<ExportFormat> parseFormat(const QString& text);

    // CN text for a CA made now by `user` on `host`, cut to RFC 5280's
    // ub-common-name of 64 characters.
    static QString makeCommonName(const QString& user, const QString& host, const QDate& date);

private:
    CertificateAuthority(X509Ptr cert, EvpPkeyPtr key);

    X509Ptr m_cert;
    EvpPkeyPtr m_key;
    QByteArray m_fingerprint;
};

} // namespace spyglass::certs
