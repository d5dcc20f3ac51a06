#pragma once

#include <QByteArray>
#include <QString>
#include <openssl/ssl.h>

namespace spyglass::core::tls {

// Configures a client-role SSL for the server leg: SNI (never an IP address:
// RFC 6066 §3 "Literal IPv4 and IPv6 addresses are not permitted in
// "HostName""), ALPN http/1.1, and the identity to verify — the host name
// (RFC 6125 matching by OpenSSL) or, for an IP literal, the iPAddress SAN.
void configureServerLeg(SSL* ssl, const QByteArray& sni, const QByteArray& verifyHost);

// Why verifying the server failed, in words a user can act on: expired, not
// yet valid, host name mismatch, unknown issuer, self-signed, or the
// handshake error itself.
[[nodiscard]] QString describeUpstreamFailure(SSL* ssl, const QString& handshakeError,
                                              const QByteArray& host);

} // namespace spyglass::core::tls
