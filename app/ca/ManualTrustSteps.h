#pragma once

#include <QString>

namespace spyglass::app {

// The exact steps to trust the CA by hand on each platform, printed by
// `ca install` (next to what it did automatically) and in docs/certificates.md.
class ManualTrustSteps {
public:
    // For the platform this binary runs on. `pemPath` is the CA certificate.
    static QString forThisPlatform(const QString& pemPath);
    static QString forLinux(const QString& pemPath);
    static QString forMacos(const QString& pemPath);
    static QString forWindows(const QString& pemPath);
    static QString mobile();
};

} // namespace spyglass::app
