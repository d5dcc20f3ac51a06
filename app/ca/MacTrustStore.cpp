#include "app/ca/MacTrustStore.h"

#if defined(Q_OS_MACOS) || defined(SPYGLASS_BUILD_ALL_TRUST_STORES)

#include "app/ca/ProcessRunner.h"
#include "certs/SecureFile.h"
#include "certs/X509Codec.h"

#include <QFileInfo>
#include <QTemporaryDir>

namespace spyglass::app {

using namespace Qt::StringLiterals;
using certs::Error;
using certs::SecureFile;
using certs::X509Codec;

namespace {

const QString kSecurity = u"/usr/bin/security"_s;

// `security find-certificate -a -Z` prints "SHA-256 hash: <HEX>" (and
// "SHA-1 hash:") for each match.
Result<bool> keychainHas(const QString& keychain, const CaIdentity& id) {
    const QStringList args{u"find-certificate"_s, u"-a"_s, u"-Z"_s, u"-c"_s,
                           u"Spyglass CA"_s,      keychain};
    const ProcessResult r = ProcessRunner::run(kSecurity, args, 30000);
    if (!r.started || r.timedOut)
        return Error{r.describeFailure(kSecurity, args)};
    const QString sha1 = QString::fromLatin1(id.sha1.toHex()).toUpper();
    return r.exitCode == 0 && !sha1.isEmpty() && r.output.toUpper().contains(sha1);
}

} // namespace

MacTrustStore::MacTrustStore(bool systemKeychain, QString home)
    : m_system(systemKeychain)
    , m_keychain(systemKeychain ? u"/Library/Keychains/System.keychain"_s
                                : home + u"/Library/Keychains/login.keychain-db"_s) {}

QString MacTrustStore::kind() const {
    return m_system ? u"system"_s : u"macos"_s;
}

QString MacTrustStore::description() const {
    return (m_system ? u"macOS System keychain ("_s : u"macOS login keychain ("_s) + m_keychain +
           u')';
}

Status MacTrustStore::canModify() const {
    if (!QFileInfo(kSecurity).isExecutable())
        return Error{kSecurity + u" not found"_s};
    if (m_system && !QFileInfo(m_keychain).isWritable())
        return Error{u"Changing the System keychain needs an administrator: run the same "
                     u"command with sudo."_s};
    return {};
}

Result<TrustStore::State> MacTrustStore::state(const CaIdentity& id) const {
    auto has = keychainHas(m_keychain, id);
    if (!has)
        return has.error();
    return State{has.value(), has.value() ? u"in "_s + m_keychain : u"not installed"_s};
}

Result<QStringList> MacTrustStore::install(const X509* cert) {
    if (Status s = canModify(); !s)
        return s.error();
    auto pem = X509Codec::certificateToPem(cert);
    if (!pem)
        return pem.error();
    QTemporaryDir tmp;
    const QString file = tmp.filePath(u"spyglass-ca.pem"_s);
    if (Status s = SecureFile::writeAtomically(file, pem.value(), SecureFile::kPublicFileMode); !s)
        return s.error();
    // -r trustRoot: trusted as a root for every policy it is used with.
    QStringList args{u"add-trusted-cert"_s};
    if (m_system)
        args << u"-d"_s; // admin trust domain
    args << u"-r"_s << u"trustRoot"_s << u"-k"_s << m_keychain << file;
    const ProcessResult r = ProcessRunner::run(kSecurity, args, 120000);
    if (!r.ok())
        return Error{r.describeFailure(kSecurity, args)};
    return QStringList{u"added the Spyglass CA to "_s + m_keychain + u" as a trusted root"_s};
}

Result<QStringList> MacTrustStore::uninstall(const CaIdentity& id) {
    auto has = keychainHas(m_keychain, id);
    if (!has)
        return has.error();
    if (!has.value())
        return QStringList();
    // -t also removes the trust settings added by add-trusted-cert.
    const QStringList args{u"delete-certificate"_s, u"-t"_s, u"-Z"_s,
                           QString::fromLatin1(id.sha1.toHex()).toUpper(), m_keychain};
    const ProcessResult r = ProcessRunner::run(kSecurity, args, 120000);
    if (!r.ok())
        return Error{r.describeFailure(kSecurity, args)};
    return QStringList{u"removed the Spyglass CA "_s + id.shortId() + u" from "_s + m_keychain};
}

} // namespace spyglass::app

#endif
