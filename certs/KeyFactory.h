#pragma once

#include "certs/KeyAlgorithm.h"
#include "certs/OpenSslHandles.h"
#include "certs/Result.h"

namespace spyglass::certs {

// Fresh private keys from OpenSSL's default CSPRNG (the DRBG seeded by the OS),
// so every install and every run gets keys nobody else has (issue 3: "created
// with a CSPRNG, unique per install, never shipped or derived").
class KeyFactory {
public:
    static Result<EvpPkeyPtr> generate(KeyAlgorithm algorithm);

    // The algorithm of an existing key, or nullopt for one Spyglass does not make.
    static std::optional<KeyAlgorithm> algorithmOf(const EVP_PKEY* key);
};

} // namespace spyglass::certs
