#pragma once

#include "certs/CertificateAuthority.h"
#include "certs/Clock.h"
#include "certs/Result.h"

#include <QString>
#include <QStringList>
#include <optional>

namespace spyglass::certs {

// The CA's home on disk: a 0700 directory holding
//   spyglass-ca.pem   the root certificate (0644; public)
//   spyglass-ca.key   its private key, PKCS#8 PEM (0600)
// The default directory is QStandardPaths::AppDataLocation + "/ca"; the app
// decides (option, SPYGLASS_CA_DIR, default) and passes it in.
class CaStore {
public:
    enum class State {
        Missing,    // neither file: a CA will be created on first use
        Complete,   // both files
        Incomplete, // one of the two; never repaired silently
    };

    struct Loaded {
        CertificateAuthority ca;
        bool created = false;
        QStringList warnings; // e.g. expiry within 30 days
    };

    explicit CaStore(QString directory);

    const QString& directory() const noexcept { return m_dir; }
    QString certificatePath() const;
    QString keyPath() const;
    State state() const;

    // Loads both files after checking the directory and key permissions.
    Result<Loaded> load(const Clock& clock) const;
    // What load() refuses before decoding the key (missing or incomplete CA,
    // permissions, a certificate that is no PEM certificate), with the expiry
    // warnings, but without OpenSSL (CertificatePeek): for a proxy that
    // reports problems at start and loads the key on first use.
    Result<QStringList> check(const Clock& clock) const;
    // Loads, or creates a new CA when none exists yet.
    Result<Loaded> loadOrCreate(const Clock& clock, const CertificateAuthority::Options& options);
    // Creates a new CA, replacing any files present (for `ca regenerate`).
    Result<Loaded> createNew(const Clock& clock, const CertificateAuthority::Options& options);
    // The certificate alone: export and trust-store installs need no key, and
    // may run as another user (root through pkexec) who must not read it.
    Result<X509Ptr> loadCertificate() const;

    // Every permission problem, one message each (empty when all is well).
    QStringList permissionProblems() const;
    // chmod 700 the directory and 600 the key; returns what changed.
    Result<QStringList> fixPermissions() const;

    // Deletes the key and the certificate.
    Status removeFiles() const;

    // Warn this long before the root expires (issue 3).
    static constexpr auto kExpiryWarning = std::chrono::days(30);
    static QStringList expiryWarnings(const X509* cert, const Clock& clock,
                                      const QString& certPath);
    static QStringList expiryWarnings(const QDateTime& notAfter, const Clock& clock,
                                      const QString& certPath);

private:
    // The refusals load() and check() share; empty when the files may be read.
    std::optional<Error> refuseBeforeReading() const;
    Result<Loaded> writeNew(const Clock& clock, const CertificateAuthority::Options& options);

    QString m_dir;
};

} // namespace spyglass::certs
