#include "certs/CertificateAuthority.h"

#include "certs/CertificateBuilder.h"
#include "certs/KeyFactory.h"
#include "certs/OpenSslError.h"
#include "certs/X509Codec.h"

#include <QFileInfo>
#include <QSysInfo>

#ifdef Q_OS_UNIX
#include <pwd.h>
#include <unistd.h>
#endif

namespace spyglass::certs {

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace {

// Ten years: long enough that users do not re-trust it often, short enough
// that an abandoned install's root dies on its own.
constexpr auto kCaValidity = std::chrono::days(3652);
// Backdated a day so a client whose clock is a little behind ours still sees
// the root as valid.
constexpr auto kBackdate = std::chrono::days(1);
// RFC 5280 Appendix A: ub-common-name INTEGER ::= 64.
constexpr qsizetype kMaxCommonName = 64;

QString currentUser() {
#ifdef Q_OS_UNIX
    // The account that will own the key, whatever $USER claims.
    if (const passwd* pw = ::getpwuid(::geteuid()); pw != nullptr && pw->pw_name != nullptr)
        return QString::fromLocal8Bit(pw->pw_name);
#endif
    QString user = qEnvironmentVariable("USER");
    if (user.isEmpty())
        user = qEnvironmentVariable("USERNAME"); // Windows
    return user.isEmpty() ? u"user"_s : user;
}

} // namespace

CertificateAuthority::CertificateAuthority(X509Ptr cert, EvpPkeyPtr key)
    : m_cert(std::move(cert))
    , m_key(std::move(key))
    , m_fingerprint(X509Codec::sha256Fingerprint(m_cert.get())) {}

QString CertificateAuthority::makeCommonName(const QString& user, const QString& host,
                                             const QDate& date) {
    const QString head = u"Spyglass CA ("_s;
    const QString tail = u", "_s + date.toString(Qt::ISODate) + u')';
    QString who = (user.isEmpty() ? currentUser() : user) + u'@' +
                  (host.isEmpty() ? QSysInfo::machineHostName() : host);
    const qsizetype room = kMaxCommonName - head.size() - tail.size();
    if (who.size() > room)
        who = who.left(room - 1) + QChar(0x2026); // "…"
    return head + who + tail;
}

Result<CertificateAuthority> CertificateAuthority::create(const Options& options,
                                                          const Clock& clock) {
    auto key = KeyFactory::generate(options.algorithm);
    if (!key)
        return key.error();
    const auto now = clock.now();
    const QDate today =
        QDateTime::fromSecsSinceEpoch(
            std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count(),
            Qt::UTC)
            .date();
    auto name = CertificateBuilder::makeName(
        {{NID_commonName, makeCommonName(options.user, options.host, today)},
         {NID_organizationName, u"Spyglass"_s}});
    if (!name)
        return name.error();
    auto builder = CertificateBuilder::start();
    if (!builder)
        return builder.error();
    CertificateBuilder& b = builder.value();
    const auto notBefore = std::chrono::time_point_cast<std::chrono::seconds>(now) - kBackdate;
    Status s = b.setRandomSerial();
    const auto step = [&s](auto&& next) {
        if (s.ok())
            s = next();
    };
    step([&] { return b.setValidity(notBefore, notBefore + kCaValidity); });
    step([&] { return b.setSubject(name->get()); });
    step([&] { return b.setIssuer(name->get()); });
    step([&] { return b.setPublicKey(key->get()); });
    if (!s)
        return s.error();

    // RFC 5280 §4.2.1.9: CAs MUST mark basicConstraints critical with cA
    // TRUE. pathLenConstraint 0: this root signs leaves only, never another
    // CA, so a leaked leaf key cannot grow a chain.
    BasicConstraintsPtr bc(BASIC_CONSTRAINTS_new());
    if (!bc || (bc->pathlen = ASN1_INTEGER_new()) == nullptr ||
        ASN1_INTEGER_set(bc->pathlen, 0) != 1)
        return openSslFailure(u"Building basicConstraints failed"_s);
    bc->ca = 1;
    // RFC 5280 §4.2.1.3: keyCertSign for a CA certificate, and the extension
    // SHOULD be critical; cRLSign per CA/B Forum BR §7.1.2.1.b (root profile).
    Asn1BitStringPtr usage(ASN1_BIT_STRING_new());
    if (!usage || ASN1_BIT_STRING_set_bit(usage.get(), 5, 1) != 1 || // keyCertSign
        ASN1_BIT_STRING_set_bit(usage.get(), 6, 1) != 1)             // cRLSign
        return openSslFailure(u"Building keyUsage failed"_s);
    // RFC 5280 §4.2.1.2: CA certificates MUST carry a subjectKeyIdentifier;
    // §4.2.1.1 lets a self-signed root add an AKI equal to it, which helps
    // path builders that match AKI to SKI (macOS, Windows CryptoAPI).
    auto ski = CertificateBuilder::keyIdentifier(key->get());
    if (!ski)
        return ski.error();
    AuthorityKeyIdPtr aki(AUTHORITY_KEYID_new());
    if (!aki || (aki->keyid = ASN1_OCTET_STRING_dup(ski->get())) == nullptr)
        return openSslFailure(u"Building authorityKeyIdentifier failed"_s);
    step([&] { return b.addExtension(NID_basic_constraints, true, bc.get()); });
    step([&] { return b.addExtension(NID_key_usage, true, usage.get()); });
    step([&] { return b.addExtension(NID_subject_key_identifier, false, ski->get()); });
    step([&] { return b.addExtension(NID_authority_key_identifier, false, aki.get()); });
    if (!s)
        return s.error();
    auto cert = b.sign(key->get(), u"the root CA certificate"_s);
    if (!cert)
        return cert.error();
    return CertificateAuthority(std::move(cert).value(), std::move(key).value());
}

Result<CertificateAuthority> CertificateAuthority::fromParts(X509Ptr certificate, EvpPkeyPtr key) {
    clearOpenSslErrors();
    if (!certificate || !key)
        return Error{u"The CA certificate or key is missing"_s};
    if (X509_check_private_key(certificate.get(), key.get()) != 1)
        return Error{takeOpenSslError(u"The CA private key does not belong to the CA "
                                      u"certificate (the two files are from different CAs)"_s)};
    if (X509_check_ca(certificate.get()) != 1) {
        clearOpenSslErrors();
        return Error{u"The CA certificate is not a CA (basicConstraints cA is not TRUE)"_s};
    }
    return CertificateAuthority(std::move(certificate), std::move(key));
}

QString CertificateAuthority::fingerprintText() const {
    return X509Codec::formatFingerprint(m_fingerprint);
}

QString CertificateAuthority::subjectText() const {
    return X509Codec::nameToText(X509_get_subject_name(m_cert.get()));
}

QString CertificateAuthority::commonName() const {
    return X509Codec::commonName(X509_get_subject_name(m_cert.get()));
}

QDateTime CertificateAuthority::notBefore() const {
    return X509Codec::toDateTime(X509_get0_notBefore(m_cert.get()));
}

QDateTime CertificateAuthority::notAfter() const {
    return X509Codec::toDateTime(X509_get0_notAfter(m_cert.get()));
}

std::optional<KeyAlgorithm> CertificateAuthority::keyAlgorithm() const {
    return KeyFactory::algorithmOf(m_key.get());
}

Result<QByteArray> CertificateAuthority::exportCertificate(ExportFormat format) const {
    return exportCertificate(m_cert.get(), format);
}

Result<QByteArray> CertificateAuthority::exportCertificate(const X509* cert, ExportFormat format) {
    switch (format) {
    case ExportFormat::Pem:
        return X509Codec::certificateToPem(cert);
    case ExportFormat::Der:
        return X509Codec::certificateToDer(cert);
    case ExportFormat::Pkcs12:
        return X509Codec::certificateToPkcs12(cert, u"Spyglass CA"_s);
    }
    return Error{u"Unknown export format"_s};
}

std::optional<CertificateAuthority::ExportFormat>
CertificateAuthority::formatForFileName(const QString& fileName) {
    const QString suffix = QFileInfo(fileName).suffix().toLower();
    if (suffix == u"pem"_s || suffix == u"crt"_s)
        return ExportFormat::Pem;
    if (suffix == u"cer"_s || suffix == u"der"_s)
        return ExportFormat::Der;
    if (suffix == u"p12"_s || suffix == u"pfx"_s)
        return ExportFormat::Pkcs12;
    return std::nullopt;
}

std::optional<CertificateAuthority::ExportFormat>
CertificateAuthority::parseFormat(const QString& text) {
    const QString t = text.toLower();
    if (t == u"pem"_s || t == u"crt"_s)
        return ExportFormat::Pem;
    if (t == u"der"_s || t == u"cer"_s)
        return ExportFormat::Der;
    if (t == u"p12"_s || t == u"pkcs12"_s || t == u"pfx"_s)
        return ExportFormat::Pkcs12;
    return std::nullopt;
}

} // namespace spyglass::certs
