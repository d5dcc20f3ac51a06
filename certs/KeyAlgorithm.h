#pragma once

#include <QString>
#include <optional>

namespace spyglass::certs {

// Key types Spyglass generates. ECDSA P-256 is the default: every client of
// the last decade accepts it and a signature costs tens of microseconds, which
// is what keeps minting a leaf under a millisecond. RSA is offered for old or
// odd clients; CA/Browser Forum Baseline Requirements §6.1.5 require RSA
// moduli of at least 2048 bits, and 3072 bits is the NIST SP 800-57 choice for
// keys meant to last beyond 2030 (the root lives ten years).
enum class KeyAlgorithm {
    EcdsaP256,
    Rsa2048,
    Rsa3072,
};

// "ecdsa-p256", "rsa-2048", "rsa-3072" (also "ecdsa" and "rsa" = rsa-3072).
std::optional<KeyAlgorithm> parseKeyAlgorithm(const QString& text);
QString keyAlgorithmName(KeyAlgorithm algorithm);

} // namespace spyglass::certs
