#pragma once

// Test-only: reads fields back out of a certificate so tests assert the
// profile on what was encoded, not on what the builder was asked to do.

#include "certs/OpenSslHandles.h"

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <chrono>
#include <openssl/bn.h>
#include <openssl/x509v3.h>

namespace spyglass::certs::test {

inline X509_EXTENSION* extension(X509* cert, int nid) {
    const int idx = X509_get_ext_by_NID(cert, nid, -1);
    return idx < 0 ? nullptr : X509_get_ext(cert, idx);
}

inline bool isCritical(X509* cert, int nid) {
    X509_EXTENSION* ext = extension(cert, nid);
    return ext != nullptr && X509_EXTENSION_get_critical(ext) == 1;
}

inline int extensionCount(X509* cert, int nid) {
    int count = 0;
    for (int i = -1; (i = X509_get_ext_by_NID(cert, nid, i)) >= 0;)
        ++count;
    return count;
}

inline QString nameEntry(X509_NAME* name, int nid) {
    const int idx = X509_NAME_get_index_by_NID(name, nid, -1);
    if (idx < 0)
        return {};
    const ASN1_STRING* s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, idx));
    return QString::fromUtf8(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                             ASN1_STRING_length(s));
}

// Each SAN as "DNS:name" or "IP:<hex bytes>".
inline QStringList subjectAltNames(X509* cert) {
    QStringList out;
    GeneralNamesPtr names(static_cast<GENERAL_NAMES*>(
        X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
    for (int i = 0; names && i < sk_GENERAL_NAME_num(names.get()); ++i) {
        const GENERAL_NAME* gn = sk_GENERAL_NAME_value(names.get(), i);
        int type = 0;
        const auto* value = static_cast<const ASN1_STRING*>(GENERAL_NAME_get0_value(gn, &type));
        const QByteArray bytes(reinterpret_cast<const char*>(ASN1_STRING_get0_data(value)),
                               ASN1_STRING_length(value));
        if (type == GEN_DNS)
            out << QStringLiteral("DNS:") + QString::fromLatin1(bytes);
        else if (type == GEN_IPADD)
            out << QStringLiteral("IP:") + QString::fromLatin1(bytes.toHex());
        else
            out << QStringLiteral("other");
    }
    return out;
}

inline QByteArray octets(const ASN1_OCTET_STRING* s) {
    if (s == nullptr)
        return {};
    return QByteArray(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                      ASN1_STRING_length(s));
}

inline QByteArray subjectKeyId(X509* cert) {
    return octets(X509_get0_subject_key_id(cert));
}

inline QByteArray authorityKeyId(X509* cert) {
    return octets(X509_get0_authority_key_id(cert));
}

// SHA-1 of the subjectPublicKey BIT STRING (RFC 5280 §4.2.1.2 method 1).
inline QByteArray expectedKeyId(X509* cert) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (X509_pubkey_digest(cert, EVP_sha1(), md, &len) != 1)
        return {};
    return QByteArray(reinterpret_cast<const char*>(md), static_cast<qsizetype>(len));
}

struct Serial {
    bool negative = false;
    int bits = 0;
    QByteArray bytes;
};

inline Serial serial(X509* cert) {
    Serial s;
    BignumPtr bn(ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr));
    if (!bn)
        return s;
    s.negative = BN_is_negative(bn.get()) == 1;
    s.bits = BN_num_bits(bn.get());
    QByteArray bytes(BN_num_bytes(bn.get()), '\0');
    BN_bn2bin(bn.get(), reinterpret_cast<unsigned char*>(bytes.data()));
    s.bytes = bytes;
    return s;
}

inline qint64 epochSeconds(const ASN1_TIME* t) {
    struct tm tm = {};
    if (ASN1_TIME_to_tm(t, &tm) != 1)
        return -1;
    return static_cast<qint64>(timegm(&tm));
}

inline qint64 seconds(std::chrono::system_clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

inline bool sameName(X509_NAME* a, X509_NAME* b) {
    return X509_NAME_cmp(a, b) == 0;
}

} // namespace spyglass::certs::test
