#pragma once

#include <QtGlobal>

// Compiled on Windows; SPYGLASS_BUILD_ALL_TRUST_STORES compiles it anywhere so
// Linux CI at least type-checks it. UNTESTED on real Windows (docs/certificates.md).
#if defined(Q_OS_WIN) || defined(SPYGLASS_BUILD_ALL_TRUST_STORES)

#include "app/ca/TrustStore.h"

namespace spyglass::app {

// The current user's Trusted Root store via certutil.exe (no admin needed;
// Windows shows its own confirmation dialog). Edge, Chrome, curl (schannel),
// .NET and Firefox 120+ (enterprise roots) read it.
class WindowsTrustStore final : public TrustStore {
public:
    QString kind() const override { return QStringLiteral("windows"); }
    QString location() const override { return QStringLiteral("CurrentUser\\Root"); }
    QString description() const override;
    Status canModify() const override;
    Result<State> state(const CaIdentity& id) const override;
    Result<QStringList> install(const X509* cert) override;
    Result<QStringList> uninstall(const CaIdentity& id) override;
};

} // namespace spyglass::app

#endif
