#pragma once

#include "app/ca/TrustEnvironment.h"
#include "certs/CaStore.h"
#include "certs/Clock.h"
#include "certs/KeyAlgorithm.h"

#include <QString>
#include <QTextStream>

namespace spyglass::app {

// The `ca` subcommands, once the arguments are parsed (CaCommand.cpp). Each
// returns the process exit code: 0 done, 1 failed (the message names the
// file and the fix).
class CaCommandRunner {
public:
    struct Options {
        QString caDir;
        certs::KeyAlgorithm keyAlgorithm = certs::KeyAlgorithm::EcdsaP256;
        bool fixPermissions = false;
        unsigned stores = 0; // TrustManager::Store mask; 0 = not given
    };

    CaCommandRunner(Options options, TrustEnvironment env, const certs::Clock& clock,
                    QTextStream& out, QTextStream& err);

    int show();
    int exportCertificate(const QString& format, const QString& outFile);
    int install();
    int uninstall();
    int regenerate();
    int mint(const QString& host, const QString& outFile, const QString& keyOutFile);

private:
    // --fix-permissions, then the load; prints warnings. Creates the CA when
    // missing if `create`.
    certs::Result<certs::CaStore::Loaded> loadCa(bool create);
    // The certificate only (install/export may run as root, never need the key).
    certs::Result<certs::X509Ptr> loadOrCreateCertificate();
    bool applyFixPermissions();
    void printCreated(const certs::CertificateAuthority& ca);
    int fail(const QString& message);

    Options m_opt;
    TrustEnvironment m_env;
    const certs::Clock& m_clock;
    certs::CaStore m_store;
    QTextStream& m_out;
    QTextStream& m_err;
};

} // namespace spyglass::app
