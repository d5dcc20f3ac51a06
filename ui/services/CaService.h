#pragma once

#include <QDateTime>
#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>

namespace spyglass::ui {

// The root CA and the trust stores, for the Root CA dialog, the welcome
// panel and the status bar warning. app/ implements it over CaStore and
// TrustManager (the code behind `spyglass-cli ca`). Calls may block (pkexec
// waits for a password, certutil runs): the UI calls the slow ones off the
// GUI thread, so implementations must be callable from any one thread at a
// time.
class CaService : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CaService)

public:
    struct Info {
        bool exists = false;
        QString directory;
        QString certificatePath;
        QString subject;
        QString fingerprint; // SHA-256, "AB:CD:..."
        QDateTime notBefore;
        QDateTime notAfter;
        QString error; // could not be read
    };

    struct TrustRow {
        QString store; // "system store (Debian: /usr/local/share/ca-certificates)"
        bool installed = false;
        QString detail;
    };

    // Exactly what an install/uninstall/regenerate changed, skipped, failed.
    struct Report {
        QStringList changes;
        QStringList skipped;
        QStringList errors;
        [[nodiscard]] bool ok() const { return errors.isEmpty(); }
    };

    enum class Format { Pem, Der, P12 };
    enum class Store { System, Nss };

    using QObject::QObject;
    ~CaService() override = default;

    [[nodiscard]] virtual Info info() const = 0;
    [[nodiscard]] virtual QList<TrustRow> trustStatus() const = 0;
    // Whether the system store holds the current CA (the status bar warns
    // when not).
    [[nodiscard]] virtual bool trustedBySystem() const = 0;
    // Writes the certificate (never the key); false with `error` set.
    virtual bool exportCertificate(const QString& path, Format format, QString* error) = 0;
    // The system store goes through pkexec (a password prompt); NSS
    // databases are the user's own.
    virtual Report install(Store store) = 0;
    virtual Report uninstall(Store store) = 0;
    // A new CA; the old one is removed from every store first. The proxy
    // mints from the new one afterwards (caChanged).
    virtual Report regenerate() = 0;
    // Manual steps for this OS, then Android and iOS.
    [[nodiscard]] virtual QString manualSteps() const = 0;

Q_SIGNALS:
    void caChanged();
};

} // namespace spyglass::ui
