#include "app/ca/TrustEnvironment.h"

#include "app/ca/ProcessRunner.h"

#include <QDir>
#include <QFileInfo>
#include <QProcess>

namespace spyglass::app {

using namespace Qt::StringLiterals;

QString TrustEnvironment::flavourName(Flavour flavour) {
    switch (flavour) {
    case Flavour::Debian:
        return u"Debian/Ubuntu"_s;
    case Flavour::Fedora:
        return u"Fedora/RHEL"_s;
    case Flavour::Arch:
        return u"Arch"_s;
    case Flavour::Redirected:
        return u"redirected"_s;
    case Flavour::Unknown:
        break;
    }
    return u"unknown"_s;
}

TrustEnvironment TrustEnvironment::fromProcessEnvironment() {
    TrustEnvironment env;
    env.home = QDir::homePath(); // $HOME on Unix
    if (const QString certutil = qEnvironmentVariable("SPYGLASS_CERTUTIL"); !certutil.isEmpty())
        env.certutil = certutil;

    // Detected by what is installed, not by /etc/os-release: derivatives
    // (Mint, Rocky, Manjaro, ...) keep their parent's layout and tools.
    if (QFileInfo(u"/usr/local/share/ca-certificates"_s).isDir() ||
        !ProcessRunner::find(u"update-ca-certificates"_s).isEmpty()) {
        env.flavour = Flavour::Debian;
        env.systemAnchorDir = u"/usr/local/share/ca-certificates"_s;
        env.systemBundle = u"/etc/ssl/certs/ca-certificates.crt"_s;
        env.systemUpdateCommand = {u"update-ca-certificates"_s};
    } else if (QFileInfo(u"/etc/pki/ca-trust/source/anchors"_s).isDir()) {
        // Same place `trust anchor --store` writes to.
        env.flavour = Flavour::Fedora;
        env.systemAnchorDir = u"/etc/pki/ca-trust/source/anchors"_s;
        env.systemBundle = u"/etc/pki/tls/certs/ca-bundle.crt"_s;
        env.systemUpdateCommand = {u"update-ca-trust"_s, u"extract"_s};
    } else if (QFileInfo(u"/etc/ca-certificates/trust-source/anchors"_s).isDir()) {
        env.flavour = Flavour::Arch;
        env.systemAnchorDir = u"/etc/ca-certificates/trust-source/anchors"_s;
        env.systemBundle = u"/etc/ssl/certs/ca-certificates.crt"_s;
        env.systemUpdateCommand = {u"update-ca-trust"_s};
    }

    const QString anchor = qEnvironmentVariable("SPYGLASS_SYSTEM_ANCHOR_DIR");
    const QString bundle = qEnvironmentVariable("SPYGLASS_SYSTEM_BUNDLE");
    const QString update = qEnvironmentVariable("SPYGLASS_SYSTEM_UPDATE_COMMAND");
    if (!anchor.isEmpty() || !bundle.isEmpty() || !update.isEmpty())
        env.flavour = Flavour::Redirected;
    if (!anchor.isEmpty())
        env.systemAnchorDir = anchor;
    if (!bundle.isEmpty())
        env.systemBundle = bundle;
    if (!update.isEmpty())
        env.systemUpdateCommand = QProcess::splitCommand(update);
    return env;
}

} // namespace spyglass::app
