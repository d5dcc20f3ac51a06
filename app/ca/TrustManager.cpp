#include "app/ca/TrustManager.h"

#include "app/ca/LinuxSystemTrustStore.h"
#include "app/ca/MacTrustStore.h"
#include "app/ca/NssTrustStore.h"
#include "app/ca/WindowsTrustStore.h"

#include <QDir>
#include <algorithm>

namespace spyglass::app {

using namespace Qt::StringLiterals;

TrustManager::TrustManager(TrustEnvironment env, QString caDir)
    : m_env(std::move(env))
    , m_caDir(std::move(caDir)) {}

unsigned TrustManager::allStores() {
#if defined(Q_OS_MACOS)
    return System | Nss | User;
#elif defined(Q_OS_WIN)
    return User;
#else
    return System | Nss;
#endif
}

std::vector<std::unique_ptr<TrustStore>> TrustManager::stores(unsigned selection) const {
    std::vector<std::unique_ptr<TrustStore>> out;
    selection &= allStores();
#if defined(Q_OS_MACOS)
    if (selection & User)
        out.push_back(std::make_unique<MacTrustStore>(false, m_env.home));
    if (selection & System)
        out.push_back(std::make_unique<MacTrustStore>(true, m_env.home));
#elif defined(Q_OS_WIN)
    if (selection & User)
        out.push_back(std::make_unique<WindowsTrustStore>());
#else
    if (selection & System)
        out.push_back(std::make_unique<LinuxSystemTrustStore>(m_env));
#endif
#if !defined(Q_OS_WIN)
    if (selection & Nss) {
        for (auto& db : NssTrustStore::discover(m_env.home)) {
#if defined(Q_OS_MACOS)
            if (db.createIfMissing) // Chrome on macOS uses the keychain, not NSS
                continue;
#endif
            out.push_back(std::make_unique<NssTrustStore>(std::move(db), m_env.certutil));
        }
    }
#endif
    return out;
}

std::vector<CaIdentity> TrustManager::knownIdentities(const CaIdentity& current) const {
    std::vector<CaIdentity> ids;
    if (!current.sha256.isEmpty())
        ids.push_back(current);
    if (auto record = InstallRecord::load(m_caDir); record.ok())
        for (const CaIdentity& id : record->identities())
            if (std::none_of(ids.begin(), ids.end(),
                             [&](const CaIdentity& c) { return c.sha256 == id.sha256; }))
                ids.push_back(id);
    return ids;
}

TrustManager::Outcome TrustManager::install(const X509* cert, unsigned selection,
                                            bool explicitSelection) {
    Outcome outcome;
    auto record = InstallRecord::load(m_caDir);
    if (!record) {
        outcome.errors << record.errorMessage();
        return outcome;
    }
    const CaIdentity id = CaIdentity::of(cert);
    for (const auto& store : stores(selection)) {
        auto st = store->state(id);
        if (st.ok() && st->installed) {
            outcome.skipped << u"already trusted by the "_s + store->description();
            record->add(store->kind(), store->location(), id); // adopt it
            continue;
        }
        if (Status can = store->canModify(); !can) {
            (explicitSelection ? outcome.errors : outcome.skipped)
                << store->description() + u": "_s + can.errorMessage();
            continue;
        }
        auto changed = store->install(cert);
        if (!changed) {
            outcome.errors << store->description() + u": "_s + changed.errorMessage();
            continue;
        }
        outcome.changes << changed.value();
        record->add(store->kind(), store->location(), id);
    }
    if (Status s = record->save(); !s)
        outcome.errors << s.errorMessage();
    return outcome;
}

TrustManager::Outcome TrustManager::uninstall(const std::vector<CaIdentity>& ids,
                                              unsigned selection) {
    Outcome outcome;
    auto record = InstallRecord::load(m_caDir);
    if (!record) {
        outcome.errors << record.errorMessage();
        return outcome;
    }
    for (const auto& store : stores(selection)) {
        for (const CaIdentity& id : ids) {
            auto st = store->state(id);
            if (!st) {
                outcome.errors << store->description() + u": "_s + st.errorMessage();
                continue;
            }
            if (!st->installed && st->detail.contains(u"not installed by Spyglass"_s)) {
                outcome.skipped << store->description() + u": "_s + st->detail;
                continue;
            }
            auto changed = store->uninstall(id);
            if (!changed) {
                outcome.errors << store->description() + u": "_s + changed.errorMessage();
                continue;
            }
            outcome.changes << changed.value();
            record->remove(store->kind(), store->location(), id.sha256);
        }
    }
    // Entries for stores that no longer exist (a deleted Firefox profile).
    for (const auto& e : std::vector<InstallRecord::Entry>(record->entries()))
        if (!QDir(e.location).exists() && (selection & (e.kind == u"nss"_s ? Nss : System)))
            record->remove(e.kind, e.location, e.id.sha256);
    if (Status s = record->save(); !s)
        outcome.errors << s.errorMessage();
    return outcome;
}

std::vector<TrustManager::StatusRow> TrustManager::status(const CaIdentity& id) const {
    std::vector<StatusRow> rows;
    for (const auto& store : stores(allStores())) {
        auto st = store->state(id);
        rows.push_back(st ? StatusRow{store->description(), st->installed, st->detail}
                          : StatusRow{store->description(), false, st.errorMessage()});
    }
    return rows;
}

} // namespace spyglass::app
