#pragma once

#include "certs/CertificateAuthority.h"
#include "certs/Clock.h"
#include "certs/HostName.h"
#include "certs/KeyAlgorithm.h"
#include "certs/Leaf.h"
#include "certs/OpenSslHandles.h"
#include "certs/Result.h"

#include <chrono>
#include <memory>

namespace spyglass::certs {

// Mints per-host leaf certificates signed by the root CA. The leaf key is
// generated once per run (separate from the CA key), and every constant part
// of the profile is encoded once here, so minting costs one signature
// (mitmproxy's certs.py does the same). Thread-safe: mint() is const and only
// reads shared state; OpenSSL 3 allows concurrent signing with one EVP_PKEY.
class LeafMinter {
public:
    // CA/Browser Forum ballot SC-081 brings the maximum TLS leaf lifetime to
    // 47 days by 2029 and Chromium enforces the limits as they fall; 45 days
    // stays under every limit announced. Counted inclusively (BR §1.6.1
    // "Validity Period"), hence notAfter = notBefore + 45 days - 1 s.
    static constexpr auto kValidity = std::chrono::days(45);
    // notBefore = now - 1 day: tolerates clients whose clocks lag.
    static constexpr auto kBackdate = std::chrono::days(1);

    // Copies (up-refs) what it needs from `ca`; `ca` need not outlive it.
    static Result<std::shared_ptr<const LeafMinter>>
    create(const CertificateAuthority& ca, KeyAlgorithm leafKey = KeyAlgorithm::EcdsaP256);

    Result<std::shared_ptr<const Leaf>> mint(const HostName& name, Clock::TimePoint now) const;
    // Parses (and normalises) `host` first; see HostName::parse.
    Result<std::shared_ptr<const Leaf>> mint(const QString& host, Clock::TimePoint now) const;

    EVP_PKEY* leafKey() const noexcept { return m_leafKey.get(); }
    X509* caCertificate() const noexcept { return m_caCert.get(); }

    struct Constants; // the pre-encoded extensions; defined in the .cpp
    ~LeafMinter();
    LeafMinter(const LeafMinter&) = delete;
    LeafMinter& operator=(const LeafMinter&) = delete;

private:
    LeafMinter(X509Ptr caCert, EvpPkeyPtr caKey, EvpPkeyPtr leafKey,
               std::unique_ptr<Constants> constants, Clock::TimePoint caNotAfter);

    X509Ptr m_caCert;
    EvpPkeyPtr m_caKey;
    EvpPkeyPtr m_leafKey;
    std::unique_ptr<Constants> m_constants;
    Clock::TimePoint m_caNotAfter;
};

} // namespace spyglass::certs
