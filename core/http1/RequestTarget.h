#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QtGlobal>
#include <optional>

namespace spyglass::core::http1 {

// RFC 9112 §3.2: the four forms of request-target.
enum class TargetForm { Origin, Absolute, Authority, Asterisk };

struct RequestTarget {
    TargetForm form = TargetForm::Origin;
    QByteArray scheme; // lower-case, absolute-form only ("http", "https", ...)
    QByteArray host;   // lower-case; IPv6 literals without brackets
    quint16 port = 0;  // explicit port, or the scheme's default (80/443)
    bool hasExplicitPort = false;
    QByteArray pathAndQuery; // origin-form of the target ("/" when the path is empty)
    QByteArray userInfo;     // absolute-form userinfo if present (to reject it)
};

struct Authority {
    QByteArray host; // lower-case; IPv6 without brackets
    quint16 port = 0;
    bool hasPort = false;
    bool isIpLiteral = false;
};

// Parses `host[:port]` where host is a reg-name, an IPv4 address or an
// `[IPv6]` literal (RFC 3986 §3.2.2). `requirePort`: authority-form for
// CONNECT needs a port in 1..65535 (RFC 9110 §9.3.6). nullopt when invalid.
[[nodiscard]] std::optional<Authority> parseAuthority(QByteArrayView text, bool requirePort);

// Parses a request-target; `method` decides authority-form (CONNECT) and
// asterisk-form (OPTIONS). nullopt when the target is not valid for the method.
[[nodiscard]] std::optional<RequestTarget> parseRequestTarget(QByteArrayView method,
                                                              QByteArrayView target);

// "host" or "host:port" (brackets around IPv6) for a Host field or a log line;
// the port is omitted when it equals `defaultPort`.
[[nodiscard]] QByteArray formatAuthority(const QByteArray& host, quint16 port,
                                         quint16 defaultPort = 0);

} // namespace spyglass::core::http1
