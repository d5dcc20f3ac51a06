#pragma once

#include <QtGlobal>

// Compiled on macOS; SPYGLASS_BUILD_ALL_TRUST_STORES compiles it anywhere so
// Linux CI at least type-checks it. UNTESTED on a real Mac (docs/certificates.md).
#if defined(Q_OS_MACOS) || defined(SPYGLASS_BUILD_ALL_TRUST_STORES)

#include "app/ca/TrustStore.h"

namespace spyglass::app {

// The macOS keychain via /usr/bin/security: the user's login keychain by
// default (macOS asks for the user's password to change trust settings), or
// the System keychain with --system (needs sudo). Safari, Chrome, curl and
// every app using Security.framework read it; Firefox does not (NSS).
class MacTrustStore final : public TrustStore {
public:
    MacTrustStore(bool systemKeychain, QString home);

    QString kind() const override;
    QString location() const override { return m_keychain; }
    QString description() const override;
    Status canModify() const override;
    Result<State> state(const CaIdentity& id) const override;
    Result<QStringList> install(const X509* cert) override;
    Result<QStringList> uninstall(const CaIdentity& id) override;

private:
    bool m_system;
    QString m_keychain;
};

} // namespace spyglass::app

#endif
