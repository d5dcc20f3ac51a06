#include "RequestTarget.h"

#include "HttpChars.h"

#include <arpa/inet.h>
#include <array>

namespace spyglass::core::http1 {

namespace {

using namespace chars;

// inet_pton wants a NUL-terminated string; hosts longer than this are not
// IP literals anyway (the longest IPv6 text form is 45 characters).
bool inetPton(int family, QByteArrayView text) {
    std::array<char, 64> buf{};
    if (text.size() >= static_cast<qsizetype>(buf.size()))
        return false;
    std::copy(text.begin(), text.end(), buf.begin());
    std::array<unsigned char, 16> out{};
    return ::inet_pton(family, buf.data(), out.data()) == 1;
}

// pct-encoded = "%" HEXDIG HEXDIG (RFC 3986 §2.1). Advances `i` past it.
bool skipPctEncoded(QByteArrayView s, qsizetype& i) {
    if (s[i] != '%')
        return false;
    if (i + 2 >= s.size() || !isHexDigit(s[i + 1]) || !isHexDigit(s[i + 2]))
        return false;
    i += 2;
    return true;
}

// reg-name = *( unreserved / pct-encoded / sub-delims ) (RFC 3986 §3.2.2),
// non-empty here: RFC 9110 §4.2.1 "A sender MUST NOT generate an "http" URI
// with an empty host identifier."
bool isRegName(QByteArrayView s) {
    if (s.isEmpty())
        return false;
    for (qsizetype i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (has(c, kUnreserved | kSubDelim))
            continue;
        if (!skipPctEncoded(s, i))
            return false;
    }
    return true;
}

// userinfo = *( unreserved / pct-encoded / sub-delims / ":" ) (RFC 3986 §3.2.1)
bool isUserInfo(QByteArrayView s) {
    for (qsizetype i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (has(c, kUnreserved | kSubDelim) || c == ':')
            continue;
        if (!skipPctEncoded(s, i))
            return false;
    }
    return true;
}

// A name whose last label is all digits reads as an IPv4 address to some
// resolvers (inet_aton takes "0177.1" or "2130706433" as 127.0.0.1) and as a
// name to others; the WHATWG URL standard treats such hosts as IPv4 or
// invalid. We accept only the dotted-decimal form RFC 3986 calls IPv4address.
bool endsInNumber(QByteArrayView host) {
    if (host.endsWith('.'))
        host.chop(1);
    const qsizetype dot = host.lastIndexOf('.');
    const QByteArrayView last = host.sliced(dot + 1);
    if (last.isEmpty())
        return false;
    for (char c : last)
        if (!isDigit(c))
            return false;
    return true;
}

std::optional<quint16> parsePort(QByteArrayView s) {
    // port = *DIGIT (RFC 3986 §3.2.3); we want 1..65535, at most 5 digits.
    if (s.isEmpty() || s.size() > 5)
        return std::nullopt;
    int value = 0;
    for (char c : s) {
        if (!isDigit(c))
            return std::nullopt;
        value = value * 10 + (c - '0');
    }
    if (value < 1 || value > 65535)
        return std::nullopt;
    return static_cast<quint16>(value);
}

QByteArray lowered(QByteArrayView s) {
    QByteArray out(s.size(), Qt::Uninitialized);
    for (qsizetype i = 0; i < s.size(); ++i)
        out[i] = toLower(s[i]);
    return out;
}

quint16 defaultPort(QByteArrayView scheme) {
    if (scheme == "http" || scheme == "ws")
        return 80;
    if (scheme == "https" || scheme == "wss")
        return 443;
    return 0;
}

// path and query octets: any VCHAR but "#" (a fragment is not part of a
// request-target). RFC 3986 excludes a few more ("|", "{", "^", ...), but
// browsers send them unencoded (WHATWG URL percent-encode sets), so a
// debugging proxy that rejected them would break ordinary traffic.
bool isPathOrQuery(QByteArrayView s) {
    for (char c : s)
        if (!isVchar(c) || c == '#')
            return false;
    return true;
}

std::optional<RequestTarget> parseAbsoluteForm(QByteArrayView target) {
    // absolute-URI = scheme ":" hier-part [ "?" query ] (RFC 3986 §4.3); for
    // the schemes a proxy serves, hier-part = "//" authority path-abempty.
    const qsizetype colon = target.indexOf(':');
    if (colon <= 0 || !isAlpha(target[0]))
        return std::nullopt;
    const QByteArrayView scheme = target.first(colon);
    for (char c : scheme)
        if (!isAlpha(c) && !isDigit(c) && c != '+' && c != '-' && c != '.')
            return std::nullopt;
    QByteArrayView rest = target.sliced(colon + 1);
    if (!rest.startsWith("//"))
        return std::nullopt;
    rest = rest.sliced(2);
    qsizetype authorityEnd = 0;
    while (authorityEnd < rest.size() && rest[authorityEnd] != '/' && rest[authorityEnd] != '?' &&
           rest[authorityEnd] != '#')
        ++authorityEnd;
    QByteArrayView authority = rest.first(authorityEnd);
    const QByteArrayView tail = rest.sliced(authorityEnd);

    RequestTarget out;
    out.form = TargetForm::Absolute;
    out.scheme = lowered(scheme);
    const qsizetype at = authority.indexOf('@');
    if (at >= 0) {
        const QByteArrayView userInfo = authority.first(at);
        if (!isUserInfo(userInfo))
            return std::nullopt;
        out.userInfo = userInfo.toByteArray();
        authority = authority.sliced(at + 1);
    }
    const std::optional<Authority> parsed = parseAuthority(authority, false);
    if (!parsed)
        return std::nullopt;
    out.host = parsed->host;
    out.hasExplicitPort = parsed->hasPort;
    out.port = parsed->hasPort ? parsed->port : defaultPort(out.scheme);

    if (!isPathOrQuery(tail))
        return std::nullopt;
    // RFC 9112 §3.2.1: "If the target URI's path component is empty, the
    // client MUST send "/" as the path within the origin-form".
    if (!tail.startsWith('/'))
        out.pathAndQuery = QByteArrayLiteral("/");
    out.pathAndQuery += tail;
    return out;
}

} // namespace

std::optional<Authority> parseAuthority(QByteArrayView text, bool requirePort) {
    Authority out;
    QByteArrayView host;
    QByteArrayView port;
    if (text.startsWith('[')) {
        // IP-literal = "[" ( IPv6address / IPvFuture ) "]"; IPvFuture and
        // RFC 6874 zone identifiers name nothing a proxy can connect to.
        const qsizetype close = text.indexOf(']');
        if (close < 0)
            return std::nullopt;
        host = text.sliced(1, close - 1);
        const QByteArrayView rest = text.sliced(close + 1);
        if (!rest.isEmpty()) {
            if (rest[0] != ':')
                return std::nullopt;
            port = rest.sliced(1);
            out.hasPort = true;
        }
        for (char c : host)
            if (!isHexDigit(c) && c != ':' && c != '.')
                return std::nullopt;
        if (!inetPton(AF_INET6, host))
            return std::nullopt;
        out.isIpLiteral = true;
    } else {
        const qsizetype colon = text.lastIndexOf(':');
        host = colon < 0 ? text : text.first(colon);
        if (colon >= 0) {
            port = text.sliced(colon + 1);
            out.hasPort = true;
        }
        if (!isRegName(host))
            return std::nullopt;
        out.isIpLiteral = inetPton(AF_INET, host);
        if (!out.isIpLiteral && endsInNumber(host))
            return std::nullopt;
    }
    if (out.hasPort) {
        const std::optional<quint16> value = parsePort(port);
        if (!value)
            return std::nullopt;
        out.port = *value;
    } else if (requirePort) {
        return std::nullopt;
    }
    out.host = lowered(host);
    return out;
}

std::optional<RequestTarget> parseRequestTarget(QByteArrayView method, QByteArrayView target) {
    if (target.isEmpty())
        return std::nullopt;
    // RFC 9112 §3.2.3: "The authority-form of request-target is only used for
    // CONNECT requests" and "a client MUST send only the host and port number
    // of the tunnel destination as the request-target".
    if (method == "CONNECT") {
        const std::optional<Authority> authority = parseAuthority(target, true);
        if (!authority)
            return std::nullopt;
        RequestTarget out;
        out.form = TargetForm::Authority;
        out.host = authority->host;
        out.port = authority->port;
        out.hasExplicitPort = true;
        return out;
    }
    // RFC 9112 §3.2.4: "The asterisk-form of request-target is only used for
    // a server-wide OPTIONS request".
    if (target == "*") {
        if (method != "OPTIONS")
            return std::nullopt;
        RequestTarget out;
        out.form = TargetForm::Asterisk;
        out.pathAndQuery = QByteArrayLiteral("*");
        return out;
    }
    // origin-form = absolute-path [ "?" query ] (RFC 9112 §3.2.1)
    if (target.startsWith('/')) {
        if (!isPathOrQuery(target))
            return std::nullopt;
        RequestTarget out;
        out.form = TargetForm::Origin;
        out.pathAndQuery = target.toByteArray();
        return out;
    }
    return parseAbsoluteForm(target);
}

QByteArray formatAuthority(const QByteArray& host, quint16 port, quint16 defaultPort) {
    QByteArray out;
    out.reserve(host.size() + 8);
    const bool ipv6 = host.contains(':');
    if (ipv6)
        out += '[';
    out += host;
    if (ipv6)
        out += ']';
    if (port != defaultPort) {
        out += ':';
        out += QByteArray::number(port);
    }
    return out;
}

} // namespace spyglass::core::http1
