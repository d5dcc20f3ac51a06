#include "app/ca/ManualTrustSteps.h"

namespace spyglass::app {

using namespace Qt::StringLiterals;

QString ManualTrustSteps::forThisPlatform(const QString& pemPath) {
#if defined(Q_OS_MACOS)
    return forMacos(pemPath);
#elif defined(Q_OS_WIN)
    return forWindows(pemPath);
#else
    return forLinux(pemPath);
#endif
}

QString ManualTrustSteps::forLinux(const QString& pemPath) {
    return u"Manual steps (Linux):\n"
           u"  Debian/Ubuntu: sudo cp '"_s +
           pemPath +
           u"' /usr/local/share/ca-certificates/spyglass-ca.crt && sudo update-ca-certificates\n"
           u"  Fedora/Arch:   sudo trust anchor --store '"_s +
           pemPath +
           u"'\n"
           u"  Chromium/Chrome: certutil -d sql:$HOME/.pki/nssdb -A -t C,, -n 'Spyglass CA' -i '"_s +
           pemPath +
           u"'\n"
           u"  Firefox: Settings > Privacy & Security > Certificates > View Certificates > "
           u"Authorities > Import, tick \"Trust this CA to identify websites\"\n"_s;
}

QString ManualTrustSteps::forMacos(const QString& pemPath) {
    return u"Manual steps (macOS; untested by Spyglass's CI):\n"
           u"  security add-trusted-cert -r trustRoot -k ~/Library/Keychains/login.keychain-db '"_s +
           pemPath +
           u"'\n"
           u"  or Keychain Access > File > Import Items, then open the certificate, expand "
           u"Trust and set \"When using this certificate\" to Always Trust.\n"_s;
}

QString ManualTrustSteps::forWindows(const QString& pemPath) {
    return u"Manual steps (Windows; untested by Spyglass's CI):\n"
           u"  certutil -user -addstore Root \""_s +
           pemPath +
           u"\"\n"
           u"  or double-click the exported .cer > Install Certificate > Current User > "
           u"Place all certificates in: Trusted Root Certification Authorities.\n"_s;
}

QString ManualTrustSteps::mobile() {
    return u"Phones: export with `spyglass-cli ca export --format der --out spyglass-ca.cer`.\n"
           u"  Android: Settings > Security > Encryption & credentials > Install a certificate > "
           u"CA certificate. Apps targeting API 24+ ignore user CAs unless their network "
           u"security config opts in; Chrome and debug builds that opt in will trust it.\n"
           u"  iOS: open the .cer (AirDrop/mail/web) to install the profile in Settings > "
           u"General > VPN & Device Management, then enable full trust in Settings > General > "
           u"About > Certificate Trust Settings.\n"_s;
}

} // namespace spyglass::app
