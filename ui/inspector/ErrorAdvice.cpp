#include "ErrorAdvice.h"

#include <QCoreApplication>

namespace spyglass::ui::inspector {

namespace {

QString tr(const char* text) {
    return QCoreApplication::translate("spyglass::ui::inspector::ErrorAdvice", text);
}

bool has(const QString& error, const char* needle) {
    return error.contains(QLatin1StringView(needle), Qt::CaseInsensitive);
}

} // namespace

// The needles are phrases of the proxy's own messages (core/proxy,
// core/tls/UpstreamVerification.cpp); a message we do not know gets no advice
// rather than a guess.
ErrorAdvice ErrorAdvice::forError(const QString& error) {
    ErrorAdvice advice;
    if (error.isEmpty())
        return advice;
    if (has(error, "does not trust the Spyglass CA")) {
        advice.explanation =
            tr("The client ended the TLS handshake after seeing the certificate Spyglass made "
               "for this host: it does not trust the Spyglass root CA, or the app pins the "
               "server's real certificate.");
        advice.fix = tr("Install the Spyglass root CA in the client's trust store (Root CA…). "
                        "Apps that pin certificates cannot be intercepted; exclude the host.");
        advice.action = Action::OpenRootCa;
    } else if (has(error, "only HTTP/2")) {
        advice.explanation = tr("Spyglass intercepts HTTP/1.1 only; this client insisted on "
                                "HTTP/2.");
        advice.fix = tr("Let the client fall back to HTTP/1.1 (curl --http1.1), or exclude the "
                        "host from interception.");
    } else if (has(error, "unknown authority")) {
        advice.explanation = tr("The server's certificate chain does not end at a CA that "
                                "Spyglass trusts (often a company or test CA).");
        advice.fix = tr("Start Spyglass with --upstream-ca FILE naming that CA.");
    } else if (has(error, "self-signed")) {
        advice.explanation = tr("The server presented a certificate that signs itself, so "
                                "nothing vouches for it.");
        advice.fix = tr("Trust it explicitly with --upstream-ca FILE, or use "
                        "--insecure-upstream for a test server.");
    } else if (has(error, "has expired") || has(error, "not yet valid")) {
        advice.explanation = tr("The server's certificate is outside its validity period.");
        advice.fix = tr("Renew the server's certificate, or check this machine's clock.");
    } else if (has(error, "host name mismatch")) {
        advice.explanation = tr("The server's certificate names other hosts than the one the "
                                "client asked for.");
        advice.fix = tr("Check the host name, or the server's certificate (see the TLS tab).");
    } else if (has(error, "could not resolve")) {
        advice.explanation = tr("The DNS lookup for the host failed.");
        advice.fix = tr("Check the host name and this machine's DNS settings.");
    } else if (has(error, "refused the connection")) {
        advice.explanation = tr("Nothing listens on that port, or a firewall rejected the "
                                "connection.");
        advice.fix = tr("Check that the server is running and the port is right.");
    } else if (has(error, "did not accept the connection within")) {
        advice.explanation = tr("The server did not answer the TCP connection attempt in time.");
        advice.fix = tr("Check the network path, or raise --connect-timeout.");
    } else if (has(error, "is not allowed")) {
        advice.explanation = tr("Spyglass only opens tunnels to the ports it allows.");
        advice.fix = tr("Allow the port with --allow-port.");
    }
    return advice;
}

} // namespace spyglass::ui::inspector
