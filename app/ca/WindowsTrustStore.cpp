#include "app/ca/WindowsTrustStore.h"

#if defined(Q_OS_WIN) || defined(SPYGLASS_BUILD_ALL_TRUST_STORES)

#include "app/ca/ProcessRunner.h"
#include "certs/SecureFile.h"
#include "certs/X509Codec.h"

#include <QTemporaryDir>

namespace spyglass::app {

using namespace Qt::StringLiterals;
using certs::Error;
using certs::SecureFile;
using certs::X509Codec;

namespace {

const QString kCertutil = u"certutil.exe"_s;

QString sha1Id(const CaIdentity& id) {
    return QString::fromLatin1(id.sha1.toHex());
}

} // namespace

QString WindowsTrustStore::description() const {
    return u"Windows user Trusted Root store (CurrentUser\\Root)"_s;
}

Status WindowsTrustStore::canModify() const {
    if (ProcessRunner::find(kCertutil).isEmpty())
        return Error{u"certutil.exe not found on PATH"_s};
    return {};
}

Result<TrustStore::State> WindowsTrustStore::state(const CaIdentity& id) const {
    // `certutil -user -store Root <sha1>` lists the certificate or fails.
    const QStringList args{u"-user"_s, u"-store"_s, u"Root"_s, sha1Id(id)};
    const ProcessResult r = ProcessRunner::run(kCertutil, args, 30000);
    if (!r.started || r.timedOut)
        return Error{r.describeFailure(kCertutil, args)};
    const bool installed = r.exitCode == 0;
    return State{installed, installed ? location() : u"not installed"_s};
}

Result<QStringList> WindowsTrustStore::install(const X509* cert) {
    if (Status s = canModify(); !s)
        return s.error();
    auto der = X509Codec::certificateToDer(cert);
    if (!der)
        return der.error();
    QTemporaryDir tmp;
    const QString file = tmp.filePath(u"spyglass-ca.cer"_s);
    if (Status s = SecureFile::writeAtomically(file, der.value(), SecureFile::kPublicFileMode); !s)
        return s.error();
    const QStringList args{u"-user"_s, u"-addstore"_s, u"Root"_s, file};
    const ProcessResult r = ProcessRunner::run(kCertutil, args, 120000);
    if (!r.ok())
        return Error{r.describeFailure(kCertutil, args)};
    return QStringList{u"added the Spyglass CA to CurrentUser\\Root"_s};
}

Result<QStringList> WindowsTrustStore::uninstall(const CaIdentity& id) {
    auto st = state(id);
    if (!st)
        return st.error();
    if (!st->installed)
        return QStringList();
    const QStringList args{u"-user"_s, u"-delstore"_s, u"Root"_s, sha1Id(id)};
    const ProcessResult r = ProcessRunner::run(kCertutil, args, 120000);
    if (!r.ok())
        return Error{r.describeFailure(kCertutil, args)};
    return QStringList{u"removed the Spyglass CA "_s + id.shortId() + u" from CurrentUser\\Root"_s};
}

} // namespace spyglass::app

#endif
