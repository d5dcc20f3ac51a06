#include "app/ca/NssTrustStore.h"

#include "app/ca/ProcessRunner.h"
#include "certs/SecureFile.h"
#include "certs/X509Codec.h"

#include <QDir>
#include <QFileInfo>
#include <QTemporaryDir>

namespace spyglass::app {

using namespace Qt::StringLiterals;
using certs::Error;
using certs::SecureFile;
using certs::X509Codec;

namespace {

const QString kMissingCertutil =
    u"`certutil` was not found. Install it (Debian/Ubuntu: apt install libnss3-tools; "
    u"Fedora: dnf install nss-tools; Arch: pacman -S nss), or import the exported "
    u"certificate in the browser's settings."_s;

} // namespace

NssTrustStore::NssTrustStore(Database db, QString certutil)
    : m_db(std::move(db))
    , m_certutil(std::move(certutil)) {}

std::vector<NssTrustStore::Database> NssTrustStore::discover(const QString& home) {
    std::vector<Database> out;
    out.push_back({home + u"/.pki/nssdb"_s, u"Chromium/Chrome"_s, true});
    if (QFileInfo(home + u"/snap/chromium/current/.pki/nssdb/cert9.db"_s).exists())
        out.push_back({home + u"/snap/chromium/current/.pki/nssdb"_s, u"Chromium (Snap)"_s, false});
    const QStringList firefoxRoots{home + u"/.mozilla/firefox"_s,
                                   home + u"/snap/firefox/common/.mozilla/firefox"_s,
                                   home + u"/.var/app/org.mozilla.firefox/.mozilla/firefox"_s};
    for (const QString& root : firefoxRoots) {
        const QDir dir(root);
        for (const QString& profile : dir.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name))
            if (QFileInfo(dir.filePath(profile) + u"/cert9.db"_s).exists())
                out.push_back({dir.filePath(profile), u"Firefox profile "_s + profile, false});
    }
    return out;
}

QString NssTrustStore::nickname(const QByteArray& sha256) {
    return u"Spyglass CA "_s + QString::fromLatin1(sha256.left(8).toHex());
}

QString NssTrustStore::description() const {
    return u"NSS "_s + m_db.label + u" ("_s + m_db.directory + u')';
}

bool NssTrustStore::exists() const {
    return QFileInfo(m_db.directory + u"/cert9.db"_s).exists();
}

QString NssTrustStore::dbArg() const {
    return u"sql:"_s + m_db.directory;
}

Status NssTrustStore::canModify() const {
    if (ProcessRunner::find(m_certutil).isEmpty())
        return Error{kMissingCertutil};
    if (!exists() && !m_db.createIfMissing)
        return Error{u"No NSS database in "_s + m_db.directory};
    const QString dir = exists() ? m_db.directory : QFileInfo(m_db.directory).absolutePath();
    if (QFileInfo(dir).exists() && !QFileInfo(dir).isWritable())
        return Error{m_db.directory + u" is not writable by you; run as its owner."_s};
    return {};
}

Result<QByteArray> NssTrustStore::certificateFor(const QString& nick, bool* present) const {
    *present = false;
    if (!exists())
        return QByteArray();
    const QStringList args{u"-L"_s, u"-d"_s, dbArg(), u"-n"_s, nick, u"-a"_s};
    const ProcessResult r = ProcessRunner::run(ProcessRunner::find(m_certutil), args, 30000);
    if (!r.started || r.timedOut)
        return Error{r.describeFailure(m_certutil, args)};
    if (r.exitCode != 0)
        return QByteArray(); // "could not find certificate named ..."
    *present = true;
    return r.output.toLatin1();
}

Result<TrustStore::State> NssTrustStore::state(const CaIdentity& id) const {
    const QByteArray& sha256 = id.sha256;
    if (!exists())
        return State{false, u"no database"_s};
    if (ProcessRunner::find(m_certutil).isEmpty())
        return Error{kMissingCertutil};
    bool present = false;
    auto pem = certificateFor(nickname(sha256), &present);
    if (!pem)
        return pem.error();
    if (!present)
        return State{false, u"not installed"_s};
    auto cert = X509Codec::certificateFromPem(pem.value());
    if (!cert || X509Codec::sha256Fingerprint(cert->get()) != sha256)
        return State{false, u"nickname "_s + nickname(sha256) + u" holds another certificate"_s};
    return State{true, u"as \""_s + nickname(sha256) + u"\" in "_s + m_db.directory};
}

Result<QStringList> NssTrustStore::install(const X509* cert) {
    if (Status s = canModify(); !s)
        return s.error();
    const QString certutil = ProcessRunner::find(m_certutil);
    QStringList changes;
    if (!exists()) {
        // What Chrome does on first start; an empty password like Chrome's.
        if (!QDir().mkpath(m_db.directory))
            return Error{u"Cannot create "_s + m_db.directory};
        const QStringList args{u"-N"_s, u"-d"_s, dbArg(), u"--empty-password"_s};
        const ProcessResult r = ProcessRunner::run(certutil, args, 30000);
        if (!r.ok())
            return Error{u"Creating the NSS database failed: "_s +
                         r.describeFailure(m_certutil, args)};
        changes << u"created NSS database "_s + m_db.directory;
    }
    const QByteArray sha256 = X509Codec::sha256Fingerprint(cert);
    auto pem = X509Codec::certificateToPem(cert);
    if (!pem)
        return pem.error();
    QTemporaryDir tmp;
    const QString file = tmp.filePath(u"spyglass-ca.pem"_s);
    if (Status s = SecureFile::writeAtomically(file, pem.value(), SecureFile::kPublicFileMode); !s)
        return s.error();
    const QString nick = nickname(sha256);
    const QStringList args{u"-A"_s, u"-d"_s, dbArg(), u"-t"_s, u"C,,"_s,
                           u"-n"_s, nick,    u"-i"_s, file};
    const ProcessResult r = ProcessRunner::run(certutil, args, 30000);
    if (!r.ok())
        return Error{u"Adding the CA to "_s + m_db.directory + u" failed: "_s +
                     r.describeFailure(m_certutil, args)};
    changes << u"added \""_s + nick + u"\" (trust C,,) to "_s + m_db.directory;
    return changes;
}

Result<QStringList> NssTrustStore::uninstall(const CaIdentity& id) {
    const QByteArray& sha256 = id.sha256;
    if (!exists())
        return QStringList();
    if (ProcessRunner::find(m_certutil).isEmpty())
        return Error{kMissingCertutil};
    const QString nick = nickname(sha256);
    bool present = false;
    auto pem = certificateFor(nick, &present);
    if (!pem)
        return pem.error();
    if (!present)
        return QStringList();
    const QStringList args{u"-D"_s, u"-d"_s, dbArg(), u"-n"_s, nick};
    const ProcessResult r = ProcessRunner::run(ProcessRunner::find(m_certutil), args, 30000);
    if (!r.ok())
        return Error{u"Removing the CA from "_s + m_db.directory + u" failed: "_s +
                     r.describeFailure(m_certutil, args)};
    return QStringList{u"removed \""_s + nick + u"\" from "_s + m_db.directory};
}

} // namespace spyglass::app
