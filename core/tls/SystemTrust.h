#pragma once

#include <openssl/ssl.h>

namespace spyglass::core::tls {

// Points `ctx` at the system's trusted roots. Where the system keeps them in
// a hashed directory (Debian's /etc/ssl/certs, maintained by
// update-ca-certificates, or $SSL_CERT_DIR), only that directory is used:
// OpenSSL then reads one root per issuer the first time a chain needs it.
// SSL_CTX_set_default_verify_paths also parses the whole bundle file up
// front (about 150 certificates: 175-200 ms and ~1 MiB here), which the
// first intercepted connection would wait for, since the TLS contexts are
// made then (docs/performance.md, finding 5). An explicit $SSL_CERT_FILE, or
// no hashed directory, keeps the full default load. Returns false on an
// OpenSSL failure (its error queue tells why).
bool loadSystemTrust(SSL_CTX* ctx);

} // namespace spyglass::core::tls
