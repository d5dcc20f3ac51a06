#include "certs/KeyFactory.h"

#include "certs/OpenSslError.h"

#include <openssl/core_names.h>

namespace spyglass::certs {

using namespace Qt::StringLiterals;

Result<EvpPkeyPtr> KeyFactory::generate(KeyAlgorithm algorithm) {
    clearOpenSslErrors();
    EVP_PKEY* raw = nullptr;
    switch (algorithm) {
    case KeyAlgorithm::EcdsaP256:
        // Named-curve encoding (the default for EVP_PKEY_Q_keygen): RFC 5480
        // §2.1.1 forbids explicit parameters in certificates, and strict
        // verifiers (OpenSSL -x509_strict, Apple) reject them.
        raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
        break;
    case KeyAlgorithm::Rsa2048:
        raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048});
        break;
    case KeyAlgorithm::Rsa3072:
        raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{3072});
        break;
    }
    if (raw == nullptr)
        return openSslFailure(u"Generating a "_s + keyAlgorithmName(algorithm) + u" key failed"_s);
    return EvpPkeyPtr(raw);
}

std::optional<KeyAlgorithm> KeyFactory::algorithmOf(const EVP_PKEY* key) {
    if (key == nullptr)
        return std::nullopt;
    if (EVP_PKEY_is_a(key, "EC")) {
        char group[64] = {};
        size_t len = 0;
        if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                           &len) == 1 &&
            (qstrcmp(group, "prime256v1") == 0 || qstrcmp(group, "P-256") == 0))
            return KeyAlgorithm::EcdsaP256;
        clearOpenSslErrors();
        return std::nullopt;
    }
    if (EVP_PKEY_is_a(key, "RSA")) {
        const int bits = EVP_PKEY_get_bits(key);
        if (bits == 2048)
            return KeyAlgorithm::Rsa2048;
        if (bits == 3072)
            return KeyAlgorithm::Rsa3072;
    }
    return std::nullopt;
}

} // namespace spyglass::certs
