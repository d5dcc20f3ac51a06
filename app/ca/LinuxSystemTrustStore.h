#pragma once

#include "app/ca/TrustEnvironment.h"
#include "app/ca/TrustStore.h"

namespace spyglass::app {

// The distribution's shared trust store, which OpenSSL, GnuTLS, curl,
// Python, Go, Java (via p11-kit/ca-certificates-java) and Chromium's
// fallback read. We drop a PEM anchor file into the anchor directory and run
// the distribution's update tool, which rebuilds the bundle:
//   Debian/Ubuntu: /usr/local/share/ca-certificates/*.crt + update-ca-certificates
//   Fedora/RHEL:   /etc/pki/ca-trust/source/anchors + update-ca-trust extract
//   Arch:          /etc/ca-certificates/trust-source/anchors + update-ca-trust
// (the last two are what `trust anchor --store` does). Needs root; the GUI
// runs `spyglass-cli ca install --system` through pkexec.
class LinuxSystemTrustStore final : public TrustStore {
public:
    explicit LinuxSystemTrustStore(TrustEnvironment env);

    QString kind() const override { return QStringLiteral("system"); }
    QString location() const override { return m_env.systemAnchorDir; }
    QString description() const override;
    Status canModify() const override;
    Result<State> state(const CaIdentity& id) const override;
    Result<QStringList> install(const X509* cert) override;
    Result<QStringList> uninstall(const CaIdentity& id) override;

    // spyglass-ca-<first 16 hex digits of the SHA-256>.crt: one file per CA,
    // so a regenerated CA never overwrites the old one's file unseen.
    QString anchorPath(const QByteArray& sha256) const;

private:
    Result<bool> bundleContains(const QByteArray& sha256) const;
    Result<QString> runUpdate() const;

    TrustEnvironment m_env;
};

} // namespace spyglass::app
