#pragma once

#include "app/ca/InstallRecord.h"
#include "app/ca/TrustEnvironment.h"
#include "app/ca/TrustStore.h"

#include <memory>
#include <vector>

namespace spyglass::app {

// Installs, checks and removes the CA across this platform's trust stores and
// keeps the install record in step. What changed, what was skipped and what
// failed are collected separately so the CLI can report exactly that.
class TrustManager {
public:
    enum Store : unsigned {
        System = 1, // Linux system store; macOS System keychain
        Nss = 2,    // Chromium and Firefox NSS databases
        User = 4,   // macOS login keychain; Windows CurrentUser\Root
    };

    struct Outcome {
        QStringList changes;
        QStringList skipped;
        QStringList errors;
        bool ok() const { return errors.isEmpty(); }
    };

    struct StatusRow {
        QString description;
        bool installed = false;
        QString detail;
    };

    TrustManager(TrustEnvironment env, QString caDir);

    // The stores this platform has, filtered by `selection` (a Store mask).
    std::vector<std::unique_ptr<TrustStore>> stores(unsigned selection) const;
    // Every store kind this platform supports.
    static unsigned allStores();

    // `explicitSelection`: the user named the stores (--system/--nss), so a
    // store we may not change is an error; otherwise it is skipped with the
    // command that would do it.
    Outcome install(const X509* cert, unsigned selection, bool explicitSelection);
    // Removes `ids` (the current CA and every CA the record mentions).
    // A store that holds one of them but may not be changed is an error
    // whether or not it was named: the user asked for the CA to be gone.
    Outcome uninstall(const std::vector<CaIdentity>& ids, unsigned selection);
    std::vector<StatusRow> status(const CaIdentity& id) const;

    // Every CA the record mentions plus `current` (when valid), once each.
    std::vector<CaIdentity> knownIdentities(const CaIdentity& current) const;

private:
    TrustEnvironment m_env;
    QString m_caDir;
};

} // namespace spyglass::app
