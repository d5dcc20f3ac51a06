#include "TrustService.h"

#include "app/ca/InstallRecord.h"
#include "app/ca/ManualTrustSteps.h"
#include "app/ca/ProcessRunner.h"
#include "app/ca/TrustManager.h"
#include "certs/CaStore.h"
#include "certs/SecureFile.h"
#include "certs/SystemClock.h"
#include "certs/X509Codec.h"

#include <unistd.h>

namespace spyglass::app {

using certs::CaStore;
using certs::CertificateAuthority;
using certs::X509Codec;

namespace {

// pkexec: 126 = the user dismissed the dialog, 127 = not authorised.
constexpr int kPkexecDismissed = 126;
constexpr int kPkexecNotAuthorised = 127;
// A password prompt waits for a person.
constexpr int kElevatedTimeoutMs = 5 * 60 * 1000;

ui::CaService::Report toReport(const TrustManager::Outcome& outcome) {
    return {outcome.changes, outcome.skipped, outcome.errors};
}

} // namespace

TrustService::TrustService(QString caDir, TrustEnvironment env, QStringList elevate,
                           QObject* parent)
    : ui::CaService(parent)
    , m_caDir(std::move(caDir))
    , m_env(std::move(env))
    , m_elevate(std::move(elevate)) {}

TrustService::Info TrustService::info() const {
    Info info;
    CaStore store(m_caDir);
    info.directory = m_caDir;
    info.certificatePath = store.certificatePath();
    if (store.state() == CaStore::State::Missing)
        return info;
    auto cert = store.loadCertificate();
    if (!cert) {
        info.error = cert.errorMessage();
        return info;
    }
    info.exists = true;
    info.subject = X509Codec::nameToText(X509_get_subject_name(cert->get()));
    info.fingerprint = X509Codec::formatFingerprint(X509Codec::sha256Fingerprint(cert->get()));
    info.notBefore = X509Codec::toDateTime(X509_get0_notBefore(cert->get()));
    info.notAfter = X509Codec::toDateTime(X509_get0_notAfter(cert->get()));
    return info;
}

QList<TrustService::TrustRow> TrustService::trustStatus() const {
    QList<TrustRow> rows;
    CaStore store(m_caDir);
    auto cert = store.loadCertificate();
    if (!cert)
        return rows;
    TrustManager manager(m_env, m_caDir);
    for (const auto& row : manager.status(CaIdentity::of(cert->get())))
        rows.append({row.description, row.installed, row.detail});
    return rows;
}

bool TrustService::trustedBySystem() const {
    CaStore store(m_caDir);
    auto cert = store.loadCertificate();
    if (!cert)
        return false;
    TrustManager manager(m_env, m_caDir);
    const CaIdentity id = CaIdentity::of(cert->get());
    for (const auto& trustStore : manager.stores(TrustManager::System)) {
        auto state = trustStore->state(id);
        if (state && state->installed)
            return true;
    }
    return false;
}

bool TrustService::exportCertificate(const QString& path, Format format, QString* error) {
    CaStore store(m_caDir);
    auto cert = store.loadCertificate();
    if (!cert) {
        *error = cert.errorMessage();
        return false;
    }
    static constexpr CertificateAuthority::ExportFormat kFormats[] = {
        CertificateAuthority::ExportFormat::Pem, CertificateAuthority::ExportFormat::Der,
        CertificateAuthority::ExportFormat::Pkcs12};
    auto bytes =
        CertificateAuthority::exportCertificate(cert->get(), kFormats[static_cast<int>(format)]);
    if (!bytes) {
        *error = bytes.errorMessage();
        return false;
    }
    if (auto written = certs::SecureFile::writeAtomically(path, bytes.value(),
                                                          certs::SecureFile::kPublicFileMode);
        !written) {
        *error = written.errorMessage();
        return false;
    }
    return true;
}

TrustService::Report TrustService::runElevated(const QString& verb) const {
    Report report;
    if (m_elevate.isEmpty()) {
        report.errors << tr("changing the system store needs root; run: sudo spyglass-cli ca "
                            "%1 --system --ca-dir '%2'")
                             .arg(verb, m_caDir);
        return report;
    }
    const QStringList args =
        m_elevate.mid(1) + QStringList{QStringLiteral("ca"), verb, QStringLiteral("--system"),
                                       QStringLiteral("--ca-dir"), m_caDir};
    const ProcessResult result = ProcessRunner::run(m_elevate.first(), args, kElevatedTimeoutMs);
    if (!result.started) {
        report.errors << tr("could not run %1: is it installed? Or run: sudo spyglass-cli ca %2 "
                            "--system --ca-dir '%3'")
                             .arg(m_elevate.first(), verb, m_caDir);
        return report;
    }
    if (result.exitCode == kPkexecDismissed || result.exitCode == kPkexecNotAuthorised) {
        report.errors << tr("authentication was cancelled or refused; nothing was changed");
        return report;
    }
    // The CLI's report (CaCommandRunner's printOutcome): "Changed:" then
    // indented lines, "Skipped: ...", "error: ...".
    bool inChanges = false;
    for (const QString& line : result.output.split(u'\n')) {
        if (line == QLatin1StringView("Changed:")) {
            inChanges = true;
        } else if (inChanges && line.startsWith(QLatin1StringView("  "))) {
            report.changes << line.trimmed();
        } else {
            inChanges = false;
            if (line.startsWith(QLatin1StringView("Skipped: ")))
                report.skipped << line.mid(9);
            else if (line.startsWith(QLatin1StringView("error: ")))
                report.errors << line.mid(7);
        }
    }
    if (!result.ok() && report.errors.isEmpty())
        report.errors << result.describeFailure(m_elevate.first(), args);
    return report;
}

TrustService::Report TrustService::install(Store which) {
    if (which == Store::System && ::geteuid() != 0)
        return runElevated(QStringLiteral("install"));
    CaStore store(m_caDir);
    auto cert = store.loadCertificate();
    if (!cert)
        return {{}, {}, {cert.errorMessage()}};
    TrustManager manager(m_env, m_caDir);
    return toReport(manager.install(
        cert->get(), which == Store::System ? TrustManager::System : TrustManager::Nss, true));
}

TrustService::Report TrustService::uninstall(Store which) {
    if (which == Store::System && ::geteuid() != 0)
        return runElevated(QStringLiteral("uninstall"));
    CaStore store(m_caDir);
    CaIdentity current;
    if (auto cert = store.loadCertificate(); cert.ok())
        current = CaIdentity::of(cert->get());
    TrustManager manager(m_env, m_caDir);
    return toReport(manager.uninstall(manager.knownIdentities(current), which == Store::System
                                                                            ? TrustManager::System
                                                                            : TrustManager::Nss));
}

TrustService::Report TrustService::regenerate() {
    // Like `ca regenerate`: the old CA leaves every store Spyglass put it in
    // first; if that fails the old CA stays (it is still trusted somewhere).
    Report report;
    auto record = InstallRecord::load(m_caDir);
    bool inSystem = false;
    if (record)
        for (const auto& entry : record->entries())
            inSystem = inSystem || entry.kind == QLatin1StringView("system");
    if (inSystem) {
        const Report system = uninstall(Store::System);
        report.changes << system.changes;
        report.skipped << system.skipped;
        report.errors << system.errors;
    }
    if (report.ok()) {
        const Report nss = uninstall(Store::Nss);
        report.changes << nss.changes;
        report.skipped << nss.skipped;
        report.errors << nss.errors;
    }
    if (!report.ok()) {
        report.errors << tr("the CA was NOT regenerated: the old one is still trusted somewhere");
        return report;
    }
    CaStore store(m_caDir);
    const certs::SystemClock clock;
    auto created = store.createNew(clock, CertificateAuthority::Options{});
    if (!created) {
        report.errors << created.errorMessage();
        return report;
    }
    report.changes << tr("created a new root CA %1").arg(created->ca.fingerprintText());
    Q_EMIT caChanged();
    return report;
}

QString TrustService::manualSteps() const {
    const QString pem = CaStore(m_caDir).certificatePath();
    return ManualTrustSteps::forThisPlatform(pem) + QStringLiteral("\n") +
           ManualTrustSteps::mobile();
}

} // namespace spyglass::app
