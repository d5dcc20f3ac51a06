#pragma once

#include "app/ca/TrustEnvironment.h"
#include "ui/services/CaService.h"

#include <QStringList>

namespace spyglass::app {

// ui::CaService over the code behind `spyglass-cli ca` (CaStore,
// TrustManager, ManualTrustSteps). NSS databases belong to the user and are
// changed in process; the system store needs root, so (unless we are root)
// `spyglass-cli ca install|uninstall --system --ca-dir DIR` runs through the
// elevation command (pkexec, which asks for a password) and its report is
// parsed back. Each call builds its own stores, so calls may run on a worker
// thread (one at a time).
class TrustService final : public ui::CaService {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TrustService)

public:
    // `elevate`: program and leading arguments that run the CLI as root,
    // e.g. {"pkexec", "/usr/bin/spyglass-cli"}.
    TrustService(QString caDir, TrustEnvironment env, QStringList elevate,
                 QObject* parent = nullptr);

    [[nodiscard]] Info info() const override;
    [[nodiscard]] QList<TrustRow> trustStatus() const override;
    [[nodiscard]] bool trustedBySystem() const override;
    bool exportCertificate(const QString& path, Format format, QString* error) override;
    Report install(Store store) override;
    Report uninstall(Store store) override;
    Report regenerate() override;
    [[nodiscard]] QString manualSteps() const override;

    [[nodiscard]] const QString& directory() const { return m_caDir; }

private:
    // Runs `ca <verb> --system` as root and turns its output into a report.
    Report runElevated(const QString& verb) const;

    QString m_caDir;
    TrustEnvironment m_env;
    QStringList m_elevate;
};

} // namespace spyglass::app
