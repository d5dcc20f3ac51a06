#pragma once

#include "certs/OpenSslHandles.h"

namespace spyglass::certs {

// The public key to put into every minted leaf, made once per minter.
//
// Why: OpenSSL 3.0's X509_set_pubkey() encodes a provider key with
// OSSL_ENCODER and decodes the result back (OSSL_DECODER) for every
// certificate; building those contexts was 72 % of minting a leaf and most
// of the cost of a never-seen host (+533-667 µs of proxy CPU per new host,
// docs/performance.md). A legacy EC key takes OpenSSL's direct path (the
// point encoded in place, no contexts), and the certificate's
// SubjectPublicKeyInfo is byte-for-byte the same (tst_LeafMinter checks).
// The TLS connection still uses the provider key for the private half.
class CertificatePublicKey {
public:
    // A legacy copy of `key` for X509_set_pubkey when `key` is EC; null for
    // other types (RSA leaves keep the encoder path) or on failure, in which
    // case the caller uses `key` itself.
    static EvpPkeyPtr forCertificates(EVP_PKEY* key);
};

} // namespace spyglass::certs
