#pragma once

#include "app/ca/TrustStore.h"
#include "certs/Result.h"

#include <QByteArray>
#include <QDateTime>
#include <QString>
#include <vector>

namespace spyglass::app {

// installs.json in the CA directory: which stores Spyglass put which CA into,
// so `ca uninstall` and `ca regenerate` undo exactly that (and nothing the
// user added by hand). The stores themselves are still checked for real; the
// record only says where to look and what is ours.
class InstallRecord {
public:
    struct Entry {
        QString kind;     // TrustStore::kind()
        QString location; // TrustStore::location()
        CaIdentity id;
        QDateTime installed;
    };

    static QString fileName() { return QStringLiteral("installs.json"); }

    // A missing file is an empty record; a corrupt one is an error naming it.
    static certs::Result<InstallRecord> load(const QString& caDir);
    certs::Status save() const;

    const std::vector<Entry>& entries() const noexcept { return m_entries; }
    void add(const QString& kind, const QString& location, const CaIdentity& id);
    void remove(const QString& kind, const QString& location, const QByteArray& sha256);
    // Every CA the record mentions (current and older ones), once each.
    std::vector<CaIdentity> identities() const;
    QString path() const;

private:
    explicit InstallRecord(QString caDir);

    QString m_caDir;
    std::vector<Entry> m_entries;
};

} // namespace spyglass::app
