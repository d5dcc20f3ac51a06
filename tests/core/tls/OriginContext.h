#pragma once

// An origin's TLS context for tests that drive TlsConnection through memory:
// a self-signed P-256 certificate for origin.test, sessions tied to one
// service as real servers do.
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

namespace spyglass::testing {

// A self-signed P-256 certificate for the origin (the client leg under test
// does not verify: serverFacing(false)).
inline SSL_CTX* makeOriginContext() {
    EVP_PKEY* key = EVP_EC_gen("P-256");
    X509* cert = X509_new();
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
    X509_set_pubkey(cert, key);
    X509_NAME* name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("origin.test"), -1, -1, 0);
    X509_set_issuer_name(cert, name);
    X509_sign(cert, key, EVP_sha256());
    SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
    SSL_CTX_use_certificate(ctx, cert);
    SSL_CTX_use_PrivateKey(ctx, key);
    // As real servers do (nginx, openssl s_server): sessions belong to this service.
    SSL_CTX_set_session_id_context(ctx, reinterpret_cast<const unsigned char*>("origin"), 6);
    X509_free(cert);
    EVP_PKEY_free(key);
    return ctx;
}

} // namespace spyglass::testing
