#include "SystemTrust.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <cstdlib>
#include <openssl/x509.h>

namespace spyglass::core::tls {

namespace {

// The first directory OpenSSL would search ($SSL_CERT_DIR is a list).
QString defaultCertificateDirectory() {
    const char* fromEnvironment = std::getenv(X509_get_default_cert_dir_env());
    if (fromEnvironment && *fromEnvironment)
        return QFile::decodeName(fromEnvironment).section(u':', 0, 0);
    return QFile::decodeName(X509_get_default_cert_dir());
}

// Whether `dir` holds the subject-hash links ("5ad8a5d6.0") OpenSSL's
// directory lookup needs; without them it would find nothing.
bool hasHashLinks(const QString& dir) {
    static const QRegularExpression kHashName(QStringLiteral("^[0-9a-f]{8}\\.[0-9]+$"));
    const QStringList names = QDir(dir).entryList(QDir::Files | QDir::System);
    for (const QString& name : names)
        if (kHashName.match(name).hasMatch())
            return true;
    return false;
}

} // namespace

bool loadSystemTrust(SSL_CTX* ctx) {
    const char* file = std::getenv(X509_get_default_cert_file_env());
    const bool explicitFile = file && *file;
    if (!explicitFile && hasHashLinks(defaultCertificateDirectory()))
        return SSL_CTX_set_default_verify_dir(ctx) == 1;
    return SSL_CTX_set_default_verify_paths(ctx) == 1;
}

} // namespace spyglass::core::tls
