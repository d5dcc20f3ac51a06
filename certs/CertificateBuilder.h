#pragma once

#include "certs/Clock.h"
#include "certs/OpenSslHandles.h"
#include "certs/Result.h"

#include <QString>

namespace spyglass::certs {

// Assembles one X.509 v3 certificate field by field and signs it with
// SHA-256. Each setter checks its OpenSSL calls, so a failure names the step.
// Shared by the root CA (CertificateAuthority) and leaves (LeafMinter).
class CertificateBuilder {
public:
    static Result<CertificateBuilder> start();

    // CA/Browser Forum Baseline Requirements §7.1: "serial numbers greater
    // than zero (0) containing at least 64 bits of output from a CSPRNG";
    // RFC 5280 §4.1.2.2: at most 20 octets. We use 16 random octets with the
    // top bit cleared (positive) and the next set (always 16 octets in DER).
    Status setRandomSerial();
    Status setValidity(Clock::TimePoint notBefore, Clock::TimePoint notAfter);
    Status setSubject(const X509_NAME* name);
    Status setIssuer(const X509_NAME* name);
    Status setPublicKey(EVP_PKEY* key);
    // Appends a ready-made extension (LeafMinter builds the constant ones once).
    Status addExtension(X509_EXTENSION* extension);
    // Encodes `value` (the d2i/i2d structure for `nid`) as an extension.
    Status addExtension(int nid, bool critical, void* value);

    // Signs with `issuerKey` and SHA-256 (RFC 5758 ecdsa-with-SHA256 or
    // sha256WithRSAEncryption); returns the finished certificate.
    Result<X509Ptr> sign(EVP_PKEY* issuerKey, const QString& what);

    // RFC 5280 §4.2.1.2 method (1): the SHA-1 hash of the subjectPublicKey
    // BIT STRING value. Used for SKI and, on leaves, for the AKI keyIdentifier.
    static Result<Asn1OctetStringPtr> keyIdentifier(EVP_PKEY* key);
    static Result<X509ExtensionPtr> makeExtension(int nid, bool critical, void* value);
    // A name from (NID, UTF-8 value) pairs, in order.
    static Result<X509NamePtr> makeName(std::initializer_list<std::pair<int, QString>> entries);

private:
    explicit CertificateBuilder(X509Ptr cert);

    X509Ptr m_cert;
};

} // namespace spyglass::certs
