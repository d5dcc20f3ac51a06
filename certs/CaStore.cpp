#include "certs/CaStore.h"

#include "certs/CertificatePeek.h"
#include "certs/SecureFile.h"
#include "certs/X509Codec.h"

#include <QDir>
#include <QFileInfo>

namespace spyglass::certs {

using namespace Qt::StringLiterals;

namespace {

const QString kCertFile = u"spyglass-ca.pem"_s;
const QString kKeyFile = u"spyglass-ca.key"_s;

QString fixHint(const QString& dir) {
    return u" Fix: run `spyglass-cli ca regenerate --ca-dir '"_s + dir +
           u"'` to create a new CA (and re-install it where you trust it)."_s;
}

} // namespace

CaStore::CaStore(QString directory)
    : m_dir(QDir::cleanPath(std::move(directory))) {}

QString CaStore::certificatePath() const {
    return m_dir + u'/' + kCertFile;
}

QString CaStore::keyPath() const {
    return m_dir + u'/' + kKeyFile;
}

CaStore::State CaStore::state() const {
    const bool cert = QFileInfo::exists(certificatePath());
    const bool key = QFileInfo::exists(keyPath());
    if (cert && key)
        return State::Complete;
    return (cert || key) ? State::Incomplete : State::Missing;
}

QStringList CaStore::permissionProblems() const {
    QStringList problems;
    if (QFileInfo::exists(m_dir)) {
        if (Status s = SecureFile::checkPrivate(m_dir, true); !s)
            problems << s.errorMessage();
    }
    if (QFileInfo::exists(keyPath()) || QFileInfo(keyPath()).isSymLink()) {
        if (Status s = SecureFile::checkPrivate(keyPath(), false); !s)
            problems << s.errorMessage();
    }
    return problems;
}

Result<QStringList> CaStore::fixPermissions() const {
    QStringList changes;
    for (const auto& [path, isDir] : {std::pair{m_dir, true}, std::pair{keyPath(), false}}) {
        if (!QFileInfo::exists(path))
            continue;
        auto fixed = SecureFile::fixPrivate(path, isDir);
        if (!fixed)
            return fixed.error();
        changes << fixed.value();
    }
    return changes;
}

QStringList CaStore::expiryWarnings(const X509* cert, const Clock& clock, const QString& certPath) {
    return expiryWarnings(X509Codec::toDateTime(X509_get0_notAfter(cert)), clock, certPath);
}

QStringList CaStore::expiryWarnings(const QDateTime& notAfter, const Clock& clock,
                                    const QString& certPath) {
    const qint64 now =
        std::chrono::duration_cast<std::chrono::seconds>(clock.now().time_since_epoch()).count();
    const qint64 end = notAfter.toSecsSinceEpoch();
    const qint64 warnFrom =
        end - std::chrono::duration_cast<std::chrono::seconds>(kExpiryWarning).count();
    if (now >= end)
        return {u"The Spyglass CA ("_s + certPath + u") expired on "_s +
                notAfter.toString(Qt::ISODate) +
                u"; clients will reject intercepted connections. Fix: spyglass-cli ca "
                u"regenerate, then install the new CA."_s};
    if (now >= warnFrom)
        return {u"The Spyglass CA ("_s + certPath + u") expires on "_s +
                notAfter.toString(Qt::ISODate) +
                u", in less than 30 days. Fix: spyglass-cli ca regenerate, then install the "
                u"new CA."_s};
    return {};
}

Result<X509Ptr> CaStore::loadCertificate() const {
    auto pem = SecureFile::read(certificatePath());
    if (!pem)
        return Error{pem.errorMessage() + u"."_s + fixHint(m_dir)};
    auto cert = X509Codec::certificateFromPem(pem.value());
    if (!cert)
        return Error{u"The CA certificate "_s + certificatePath() +
                     u" is not a valid PEM "
                     u"certificate ("_s +
                     cert.errorMessage() + u")."_s + fixHint(m_dir)};
    return cert;
}

std::optional<Error> CaStore::refuseBeforeReading() const {
    switch (state()) {
    case State::Missing:
        return Error{u"No Spyglass CA in "_s + m_dir + u" yet."_s};
    case State::Incomplete:
        return Error{u"The Spyglass CA in "_s + m_dir + u" is incomplete: "_s +
                     (QFileInfo::exists(keyPath()) ? certificatePath() : keyPath()) +
                     u" is missing, so the other file cannot be used."_s + fixHint(m_dir)};
    case State::Complete:
        break;
    }
    // Refuse before reading: a key others can read may already be copied,
    // and a key others can write may have been swapped for theirs.
    if (const QStringList problems = permissionProblems(); !problems.isEmpty())
        return Error{problems.join(u'\n')};
    return std::nullopt;
}

Result<QStringList> CaStore::check(const Clock& clock) const {
    if (auto refused = refuseBeforeReading())
        return *refused;
    auto pem = SecureFile::read(certificatePath());
    if (!pem)
        return Error{pem.errorMessage() + u"."_s + fixHint(m_dir)};
    const auto dates = peekCertificateDates(pem.value());
    if (const auto* why = std::get_if<QString>(&dates))
        return Error{u"The CA certificate "_s + certificatePath() +
                     u" is not a valid PEM certificate ("_s + *why + u")."_s + fixHint(m_dir)};
    return expiryWarnings(std::get<CertificateDates>(dates).notAfter, clock, certificatePath());
}

Result<CaStore::Loaded> CaStore::load(const Clock& clock) const {
    if (auto refused = refuseBeforeReading())
        return *refused;
    auto cert = loadCertificate();
    if (!cert)
        return cert.error();
    auto keyPem = SecureFile::read(keyPath());
    if (!keyPem)
        return keyPem.error();
    auto key = X509Codec::privateKeyFromPem(keyPem.value());
    if (!key)
        return Error{u"The CA key "_s + keyPath() + u" cannot be read ("_s + key.errorMessage() +
                     u")."_s + fixHint(m_dir)};
    auto ca = CertificateAuthority::fromParts(std::move(cert).value(), std::move(key).value());
    if (!ca)
        return Error{ca.errorMessage() + u" in "_s + m_dir + u'.' + fixHint(m_dir)};
    QStringList warnings = expiryWarnings(ca->certificate(), clock, certificatePath());
    return Loaded{std::move(ca).value(), false, std::move(warnings)};
}

Result<CaStore::Loaded> CaStore::loadOrCreate(const Clock& clock,
                                              const CertificateAuthority::Options& options) {
    if (state() == State::Missing)
        return writeNew(clock, options);
    return load(clock);
}

Result<CaStore::Loaded> CaStore::createNew(const Clock& clock,
                                           const CertificateAuthority::Options& options) {
    return writeNew(clock, options);
}

Result<CaStore::Loaded> CaStore::writeNew(const Clock& clock,
                                          const CertificateAuthority::Options& options) {
    if (Status s = SecureFile::ensurePrivateDirectory(m_dir); !s)
        return s.error();
    auto ca = CertificateAuthority::create(options, clock);
    if (!ca)
        return ca.error();
    auto keyPem = X509Codec::privateKeyToPem(ca->privateKey());
    if (!keyPem)
        return keyPem.error();
    auto certPem = X509Codec::certificateToPem(ca->certificate());
    if (!certPem)
        return certPem.error();
    // Key first: a crash between the two renames leaves a new key beside the
    // old certificate, which load() reports as a mismatch, never a CA that
    // silently signs with a key nobody trusts.
    if (Status s =
            SecureFile::writeAtomically(keyPath(), keyPem.value(), SecureFile::kPrivateFileMode);
        !s)
        return s.error();
    if (Status s = SecureFile::writeAtomically(certificatePath(), certPem.value(),
                                               SecureFile::kPublicFileMode);
        !s)
        return s.error();
    return Loaded{std::move(ca).value(), true, {}};
}

Status CaStore::removeFiles() const {
    for (const QString& path : {keyPath(), certificatePath()})
        if (Status s = SecureFile::remove(path); !s)
            return s;
    return {};
}

} // namespace spyglass::certs
