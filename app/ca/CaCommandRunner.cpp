#include "app/ca/CaCommandRunner.h"

#include "app/ca/InstallRecord.h"
#include "app/ca/ManualTrustSteps.h"
#include "app/ca/TrustManager.h"
#include "certs/LeafMinter.h"
#include "certs/SecureFile.h"
#include "certs/X509Codec.h"

#include <QFileInfo>

namespace spyglass::app {

using namespace Qt::StringLiterals;
using certs::CaStore;
using certs::CertificateAuthority;
using certs::Error;
using certs::Result;
using certs::SecureFile;
using certs::X509Codec;
using certs::X509Ptr;

namespace {

QString dateText(const QDateTime& t) {
    return t.toUTC().toString(u"yyyy-MM-dd HH:mm:ss 'UTC'"_s);
}

void printOutcome(const TrustManager::Outcome& o, QTextStream& out, QTextStream& err) {
    if (o.changes.isEmpty())
        out << "Nothing changed.\n";
    else
        out << "Changed:\n";
    for (const QString& c : o.changes)
        out << "  " << c << '\n';
    for (const QString& s : o.skipped)
        out << "Skipped: " << s << '\n';
    for (const QString& e : o.errors)
        err << "error: " << e << '\n';
}

} // namespace

CaCommandRunner::CaCommandRunner(Options options, TrustEnvironment env, const certs::Clock& clock,
                                 QTextStream& out, QTextStream& err)
    : m_opt(std::move(options))
    , m_env(std::move(env))
    , m_clock(clock)
    , m_store(m_opt.caDir)
    , m_out(out)
    , m_err(err) {}

int CaCommandRunner::fail(const QString& message) {
    m_err << "error: " << message << '\n';
    m_err.flush();
    return 1;
}

bool CaCommandRunner::applyFixPermissions() {
    if (!m_opt.fixPermissions)
        return true;
    auto fixed = m_store.fixPermissions();
    if (!fixed) {
        fail(fixed.errorMessage());
        return false;
    }
    for (const QString& change : fixed.value())
        m_out << "Fixed: " << change << '\n';
    if (fixed->isEmpty())
        m_out << "Permissions already correct in " << m_store.directory() << '\n';
    return true;
}

void CaCommandRunner::printCreated(const CertificateAuthority& ca) {
    m_out << "Created a new Spyglass CA in " << m_store.directory() << '\n'
          << "  Subject: " << ca.subjectText() << '\n'
          << "  SHA-256: " << ca.fingerprintText() << '\n';
}

Result<CaStore::Loaded> CaCommandRunner::loadCa(bool create) {
    if (!applyFixPermissions())
        return Error{u"fixing permissions failed"_s};
    CertificateAuthority::Options options;
    options.algorithm = m_opt.keyAlgorithm;
    auto loaded = create ? m_store.loadOrCreate(m_clock, options) : m_store.load(m_clock);
    if (!loaded)
        return loaded;
    for (const QString& w : loaded->warnings)
        m_err << "warning: " << w << '\n';
    if (loaded->created)
        printCreated(loaded->ca);
    return loaded;
}

Result<X509Ptr> CaCommandRunner::loadOrCreateCertificate() {
    if (m_store.state() == CaStore::State::Missing) {
        auto loaded = loadCa(true);
        if (!loaded)
            return loaded.error();
        return certs::sharedRef(loaded->ca.certificate());
    }
    if (!applyFixPermissions())
        return Error{u"fixing permissions failed"_s};
    if (m_store.state() == CaStore::State::Incomplete)
        return m_store.load(m_clock).error(); // names the missing file and the fix
    // Only the public certificate is read: this may run as root for a user's
    // directory, where the key is none of its business.
    for (const QString& p : m_store.permissionProblems())
        m_err << "warning: " << p << '\n';
    auto cert = m_store.loadCertificate();
    if (cert)
        for (const QString& w :
             CaStore::expiryWarnings(cert->get(), m_clock, m_store.certificatePath()))
            m_err << "warning: " << w << '\n';
    return cert;
}

int CaCommandRunner::show() {
    if (!applyFixPermissions())
        return 1;
    m_out << "CA directory:  " << m_store.directory() << '\n';
    if (m_store.state() == CaStore::State::Missing) {
        m_out << "No CA yet. One is created on first use: `spyglass-cli ca export`, "
                 "`ca install`, `ca mint`, or when interception starts.\n";
        return 0;
    }
    int code = 0;
    auto loaded = m_store.load(m_clock);
    if (!loaded) {
        fail(loaded.errorMessage());
        code = 1;
    }
    auto cert = m_store.loadCertificate();
    if (!cert)
        return 1;
    m_out << "Certificate:   " << m_store.certificatePath() << '\n'
          << "Private key:   " << m_store.keyPath() << (code == 0 ? " (0600)" : " (REFUSED)")
          << '\n'
          << "Subject:       " << X509Codec::nameToText(X509_get_subject_name(cert->get())) << '\n';
    if (loaded)
        m_out << "Key type:      "
              << certs::keyAlgorithmName(
                     loaded->ca.keyAlgorithm().value_or(certs::KeyAlgorithm::EcdsaP256))
              << '\n';
    m_out << "SHA-256:       "
          << X509Codec::formatFingerprint(X509Codec::sha256Fingerprint(cert->get())) << '\n'
          << "Valid from:    " << dateText(X509Codec::toDateTime(X509_get0_notBefore(cert->get())))
          << '\n'
          << "Expires:       " << dateText(X509Codec::toDateTime(X509_get0_notAfter(cert->get())))
          << '\n';
    if (loaded)
        for (const QString& w : loaded->warnings)
            m_err << "warning: " << w << '\n';
    m_out << "Trusted by:\n";
    TrustManager manager(m_env, m_store.directory());
    for (const auto& row : manager.status(CaIdentity::of(cert->get())))
        m_out << "  " << (row.installed ? "yes  " : "no   ") << row.description << " - "
              << row.detail << '\n';
    if (auto record = InstallRecord::load(m_store.directory()); record.ok()) {
        const QByteArray sha = X509Codec::sha256Fingerprint(cert->get());
        for (const auto& e : record->entries())
            if (e.id.sha256 != sha)
                m_out << "  note: an older Spyglass CA (" << e.id.shortId() << ") is recorded in "
                      << e.location << "; `spyglass-cli ca uninstall` removes it\n";
    }
    return code;
}

int CaCommandRunner::exportCertificate(const QString& format, const QString& outFile) {
    if (outFile.isEmpty())
        return fail(u"`ca export` needs --out FILE (e.g. --out spyglass-ca.pem)"_s);
    auto fmt = format.isEmpty() ? CertificateAuthority::formatForFileName(outFile)
                                : CertificateAuthority::parseFormat(format);
    if (!fmt)
        return fail(format.isEmpty()
                        ? u"cannot tell the format from \""_s + outFile +
                              u"\"; add --format pem|der|p12 (or name it .pem, .crt, .cer, .p12)"_s
                        : u"unknown format \""_s + format + u"\"; use pem, der or p12"_s);
    auto cert = loadOrCreateCertificate();
    if (!cert)
        return fail(cert.errorMessage());
    auto bytes = CertificateAuthority::exportCertificate(cert->get(), *fmt);
    if (!bytes)
        return fail(bytes.errorMessage());
    if (auto s = SecureFile::writeAtomically(outFile, bytes.value(), SecureFile::kPublicFileMode);
        !s)
        return fail(s.errorMessage());
    static const char* const kNames[] = {"PEM", "DER", "PKCS#12 (certificate only, no password)"};
    m_out << "Wrote the Spyglass CA certificate as " << kNames[int(*fmt)] << " to "
          << QFileInfo(outFile).absoluteFilePath() << '\n'
          << "SHA-256: " << X509Codec::formatFingerprint(X509Codec::sha256Fingerprint(cert->get()))
          << '\n'
          << "The private key is never exported.\n";
    return 0;
}

int CaCommandRunner::install() {
    auto cert = loadOrCreateCertificate();
    if (!cert)
        return fail(cert.errorMessage());
    TrustManager manager(m_env, m_store.directory());
    const bool explicitSel = m_opt.stores != 0;
    const auto outcome = manager.install(
        cert->get(), explicitSel ? m_opt.stores : TrustManager::allStores(), explicitSel);
    printOutcome(outcome, m_out, m_err);
    if ((outcome.errors + outcome.skipped).join(u'\n').contains(u"needs root"_s))
        // The exact command, with the directory spelled out: root's HOME
        // would otherwise point at root's own (different) CA.
        m_out << "To trust it system-wide: sudo spyglass-cli ca install --system --ca-dir '"
              << m_store.directory() << "'\n";
    if (!outcome.ok() || !outcome.skipped.isEmpty())
        m_out << '\n' << ManualTrustSteps::forThisPlatform(m_store.certificatePath());
    m_out.flush();
    m_err.flush();
    return outcome.ok() ? 0 : 1;
}

int CaCommandRunner::uninstall() {
    if (!applyFixPermissions())
        return 1;
    CaIdentity current;
    if (m_store.state() != CaStore::State::Missing)
        if (auto cert = m_store.loadCertificate(); cert.ok())
            current = CaIdentity::of(cert->get());
    TrustManager manager(m_env, m_store.directory());
    const auto ids = manager.knownIdentities(current);
    if (ids.empty()) {
        m_out << "No Spyglass CA is known in " << m_store.directory()
              << "; nothing to uninstall.\n";
        return 0;
    }
    const bool explicitSel = m_opt.stores != 0;
    const auto outcome =
        manager.uninstall(ids, explicitSel ? m_opt.stores : TrustManager::allStores());
    printOutcome(outcome, m_out, m_err);
    m_out.flush();
    m_err.flush();
    return outcome.ok() ? 0 : 1;
}

int CaCommandRunner::regenerate() {
    if (!applyFixPermissions())
        return 1;
    CaIdentity old;
    if (m_store.state() != CaStore::State::Missing)
        if (auto cert = m_store.loadCertificate(); cert.ok())
            old = CaIdentity::of(cert->get());
    TrustManager manager(m_env, m_store.directory());
    const auto ids = manager.knownIdentities(old);
    if (!ids.empty()) {
        m_out << "Removing the old CA from every store Spyglass installed it into...\n";
        const auto outcome = manager.uninstall(ids, TrustManager::allStores());
        printOutcome(outcome, m_out, m_err);
        if (!outcome.ok()) {
            m_err << "The CA was NOT regenerated: the old one is still trusted somewhere. Fix "
                     "the errors above (e.g. run `sudo spyglass-cli ca uninstall --system "
                     "--ca-dir '"
                  << m_store.directory() << "'`), then run `spyglass-cli ca regenerate` again.\n";
            m_err.flush();
            return 1;
        }
    }
    CertificateAuthority::Options options;
    options.algorithm = m_opt.keyAlgorithm;
    auto created = m_store.createNew(m_clock, options);
    if (!created)
        return fail(created.errorMessage());
    printCreated(created->ca);
    if (!old.sha256.isEmpty())
        m_out << "Replaced the old CA " << old.shortId() << " (its key file is overwritten).\n";
    m_out << "The new CA is not trusted anywhere yet: run `spyglass-cli ca install` "
             "(and re-import it on phones and other machines).\n";
    m_out.flush();
    return 0;
}

int CaCommandRunner::mint(const QString& host, const QString& outFile, const QString& keyOutFile) {
    if (host.isEmpty() || outFile.isEmpty())
        return fail(u"usage: spyglass-cli ca mint HOST --out FILE [--key-out FILE]"_s);
    auto loaded = loadCa(true);
    if (!loaded)
        return fail(loaded.errorMessage());
    auto minter = certs::LeafMinter::create(loaded->ca);
    if (!minter)
        return fail(minter.errorMessage());
    auto leaf = minter.value()->mint(host, m_clock.now());
    if (!leaf)
        return fail(leaf.errorMessage());
    auto chain = leaf.value()->chainPem();
    if (!chain)
        return fail(chain.errorMessage());
    if (auto s = SecureFile::writeAtomically(outFile, chain.value(), SecureFile::kPublicFileMode);
        !s)
        return fail(s.errorMessage());
    m_out << "Wrote the leaf for " << leaf.value()->name().text() << " and the CA certificate to "
          << QFileInfo(outFile).absoluteFilePath() << '\n'
          << "  Subject: "
          << X509Codec::nameToText(X509_get_subject_name(leaf.value()->certificate())) << '\n'
          << "  Valid:   "
          << dateText(X509Codec::toDateTime(X509_get0_notBefore(leaf.value()->certificate())))
          << " to "
          << dateText(X509Codec::toDateTime(X509_get0_notAfter(leaf.value()->certificate())))
          << '\n';
    if (!keyOutFile.isEmpty()) {
        // The per-run leaf key (never the CA key), for serving the leaf in a
        // test server. 0600 all the same.
        auto key = X509Codec::privateKeyToPem(leaf.value()->privateKey());
        if (!key)
            return fail(key.errorMessage());
        if (auto s =
                SecureFile::writeAtomically(keyOutFile, key.value(), SecureFile::kPrivateFileMode);
            !s)
            return fail(s.errorMessage());
        m_out << "Wrote the leaf's private key to " << QFileInfo(keyOutFile).absoluteFilePath()
              << '\n';
    }
    return 0;
}

} // namespace spyglass::app
