#include "app/ca/TrustStore.h"

#include <openssl/evp.h>

namespace spyglass::app {

namespace {

QByteArray digest(const X509* cert, const EVP_MD* md) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (cert == nullptr || X509_digest(cert, md, out, &len) != 1)
        return {};
    return QByteArray(reinterpret_cast<const char*>(out), static_cast<qsizetype>(len));
}

} // namespace

CaIdentity CaIdentity::of(const X509* cert) {
    return {digest(cert, EVP_sha256()), digest(cert, EVP_sha1())};
}

QString CaIdentity::shortId() const {
    return QString::fromLatin1(sha256.left(8).toHex());
}

} // namespace spyglass::app
