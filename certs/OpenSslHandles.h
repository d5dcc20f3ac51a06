#pragma once

#include <memory>
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace spyglass::certs {

// OpenSSL objects live in unique_ptrs whose deleter is the matching _free
// function, so every early return releases them (architecture guide §6).
template <auto FreeFn> struct OpenSslDeleter {
    template <typename T> void operator()(T* p) const noexcept { FreeFn(p); }
};

using X509Ptr = std::unique_ptr<X509, OpenSslDeleter<&X509_free>>;
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, OpenSslDeleter<&EVP_PKEY_free>>;
using EvpPkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, OpenSslDeleter<&EVP_PKEY_CTX_free>>;
using BioPtr = std::unique_ptr<BIO, OpenSslDeleter<&BIO_free_all>>;
using BignumPtr = std::unique_ptr<BIGNUM, OpenSslDeleter<&BN_free>>;
using Asn1IntegerPtr = std::unique_ptr<ASN1_INTEGER, OpenSslDeleter<&ASN1_INTEGER_free>>;
using Asn1OctetStringPtr =
    std::unique_ptr<ASN1_OCTET_STRING, OpenSslDeleter<&ASN1_OCTET_STRING_free>>;
using Asn1TimePtr = std::unique_ptr<ASN1_TIME, OpenSslDeleter<&ASN1_TIME_free>>;
using X509NamePtr = std::unique_ptr<X509_NAME, OpenSslDeleter<&X509_NAME_free>>;
using X509ExtensionPtr = std::unique_ptr<X509_EXTENSION, OpenSslDeleter<&X509_EXTENSION_free>>;
using GeneralNamesPtr = std::unique_ptr<GENERAL_NAMES, OpenSslDeleter<&GENERAL_NAMES_free>>;
using Pkcs12Ptr = std::unique_ptr<PKCS12, OpenSslDeleter<&PKCS12_free>>;
using BasicConstraintsPtr =
    std::unique_ptr<BASIC_CONSTRAINTS, OpenSslDeleter<&BASIC_CONSTRAINTS_free>>;
using ExtKeyUsagePtr =
    std::unique_ptr<EXTENDED_KEY_USAGE, OpenSslDeleter<&EXTENDED_KEY_USAGE_free>>;
using AuthorityKeyIdPtr = std::unique_ptr<AUTHORITY_KEYID, OpenSslDeleter<&AUTHORITY_KEYID_free>>;
using Asn1BitStringPtr = std::unique_ptr<ASN1_BIT_STRING, OpenSslDeleter<&ASN1_BIT_STRING_free>>;

// A new owning reference to an object someone else owns (X509_up_ref).
inline X509Ptr sharedRef(X509* cert) {
    if (cert != nullptr && X509_up_ref(cert) == 1)
        return X509Ptr(cert);
    return {};
}

inline EvpPkeyPtr sharedRef(EVP_PKEY* key) {
    if (key != nullptr && EVP_PKEY_up_ref(key) == 1)
        return EvpPkeyPtr(key);
    return {};
}

} // namespace spyglass::certs
