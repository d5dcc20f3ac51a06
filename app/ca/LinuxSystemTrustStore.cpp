#include "app/ca/LinuxSystemTrustStore.h"

#include "app/ca/ProcessRunner.h"
#include "certs/SecureFile.h"
#include "certs/X509Codec.h"

#include <QFileInfo>

namespace spyglass::app {

using namespace Qt::StringLiterals;
using certs::Error;
using certs::SecureFile;
using certs::X509Codec;

namespace {

constexpr qsizetype kMaxBundleBytes = 64 << 20;

} // namespace

LinuxSystemTrustStore::LinuxSystemTrustStore(TrustEnvironment env)
    : m_env(std::move(env)) {}

QString LinuxSystemTrustStore::description() const {
    return u"system store ("_s + TrustEnvironment::flavourName(m_env.flavour) + u": "_s +
           m_env.systemAnchorDir + u')';
}

QString LinuxSystemTrustStore::anchorPath(const QByteArray& sha256) const {
    return m_env.systemAnchorDir + u"/spyglass-ca-"_s +
           QString::fromLatin1(sha256.left(8).toHex()) + u".crt"_s;
}

Status LinuxSystemTrustStore::canModify() const {
    if (m_env.systemAnchorDir.isEmpty() || m_env.systemUpdateCommand.isEmpty())
        return Error{u"No known system trust store on this system (looked for "
                     u"update-ca-certificates and update-ca-trust). Install the "
                     u"ca-certificates package, or trust the exported certificate by hand."_s};
    const QFileInfo dir(m_env.systemAnchorDir);
    if (!dir.isDir())
        return Error{u"The system anchor directory "_s + m_env.systemAnchorDir +
                     u" does not exist. Install the ca-certificates package."_s};
    if (!dir.isWritable())
        return Error{u"Changing the system store ("_s + m_env.systemAnchorDir +
                     u") needs root. Run the same command with sudo (or pkexec)."_s};
    if (ProcessRunner::find(m_env.systemUpdateCommand.first()).isEmpty())
        return Error{u"`"_s + m_env.systemUpdateCommand.first() +
                     u"` was not found; install the ca-certificates package."_s};
    return {};
}

Result<bool> LinuxSystemTrustStore::bundleContains(const QByteArray& sha256) const {
    if (m_env.systemBundle.isEmpty() || !QFileInfo::exists(m_env.systemBundle))
        return false;
    auto pem = SecureFile::read(m_env.systemBundle, kMaxBundleBytes);
    if (!pem)
        return pem.error();
    for (const auto& cert : X509Codec::certificatesFromPemBundle(pem.value()))
        if (X509Codec::sha256Fingerprint(cert.get()) == sha256)
            return true;
    return false;
}

Result<QString> LinuxSystemTrustStore::runUpdate() const {
    const QString program = ProcessRunner::find(m_env.systemUpdateCommand.first());
    const QStringList args = m_env.systemUpdateCommand.mid(1);
    const ProcessResult r = ProcessRunner::run(
        program.isEmpty() ? m_env.systemUpdateCommand.first() : program, args, 180000);
    if (!r.ok())
        return Error{r.describeFailure(m_env.systemUpdateCommand.first(), args)};
    const QStringList lines = r.output.split(u'\n', Qt::SkipEmptyParts);
    return QString(u"ran `"_s + m_env.systemUpdateCommand.join(u' ') + u'`' +
                   (lines.isEmpty() ? QString() : u": "_s + lines.last().trimmed()));
}

Result<TrustStore::State> LinuxSystemTrustStore::state(const CaIdentity& id) const {
    const QByteArray& sha256 = id.sha256;
    const QString anchor = anchorPath(sha256);
    bool anchorOk = false;
    if (QFileInfo::exists(anchor)) {
        auto pem = SecureFile::read(anchor);
        if (pem.ok())
            if (auto cert = X509Codec::certificateFromPem(pem.value()); cert.ok())
                anchorOk = X509Codec::sha256Fingerprint(cert->get()) == sha256;
    }
    auto inBundle = bundleContains(sha256);
    if (!inBundle)
        return inBundle.error();
    State s;
    s.installed = anchorOk && inBundle.value();
    if (s.installed)
        s.detail = anchor + u", in "_s + m_env.systemBundle;
    else if (anchorOk)
        s.detail = anchor + u" present but not in "_s + m_env.systemBundle + u"; run `"_s +
                   m_env.systemUpdateCommand.join(u' ') + u"` as root"_s;
    else if (inBundle.value())
        s.detail = u"in "_s + m_env.systemBundle + u" but not installed by Spyglass"_s;
    else
        s.detail = u"not installed"_s;
    return s;
}

Result<QStringList> LinuxSystemTrustStore::install(const X509* cert) {
    if (Status s = canModify(); !s)
        return s.error();
    const QByteArray sha256 = X509Codec::sha256Fingerprint(cert);
    auto pem = X509Codec::certificateToPem(cert);
    if (!pem)
        return pem.error();
    const QString anchor = anchorPath(sha256);
    QStringList changes;
    // Debian's update-ca-certificates only reads PEM files ending in .crt.
    if (Status s = SecureFile::writeAtomically(anchor, pem.value(), SecureFile::kPublicFileMode);
        !s)
        return s.error();
    changes << u"added "_s + anchor;
    auto update = runUpdate();
    if (!update) {
        // Leave nothing half-done: without the rebuilt bundle the anchor is
        // only clutter that the next update would pick up unannounced.
        (void)SecureFile::remove(anchor);
        return Error{u"Installing into the system store failed: "_s + update.errorMessage() +
                     u". Removed "_s + anchor + u" again."_s};
    }
    changes << update.value();
    auto inBundle = bundleContains(sha256);
    if (!inBundle)
        return inBundle.error();
    if (!inBundle.value() && !m_env.systemBundle.isEmpty())
        return Error{u"`"_s + m_env.systemUpdateCommand.join(u' ') +
                     u"` ran, but the Spyglass CA is not in "_s + m_env.systemBundle +
                     u". Changes so far: "_s + changes.join(u"; "_s)};
    return changes;
}

Result<QStringList> LinuxSystemTrustStore::uninstall(const CaIdentity& id) {
    const QByteArray& sha256 = id.sha256;
    const QString anchor = anchorPath(sha256);
    if (!QFileInfo::exists(anchor)) {
        auto inBundle = bundleContains(sha256);
        if (inBundle.ok() && inBundle.value())
            return Error{u"The Spyglass CA is in "_s + m_env.systemBundle + u" but "_s + anchor +
                         u" does not exist; it was added by other means. Remove it from the "
                         u"anchor directory by hand, then run `"_s +
                         m_env.systemUpdateCommand.join(u' ') + u"`."_s};
        return QStringList(); // nothing to do
    }
    if (Status s = canModify(); !s)
        return s.error();
    if (Status s = SecureFile::remove(anchor); !s)
        return s.error();
    QStringList changes{u"removed "_s + anchor};
    auto update = runUpdate();
    if (!update)
        return Error{u"Removed "_s + anchor + u", but "_s + update.errorMessage() +
                     u". Run it again as root to finish."_s};
    changes << update.value();
    return changes;
}

} // namespace spyglass::app
