#pragma once

#include "certs/Result.h"

#include <QByteArray>
#include <QString>

namespace spyglass::certs {

// A name a leaf certificate can be minted for, in the one normal form that is
// both the cache key and what goes into the certificate:
//  - DNS names: IDNA (UTS #46 non-transitional, as Chromium and Firefox use)
//    A-labels, lower-cased, without a trailing dot;
//  - IPv4: dotted quad; IPv6: RFC 5952 text (lower case, longest zero run
//    compressed), with the 4 or 16 address bytes for the iPAddress SAN.
// Wildcards are refused: Spyglass mints exactly the name the client asked for.
class HostName {
public:
    enum class Kind { Dns, IPv4, IPv6 };

    // Accepts what a client sends in SNI, a CONNECT authority or a CLI
    // argument: "Example.COM.", "bücher.de", "127.0.0.1", "::1", "[::1]".
    static Result<HostName> parse(const QString& input);

    Kind kind() const noexcept { return m_kind; }
    bool isIp() const noexcept { return m_kind != Kind::Dns; }
    // The normal form (ASCII only).
    const QString& text() const noexcept { return m_text; }
    // Network-order address bytes; empty for DNS names.
    const QByteArray& addressBytes() const noexcept { return m_address; }

    friend bool operator==(const HostName&, const HostName&) = default;

private:
    HostName(Kind kind, QString text, QByteArray address);

    Kind m_kind = Kind::Dns;
    QString m_text;
    QByteArray m_address;
};

} // namespace spyglass::certs
