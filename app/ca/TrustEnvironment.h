#pragma once

#include <QString>
#include <QStringList>

namespace spyglass::app {

// Where the trust stores live. Every root can be redirected so tests (and
// packagers) never touch the real ones unless they mean to:
//   SPYGLASS_SYSTEM_ANCHOR_DIR      directory for the system anchor file
//   SPYGLASS_SYSTEM_BUNDLE          bundle file checked for the fingerprint
//   SPYGLASS_SYSTEM_UPDATE_COMMAND  command run after adding/removing anchors
//   SPYGLASS_CERTUTIL               NSS certutil binary
//   HOME                            where NSS databases are looked for
// Unset values are detected at run time (Debian/Ubuntu, Fedora, Arch).
struct TrustEnvironment {
    enum class Flavour { Debian, Fedora, Arch, Redirected, Unknown };

    QString home;
    Flavour flavour = Flavour::Unknown;
    QString systemAnchorDir;
    QString systemBundle;
    QStringList systemUpdateCommand; // program + arguments
    QString certutil = QStringLiteral("certutil");

    static TrustEnvironment fromProcessEnvironment();
    static QString flavourName(Flavour flavour);
};

} // namespace spyglass::app
