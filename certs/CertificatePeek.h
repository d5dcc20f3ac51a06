#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QString>
#include <variant>

namespace spyglass::certs {

// The validity period of a PEM certificate, read without OpenSSL: a walk over
// the DER down to tbsCertificate.validity (RFC 5280 §4.1), nothing decoded or
// verified beyond that. For checks at start that must stay cheap: the first
// OpenSSL call of a process initialises its providers and decoders, about
// 2.3 MiB of libcrypto pages touched (docs/performance.md, finding 5), which
// a proxy that has intercepted nothing does not need. Full parsing still
// happens where the certificate is used.
struct CertificateDates {
    QDateTime notBefore;
    QDateTime notAfter;
};

// The first certificate of `pem`, or why it is not a readable one.
std::variant<CertificateDates, QString> peekCertificateDates(const QByteArray& pem);

} // namespace spyglass::certs
