#include "certs/CertificateBuilder.h"

#include "certs/OpenSslError.h"

#include <chrono>
#include <openssl/rand.h>
#include <openssl/sha.h>

namespace spyglass::certs {

using namespace Qt::StringLiterals;

namespace {

time_t toTimeT(Clock::TimePoint t) {
    return static_cast<time_t>(
        std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count());
}

} // namespace

CertificateBuilder::CertificateBuilder(X509Ptr cert)
    : m_cert(std::move(cert)) {}

Result<CertificateBuilder> CertificateBuilder::start() {
    clearOpenSslErrors();
    X509Ptr cert(X509_new());
    // RFC 5280 §4.1.2.1: extensions require version 3 (encoded as 2).
    if (!cert || X509_set_version(cert.get(), X509_VERSION_3) != 1)
        return openSslFailure(u"Starting a certificate failed"_s);
    return CertificateBuilder(std::move(cert));
}

Status CertificateBuilder::setRandomSerial() {
    unsigned char bytes[16];
    if (RAND_bytes(bytes, sizeof bytes) != 1)
        return openSslFailure(u"Drawing a random serial number failed"_s);
    bytes[0] = static_cast<unsigned char>((bytes[0] & 0x7f) | 0x40);
    BignumPtr bn(BN_bin2bn(bytes, sizeof bytes, nullptr));
    ASN1_INTEGER* serial = X509_get_serialNumber(m_cert.get());
    if (!bn || BN_to_ASN1_INTEGER(bn.get(), serial) == nullptr)
        return openSslFailure(u"Setting the serial number failed"_s);
    return {};
}

Status CertificateBuilder::setValidity(Clock::TimePoint notBefore, Clock::TimePoint notAfter) {
    // ASN1_TIME_set picks UTCTime through 2049 and GeneralizedTime after, as
    // RFC 5280 §4.1.2.5 requires.
    Asn1TimePtr from(ASN1_TIME_set(nullptr, toTimeT(notBefore)));
    Asn1TimePtr to(ASN1_TIME_set(nullptr, toTimeT(notAfter)));
    if (!from || !to || X509_set1_notBefore(m_cert.get(), from.get()) != 1 ||
        X509_set1_notAfter(m_cert.get(), to.get()) != 1)
        return openSslFailure(u"Setting the validity period failed"_s);
    return {};
}

Status CertificateBuilder::setSubject(const X509_NAME* name) {
    if (X509_set_subject_name(m_cert.get(), name) != 1)
        return openSslFailure(u"Setting the subject failed"_s);
    return {};
}

Status CertificateBuilder::setIssuer(const X509_NAME* name) {
    if (X509_set_issuer_name(m_cert.get(), name) != 1)
        return openSslFailure(u"Setting the issuer failed"_s);
    return {};
}

Status CertificateBuilder::setPublicKey(EVP_PKEY* key) {
    if (X509_set_pubkey(m_cert.get(), key) != 1)
        return openSslFailure(u"Setting the public key failed"_s);
    return {};
}

Status CertificateBuilder::addExtension(X509_EXTENSION* extension) {
    if (X509_add_ext(m_cert.get(), extension, -1) != 1)
        return openSslFailure(u"Adding an extension failed"_s);
    return {};
}

Status CertificateBuilder::addExtension(int nid, bool critical, void* value) {
    if (X509_add1_ext_i2d(m_cert.get(), nid, value, critical ? 1 : 0, X509V3_ADD_DEFAULT) != 1)
        return openSslFailure(u"Adding extension "_s + QString::fromLatin1(OBJ_nid2sn(nid)) +
                              u" failed"_s);
    return {};
}

Result<X509Ptr> CertificateBuilder::sign(EVP_PKEY* issuerKey, const QString& what) {
    if (X509_sign(m_cert.get(), issuerKey, EVP_sha256()) <= 0)
        return openSslFailure(u"Signing "_s + what + u" failed"_s);
    return std::move(m_cert);
}

Result<Asn1OctetStringPtr> CertificateBuilder::keyIdentifier(EVP_PKEY* key) {
    clearOpenSslErrors();
    X509_PUBKEY* raw = nullptr;
    if (X509_PUBKEY_set(&raw, key) != 1)
        return openSslFailure(u"Encoding a public key failed"_s);
    std::unique_ptr<X509_PUBKEY, OpenSslDeleter<&X509_PUBKEY_free>> pub(raw);
    const unsigned char* bits = nullptr;
    int len = 0;
    if (X509_PUBKEY_get0_param(nullptr, &bits, &len, nullptr, pub.get()) != 1)
        return openSslFailure(u"Reading a public key failed"_s);
    unsigned char digest[SHA_DIGEST_LENGTH];
    unsigned int digestLen = 0;
    Asn1OctetStringPtr id(ASN1_OCTET_STRING_new());
    if (EVP_Digest(bits, static_cast<size_t>(len), digest, &digestLen, EVP_sha1(), nullptr) != 1 ||
        !id || ASN1_OCTET_STRING_set(id.get(), digest, static_cast<int>(digestLen)) != 1)
        return openSslFailure(u"Computing a key identifier failed"_s);
    return id;
}

Result<X509ExtensionPtr> CertificateBuilder::makeExtension(int nid, bool critical, void* value) {
    X509ExtensionPtr ext(X509V3_EXT_i2d(nid, critical ? 1 : 0, value));
    if (!ext)
        return openSslFailure(u"Encoding extension "_s + QString::fromLatin1(OBJ_nid2sn(nid)) +
                              u" failed"_s);
    return ext;
}

Result<X509NamePtr>
CertificateBuilder::makeName(std::initializer_list<std::pair<int, QString>> entries) {
    X509NamePtr name(X509_NAME_new());
    if (!name)
        return openSslFailure(u"Allocating a name failed"_s);
    for (const auto& [nid, value] : entries) {
        const QByteArray utf8 = value.toUtf8();
        // MBSTRING_UTF8 lets OpenSSL choose PrintableString where it fits and
        // UTF8String otherwise (RFC 5280 §4.1.2.6 prefers UTF8String).
        if (X509_NAME_add_entry_by_NID(name.get(), nid, MBSTRING_UTF8,
                                       reinterpret_cast<const unsigned char*>(utf8.constData()),
                                       static_cast<int>(utf8.size()), -1, 0) != 1)
            return openSslFailure(u"Setting name attribute "_s +
                                  QString::fromLatin1(OBJ_nid2sn(nid)) + u" failed"_s);
    }
    return name;
}

} // namespace spyglass::certs
