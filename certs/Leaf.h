#pragma once

#include "certs/Clock.h"
#include "certs/HostName.h"
#include "certs/OpenSslHandles.h"
#include "certs/Result.h"

#include <QByteArray>

namespace spyglass::certs {

// One minted server certificate with what a TLS server needs to present it:
// the leaf, the run's shared leaf key, and the CA certificate as the chain.
// Immutable and handed out as shared_ptr<const Leaf>, so the proxy thread can
// keep using an entry the cache has since evicted. The raw pointers stay valid
// while the Leaf lives; OpenSSL's SSL_use_certificate / SSL_use_PrivateKey /
// SSL_add1_chain_cert take their own references.
class Leaf {
public:
    Leaf(HostName name, X509Ptr certificate, EvpPkeyPtr key, X509Ptr issuer,
         Clock::TimePoint notBefore, Clock::TimePoint notAfter);

    const HostName& name() const noexcept { return m_name; }
    X509* certificate() const noexcept { return m_cert.get(); }
    EVP_PKEY* privateKey() const noexcept { return m_key.get(); }
    X509* issuerCertificate() const noexcept { return m_issuer.get(); }
    Clock::TimePoint notBefore() const noexcept { return m_notBefore; }
    Clock::TimePoint notAfter() const noexcept { return m_notAfter; }

    // Leaf then CA, PEM: what a server sends (RFC 8446 §4.4.2: the sender's
    // certificate MUST come first).
    Result<QByteArray> chainPem() const;

private:
    HostName m_name;
    X509Ptr m_cert;
    EvpPkeyPtr m_key;
    X509Ptr m_issuer;
    Clock::TimePoint m_notBefore;
    Clock::TimePoint m_notAfter;
};

} // namespace spyglass::certs
