#include "core/proxy/InterceptRules.h"

#include <QUrl>

namespace spyglass::core::proxy {

namespace {

// RFC 1035 §2.3.4: "labels 63 octets or less"; 253 characters is the longest
// name in dotted text form (255 octets on the wire).
constexpr qsizetype kMaxLabelChars = 63;
constexpr qsizetype kMaxHostChars = 253;

bool isDigits(QByteArrayView text) {
    if (text.isEmpty())
        return false;
    for (char c : text) {
        if (c < '0' || c > '9')
            return false;
    }
    return true;
}

// Strict dotted-quad IPv4 (RFC 3986 §3.2.2 dec-octet): four decimal parts of
// 0..255 without leading zeros, so "010.0.0.1" (octal to inet_aton) and
// "127.1" are refused rather than guessed at.
std::optional<QHostAddress> parseIpv4(QByteArrayView text) {
    const QList<QByteArrayView> parts = [&] {
        QList<QByteArrayView> out;
        qsizetype start = 0;
        for (qsizetype i = 0; i <= text.size(); ++i) {
            if (i == text.size() || text[i] == '.') {
                out.append(text.sliced(start, i - start));
                start = i + 1;
            }
        }
        return out;
    }();
    if (parts.size() != 4)
        return std::nullopt;
    quint32 value = 0;
    for (QByteArrayView part : parts) {
        if (!isDigits(part) || part.size() > 3 || (part.size() > 1 && part[0] == '0'))
            return std::nullopt;
        const int octet = part.toInt();
        if (octet > 255)
            return std::nullopt;
        value = value << 8 | static_cast<quint32>(octet);
    }
    return QHostAddress(value);
}

// An IPv6 literal without brackets; zone ids ("%eth0") are not supported.
std::optional<QHostAddress> parseIpv6(QStringView text) {
    if (text.contains(QLatin1Char('%')))
        return std::nullopt;
    QHostAddress address;
    if (!address.setAddress(text.toString()) || address.protocol() != QAbstractSocket::IPv6Protocol)
        return std::nullopt;
    return address;
}

// A host as it arrives: brackets around IPv6 and one trailing dot removed,
// lower-case.
QByteArray normaliseHost(QByteArrayView host) {
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
        host = host.sliced(1, host.size() - 2);
    if (host.endsWith('.'))
        host.chop(1);
    return host.toByteArray().toLower();
}

std::optional<QHostAddress> hostAddress(const QByteArray& host) {
    if (host.contains(':'))
        return parseIpv6(QString::fromLatin1(host));
    if (!host.isEmpty() && isDigits(host.sliced(host.size() - 1)))
        return parseIpv4(host);
    return std::nullopt;
}

} // namespace

std::optional<InterceptPattern> InterceptPattern::parse(const QString& text, QString* error) {
    auto reject = [&](const QString& why) -> std::optional<InterceptPattern> {
        if (error)
            *error = text.isEmpty() ? QStringLiteral("an empty pattern is not valid")
                                    : text % QStringLiteral(" is not a valid pattern: ") % why;
        return std::nullopt;
    };
    if (text.isEmpty())
        return reject({});
    for (QChar c : text) {
        if (c.isSpace())
            return reject(QStringLiteral("it contains a space"));
    }

    InterceptPattern pattern;
    QStringView hostPart = text;
    QStringView portPart;
    bool hasPort = false;
    if (text.startsWith(QLatin1Char('['))) {
        const qsizetype close = text.indexOf(QLatin1Char(']'));
        if (close < 0)
            return reject(QStringLiteral("the [ of an IPv6 address is not closed"));
        const QStringView after = QStringView(text).sliced(close + 1);
        if (!after.isEmpty()) {
            if (!after.startsWith(QLatin1Char(':')))
                return reject(QStringLiteral("only :port may follow ]"));
            portPart = after.sliced(1);
            hasPort = true;
        }
        const auto address = parseIpv6(QStringView(text).sliced(1, close - 1));
        if (!address)
            return reject(QStringLiteral("there is no IPv6 address in the brackets"));
        pattern.m_kind = Kind::Address;
        pattern.m_address = *address;
    } else if (text.count(QLatin1Char(':')) > 1) {
        const auto address = parseIpv6(text);
        if (!address)
            return reject(QStringLiteral("an IPv6 address needs brackets when a port follows, "
                                         "as in [::1]:8443"));
        pattern.m_kind = Kind::Address;
        pattern.m_address = *address;
    } else if (const qsizetype colon = text.indexOf(QLatin1Char(':')); colon >= 0) {
        hostPart = QStringView(text).first(colon);
        portPart = QStringView(text).sliced(colon + 1);
        hasPort = true;
    }

    if (hasPort) {
        if (portPart.isEmpty())
            return reject(QStringLiteral("the port is missing after :"));
        bool ok = false;
        const uint port = portPart.toUInt(&ok);
        for (QChar c : portPart) {
            if (c < QLatin1Char('0') || c > QLatin1Char('9'))
                ok = false;
        }
        if (!ok || portPart.size() > 5)
            return reject(portPart.toString() % QStringLiteral(" is not a port number"));
        if (port < 1 || port > 65535)
            return reject(QStringLiteral("port %1 is out of range (1-65535)").arg(port));
        pattern.m_port = static_cast<quint16>(port);
    }

    if (pattern.m_kind == Kind::Address) {
        pattern.m_host = pattern.m_address.toString().toLatin1();
        return pattern;
    }
    if (hostPart.isEmpty())
        return reject(QStringLiteral("the host is missing"));
    if (hostPart == QLatin1StringView("*")) {
        pattern.m_kind = Kind::Any;
        return pattern;
    }

    const bool wildcard = hostPart.startsWith(QLatin1StringView("*."));
    QStringView name = wildcard ? hostPart.sliced(2) : hostPart;
    if (name.endsWith(QLatin1Char('.')))
        name.chop(1);
    if (name.isEmpty())
        return reject(wildcard ? QStringLiteral("a wildcard must be followed by a domain, as in "
                                                "*.example.com")
                               : QStringLiteral("the host is missing"));
    const qsizetype firstDot = hostPart.indexOf(QLatin1Char('.'));
    const QStringView firstLabel = firstDot < 0 ? hostPart : hostPart.first(firstDot);
    if (firstLabel.contains(QLatin1Char('*')) && firstLabel != QLatin1StringView("*"))
        return reject(QStringLiteral("a wildcard must be a whole label, as in *.example.com"));
    if (name.contains(QLatin1Char('*')))
        return reject(QStringLiteral("a wildcard may only be the first label"));

    QByteArray ascii;
    bool isAscii = true;
    for (QChar c : name) {
        if (c.unicode() >= 0x80)
            isAscii = false;
    }
    if (isAscii) {
        ascii = name.toLatin1().toLower();
    } else {
        // SNI and CONNECT targets carry the ACE form (RFC 5890 §2.3.2.1).
        ascii = QUrl::toAce(name.toString());
        if (ascii.isEmpty())
            return reject(QStringLiteral("it is not a valid internationalised domain name"));
    }
    if (ascii.size() > kMaxHostChars)
        return reject(QStringLiteral("the host is longer than 253 characters"));
    qsizetype labelStart = 0;
    for (qsizetype i = 0; i <= ascii.size(); ++i) {
        if (i == ascii.size() || ascii[i] == '.') {
            if (i == labelStart)
                return reject(QStringLiteral("the host has an empty label (two dots in a row, "
                                             "or a dot at the start)"));
            if (i - labelStart > kMaxLabelChars)
                return reject(QStringLiteral("a label is longer than 63 characters"));
            labelStart = i + 1;
            continue;
        }
        const char c = ascii[i];
        const bool allowed =
            (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
        if (!allowed)
            return reject(QStringLiteral("the host contains the character %1").arg(QLatin1Char(c)));
    }

    // A name whose last label is a number can only be an IPv4 address.
    const qsizetype lastDot = ascii.lastIndexOf('.');
    if (isDigits(QByteArrayView(ascii).sliced(lastDot + 1))) {
        if (wildcard)
            return reject(QStringLiteral("a wildcard cannot be combined with an IP address"));
        const auto address = parseIpv4(ascii);
        if (!address)
            return reject(
                QStringLiteral("%1 is not an IPv4 address").arg(QLatin1StringView(ascii)));
        pattern.m_kind = Kind::Address;
        pattern.m_address = *address;
        pattern.m_host = ascii;
        return pattern;
    }
    pattern.m_kind = wildcard ? Kind::Subdomains : Kind::Exact;
    pattern.m_host = ascii;
    return pattern;
}

bool InterceptPattern::matches(QByteArrayView host, quint16 port) const {
    if (m_port != 0 && port != m_port)
        return false;
    switch (m_kind) {
    case Kind::Any:
        return true;
    case Kind::Exact:
        return normaliseHost(host) == m_host;
    case Kind::Subdomains: {
        // "*.example.com": at least one more label in front of the suffix.
        const QByteArray name = normaliseHost(host);
        return name.size() > m_host.size() + 1 && name.endsWith(m_host) &&
               name[name.size() - m_host.size() - 1] == '.';
    }
    case Kind::Address: {
        const auto address = hostAddress(normaliseHost(host));
        return address && address->isEqual(m_address, QHostAddress::ConvertV4MappedToIPv4);
    }
    }
    return false;
}

QString InterceptPattern::text() const {
    QString host;
    switch (m_kind) {
    case Kind::Any:
        host = QStringLiteral("*");
        break;
    case Kind::Exact:
        host = QString::fromLatin1(m_host);
        break;
    case Kind::Subdomains:
        host = QStringLiteral("*.") % QString::fromLatin1(m_host);
        break;
    case Kind::Address:
        host = QString::fromLatin1(m_host);
        if (m_address.protocol() == QAbstractSocket::IPv6Protocol)
            host = QLatin1Char('[') % host % QLatin1Char(']');
        break;
    }
    if (m_port != 0)
        host += QLatin1Char(':') % QString::number(m_port);
    return host;
}

bool InterceptRules::add(QList<InterceptPattern>& list, const QString& pattern, QString* error) {
    const auto parsed = InterceptPattern::parse(pattern, error);
    if (!parsed)
        return false;
    const QString text = parsed->text();
    for (const InterceptPattern& existing : list) {
        if (existing.text() == text)
            return true;
    }
    list.append(*parsed);
    return true;
}

bool InterceptRules::remove(QList<InterceptPattern>& list, const QString& pattern) {
    const auto parsed = InterceptPattern::parse(pattern, nullptr);
    const QString text = parsed ? parsed->text() : pattern;
    for (qsizetype i = 0; i < list.size(); ++i) {
        if (list[i].text() == text) {
            list.removeAt(i);
            return true;
        }
    }
    return false;
}

bool InterceptRules::addInclude(const QString& pattern, QString* error) {
    return add(m_includes, pattern, error);
}

bool InterceptRules::addExclude(const QString& pattern, QString* error) {
    return add(m_excludes, pattern, error);
}

bool InterceptRules::removeInclude(const QString& pattern) {
    return remove(m_includes, pattern);
}

bool InterceptRules::removeExclude(const QString& pattern) {
    return remove(m_excludes, pattern);
}

void InterceptRules::clear() {
    m_includes.clear();
    m_excludes.clear();
}

InterceptRules::Decision InterceptRules::decide(QByteArrayView host, quint16 port) const {
    for (const InterceptPattern& pattern : m_excludes) {
        if (pattern.matches(host, port))
            return {false, QStringLiteral("excluded by ") % pattern.text()};
    }
    for (const InterceptPattern& pattern : m_includes) {
        if (pattern.matches(host, port))
            return {true, QStringLiteral("intercepted by ") % pattern.text()};
    }
    return {false, QStringLiteral("no intercept rule matches")};
}

QStringList InterceptRules::includes() const {
    QStringList out;
    for (const InterceptPattern& pattern : m_includes)
        out.append(pattern.text());
    return out;
}

QStringList InterceptRules::excludes() const {
    QStringList out;
    for (const InterceptPattern& pattern : m_excludes)
        out.append(pattern.text());
    return out;
}

} // namespace spyglass::core::proxy
