#pragma once

#include "certs/Result.h"

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <openssl/x509.h>

namespace spyglass::app {

using certs::Result;
using certs::Status;

// What identifies a CA certificate in a store: SHA-256 (what people compare)
// and SHA-1 (what `security delete-certificate -Z` and Windows `certutil`
// take as an id). Kept in the install record, so a store can be cleaned up
// even after the certificate file is gone.
struct CaIdentity {
    QByteArray sha256;
    QByteArray sha1;

    static CaIdentity of(const X509* cert);
    QString shortId() const; // first 16 hex digits of the SHA-256
};

// One place a root certificate can be trusted: the Linux system store, one
// NSS database, the macOS keychain, the Windows user Root store. Every method
// reports exactly what it changed, one line per change, so the CLI can print
// it and the install record can undo it.
class TrustStore {
public:
    struct State {
        bool installed = false;
        QString detail; // e.g. "anchor present but bundle not updated"
    };

    virtual ~TrustStore() = default;

    // "system", "nss", "macos", "windows": what --system/--nss select and
    // what the install record stores.
    virtual QString kind() const = 0;
    // Where exactly: a file, a database directory, a keychain.
    virtual QString location() const = 0;
    // For people: "system store (Debian: /usr/local/share/ca-certificates)".
    virtual QString description() const = 0;
    // Whether this process can change the store (e.g. root for the system
    // store); when not, the message says how to run it so it can.
    virtual Status canModify() const = 0;

    // Checks the store itself (not the record): is this CA trusted here?
    virtual Result<State> state(const CaIdentity& id) const = 0;
    virtual Result<QStringList> install(const X509* cert) = 0;
    virtual Result<QStringList> uninstall(const CaIdentity& id) = 0;

protected:
    TrustStore() = default;
    TrustStore(const TrustStore&) = default;
    TrustStore& operator=(const TrustStore&) = default;
};

} // namespace spyglass::app
