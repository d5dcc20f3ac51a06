// The one place that uses OpenSSL's deprecated EC_KEY API, on purpose: it
// is the only public way in OpenSSL 3.0 to get an EVP_PKEY that
// X509_set_pubkey() encodes without building encoder and decoder contexts
// (see CertificatePublicKey.h). Nothing else here may use deprecated calls.
#define OPENSSL_SUPPRESS_DEPRECATED
#include "certs/CertificatePublicKey.h"

#include <openssl/ec.h>
#include <openssl/evp.h>

namespace spyglass::certs {

EvpPkeyPtr CertificatePublicKey::forCertificates(EVP_PKEY* key) {
    if (key == nullptr || EVP_PKEY_is_a(key, "EC") != 1)
        return {};
    EC_KEY* ec = EVP_PKEY_get1_EC_KEY(key);
    if (ec == nullptr)
        return {};
    EvpPkeyPtr legacy(EVP_PKEY_new());
    if (!legacy || EVP_PKEY_assign_EC_KEY(legacy.get(), ec) != 1) {
        EC_KEY_free(ec);
        return {};
    }
    return legacy;
}

} // namespace spyglass::certs
