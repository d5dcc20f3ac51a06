#include "certs/KeyAlgorithm.h"

namespace spyglass::certs {

using namespace Qt::StringLiterals;

std::optional<KeyAlgorithm> parseKeyAlgorithm(const QString& text) {
    const QString t = text.trimmed().toLower();
    if (t == u"ecdsa"_s || t == u"ecdsa-p256"_s || t == u"ec"_s || t == u"p256"_s)
        return KeyAlgorithm::EcdsaP256;
    if (t == u"rsa"_s || t == u"rsa-3072"_s || t == u"rsa3072"_s)
        return KeyAlgorithm::Rsa3072;
    if (t == u"rsa-2048"_s || t == u"rsa2048"_s)
        return KeyAlgorithm::Rsa2048;
    return std::nullopt;
}

QString keyAlgorithmName(KeyAlgorithm algorithm) {
    switch (algorithm) {
    case KeyAlgorithm::EcdsaP256:
        return u"ecdsa-p256"_s;
    case KeyAlgorithm::Rsa2048:
        return u"rsa-2048"_s;
    case KeyAlgorithm::Rsa3072:
        return u"rsa-3072"_s;
    }
    return u"unknown"_s;
}

} // namespace spyglass::certs
