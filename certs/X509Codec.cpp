#include "certs/X509Codec.h"

#include "certs/OpenSslError.h"

#include <QStringList>
#include <climits>
#include <openssl/pem.h>

namespace spyglass::certs {

using namespace Qt::StringLiterals;

namespace {

Result<QByteArray> drain(BIO* bio, const QString& what) {
    char* data = nullptr;
    const long len = BIO_get_mem_data(bio, &data);
    if (len <= 0 || data == nullptr)
        return openSslFailure(what);
    return QByteArray(data, static_cast<qsizetype>(len));
}

BioPtr readBio(const QByteArray& bytes) {
    if (bytes.size() > INT_MAX)
        return {};
    return BioPtr(BIO_new_mem_buf(bytes.constData(), static_cast<int>(bytes.size())));
}

} // namespace

Result<QByteArray> X509Codec::certificateToPem(const X509* cert) {
    clearOpenSslErrors();
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1)
        return openSslFailure(u"Encoding a certificate as PEM failed"_s);
    return drain(bio.get(), u"Encoding a certificate as PEM failed"_s);
}

Result<QByteArray> X509Codec::certificateToDer(const X509* cert) {
    clearOpenSslErrors();
    unsigned char* out = nullptr;
    const int len = i2d_X509(cert, &out);
    if (len <= 0 || out == nullptr)
        return openSslFailure(u"Encoding a certificate as DER failed"_s);
    QByteArray der(reinterpret_cast<const char*>(out), len);
    OPENSSL_free(out);
    return der;
}

Result<QByteArray> X509Codec::certificateToPkcs12(const X509* cert, const QString& friendlyName) {
    clearOpenSslErrors();
    const QByteArray name = friendlyName.toUtf8();
    // No key: PKCS12_create accepts a NULL pkey and writes a certificate bag
    // only. nid_cert = -1 leaves the bag unencrypted (nothing secret in it);
    // the MAC over an empty password keeps the file well-formed for Windows.
    Pkcs12Ptr p12(PKCS12_create("", name.constData(), nullptr, const_cast<X509*>(cert), nullptr, 0,
                                -1, 0, 0, 0));
    if (!p12)
        return openSslFailure(u"Building a PKCS#12 file failed"_s);
    unsigned char* out = nullptr;
    const int len = i2d_PKCS12(p12.get(), &out);
    if (len <= 0 || out == nullptr)
        return openSslFailure(u"Encoding a PKCS#12 file failed"_s);
    QByteArray der(reinterpret_cast<const char*>(out), len);
    OPENSSL_free(out);
    return der;
}

Result<X509Ptr> X509Codec::certificateFromPem(const QByteArray& pem) {
    clearOpenSslErrors();
    BioPtr bio = readBio(pem);
    X509Ptr cert(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
    if (!cert)
        return openSslFailure(u"Reading a PEM certificate failed"_s);
    return cert;
}

Result<X509Ptr> X509Codec::certificateFromDer(const QByteArray& der) {
    clearOpenSslErrors();
    const auto* p = reinterpret_cast<const unsigned char*>(der.constData());
    X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
    if (!cert)
        return openSslFailure(u"Reading a DER certificate failed"_s);
    return cert;
}

std::vector<X509Ptr> X509Codec::certificatesFromPemBundle(const QByteArray& pem) {
    std::vector<X509Ptr> out;
    constexpr QByteArrayView kBegin("-----BEGIN CERTIFICATE-----");
    constexpr QByteArrayView kEnd("-----END CERTIFICATE-----");
    qsizetype pos = 0;
    // Block by block, so one malformed entry does not hide the rest.
    while ((pos = pem.indexOf(kBegin, pos)) >= 0) {
        const qsizetype end = pem.indexOf(kEnd, pos);
        if (end < 0)
            break;
        auto cert = certificateFromPem(pem.mid(pos, end + kEnd.size() - pos));
        if (cert.ok())
            out.push_back(std::move(cert).value());
        pos = end + kEnd.size();
    }
    clearOpenSslErrors();
    return out;
}

Result<QByteArray> X509Codec::privateKeyToPem(const EVP_PKEY* key) {
    clearOpenSslErrors();
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio ||
        PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1)
        return openSslFailure(u"Encoding a private key as PEM failed"_s);
    return drain(bio.get(), u"Encoding a private key as PEM failed"_s);
}

Result<EvpPkeyPtr> X509Codec::privateKeyFromPem(const QByteArray& pem) {
    clearOpenSslErrors();
    BioPtr bio = readBio(pem);
    EvpPkeyPtr key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
    if (!key)
        return openSslFailure(u"Reading a PEM private key failed"_s);
    return key;
}

QByteArray X509Codec::sha256Fingerprint(const X509* cert) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (cert == nullptr || X509_digest(cert, EVP_sha256(), md, &len) != 1) {
        clearOpenSslErrors();
        return {};
    }
    return QByteArray(reinterpret_cast<const char*>(md), static_cast<qsizetype>(len));
}

QString X509Codec::formatFingerprint(const QByteArray& digest) {
    return QString::fromLatin1(digest.toHex(':').toUpper());
}

QDateTime X509Codec::toDateTime(const ASN1_TIME* time) {
    struct tm tm = {};
    if (time == nullptr || ASN1_TIME_to_tm(time, &tm) != 1) {
        clearOpenSslErrors();
        return {};
    }
    const QDate date(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
    const QTime clock(tm.tm_hour, tm.tm_min, tm.tm_sec);
    return QDateTime(date, clock, Qt::UTC);
}

QString X509Codec::nameToText(const X509_NAME* name) {
    // In encoding order ("CN=..., O=..."), unescaped: for people, not parsers.
    QStringList parts;
    const int count = name ? X509_NAME_entry_count(name) : 0;
    for (int i = 0; i < count; ++i) {
        const X509_NAME_ENTRY* entry = X509_NAME_get_entry(name, i);
        const int nid = OBJ_obj2nid(X509_NAME_ENTRY_get_object(entry));
        unsigned char* utf8 = nullptr;
        const int len = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(entry));
        if (len < 0) {
            clearOpenSslErrors();
            continue;
        }
        const char* sn = nid == NID_undef ? "?" : OBJ_nid2sn(nid);
        parts << QString::fromLatin1(sn) + u'=' +
                     QString::fromUtf8(reinterpret_cast<const char*>(utf8), len);
        OPENSSL_free(utf8);
    }
    return parts.join(u", "_s);
}

QString X509Codec::commonName(const X509_NAME* name) {
    const int idx = name ? X509_NAME_get_index_by_NID(name, NID_commonName, -1) : -1;
    if (idx < 0)
        return {};
    const ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, idx));
    unsigned char* utf8 = nullptr;
    const int len = ASN1_STRING_to_UTF8(&utf8, data);
    if (len < 0) {
        clearOpenSslErrors();
        return {};
    }
    QString out = QString::fromUtf8(reinterpret_cast<const char*>(utf8), len);
    OPENSSL_free(utf8);
    return out;
}

} // namespace spyglass::certs
