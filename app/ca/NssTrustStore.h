#pragma once

#include "app/ca/TrustStore.h"

#include <vector>

namespace spyglass::app {

// One NSS certificate database, changed with `certutil` (libnss3-tools):
// Chromium/Chrome on Linux read ~/.pki/nssdb, Firefox reads cert9.db in each
// profile and ignores the system store (unless security.enterprise_roots is
// set). Trust flags "C,,": a trusted CA for TLS servers only.
class NssTrustStore final : public TrustStore {
public:
    struct Database {
        QString directory;
        QString label; // "Chromium/Chrome", "Firefox profile abc.default"
        bool createIfMissing = false;
    };

    NssTrustStore(Database db, QString certutil);

    // Chromium's ~/.pki/nssdb (created on install if missing, as Chrome
    // would) and every Firefox profile that has a cert9.db, including the
    // Snap and Flatpak locations.
    static std::vector<Database> discover(const QString& home);
    // The nickname Spyglass uses for the CA with this fingerprint.
    static QString nickname(const QByteArray& sha256);

    QString kind() const override { return QStringLiteral("nss"); }
    QString location() const override { return m_db.directory; }
    QString description() const override;
    Status canModify() const override;
    Result<State> state(const CaIdentity& id) const override;
    Result<QStringList> install(const X509* cert) override;
    Result<QStringList> uninstall(const CaIdentity& id) override;

private:
    bool exists() const;
    QString dbArg() const; // "sql:DIR"
    Result<QByteArray> certificateFor(const QString& nick, bool* present) const;

    Database m_db;
    QString m_certutil;
};

} // namespace spyglass::app
