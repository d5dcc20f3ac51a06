#include "certs/Leaf.h"

#include "certs/X509Codec.h"

namespace spyglass::certs {

Leaf::Leaf(HostName name, X509Ptr certificate, EvpPkeyPtr key, X509Ptr issuer,
           Clock::TimePoint notBefore, Clock::TimePoint notAfter)
    : m_name(std::move(name))
    , m_cert(std::move(certificate))
    , m_key(std::move(key))
    , m_issuer(std::move(issuer))
    , m_notBefore(notBefore)
    , m_notAfter(notAfter) {}

Result<QByteArray> Leaf::chainPem() const {
    auto leaf = X509Codec::certificateToPem(m_cert.get());
    if (!leaf)
        return leaf.error();
    auto ca = X509Codec::certificateToPem(m_issuer.get());
    if (!ca)
        return ca.error();
    return QByteArray(leaf.value() + ca.value());
}

} // namespace spyglass::certs
