#include "certs/HostName.h"

#include <QUrl>
#include <array>

namespace spyglass::certs {

using namespace Qt::StringLiterals;

namespace {

// RFC 1035 §2.3.4: a label is at most 63 octets, a name at most 255 on the
// wire, i.e. 253 characters in dotted text without the trailing dot.
constexpr qsizetype kMaxLabel = 63;
constexpr qsizetype kMaxName = 253;

bool isDigits(QStringView s) {
    if (s.isEmpty())
        return false;
    for (QChar c : s)
        if (c < u'0' || c > u'9')
            return false;
    return true;
}

// Strict dotted-quad (inet_pton's rules): four decimal parts 0-255, no
// leading zeros (they mean octal to some resolvers), nothing else.
std::optional<QByteArray> parseIPv4(QStringView s) {
    const auto parts = s.split(u'.');
    if (parts.size() != 4)
        return std::nullopt;
    QByteArray out;
    for (QStringView part : parts) {
        if (!isDigits(part) || part.size() > 3 || (part.size() > 1 && part.front() == u'0'))
            return std::nullopt;
        const int v = part.toInt();
        if (v > 255)
            return std::nullopt;
        out.append(static_cast<char>(v));
    }
    return out;
}

std::optional<int> hexGroup(QStringView g) {
    if (g.isEmpty() || g.size() > 4)
        return std::nullopt;
    for (QChar c : g) {
        const QChar l = c.toLower();
        if (!(l >= u'0' && l <= u'9') && !(l >= u'a' && l <= u'f'))
            return std::nullopt;
    }
    return g.toInt(nullptr, 16);
}

// RFC 4291 §2.2 text forms: eight groups, one "::" for a run of zero groups,
// optionally an embedded dotted quad as the last 32 bits.
std::optional<QByteArray> parseIPv6(QStringView s) {
    std::array<int, 8> groups{};
    int count = 0;
    int gap = -1;
    qsizetype i = 0;
    if (s.startsWith(u"::")) {
        gap = 0;
        i = 2;
        if (s.size() == 2)
            return QByteArray(16, '\0');
    } else if (s.startsWith(u':')) {
        return std::nullopt;
    }
    while (i < s.size()) {
        if (count == 8)
            return std::nullopt;
        qsizetype end = s.indexOf(u':', i);
        const QStringView piece = s.mid(i, (end < 0 ? s.size() : end) - i);
        if (end < 0 && piece.contains(u'.')) { // embedded IPv4, last 32 bits
            const auto v4 = parseIPv4(piece);
            if (!v4 || count > 6)
                return std::nullopt;
            groups[count++] =
                (static_cast<unsigned char>((*v4)[0]) << 8) | static_cast<unsigned char>((*v4)[1]);
            groups[count++] =
                (static_cast<unsigned char>((*v4)[2]) << 8) | static_cast<unsigned char>((*v4)[3]);
            break;
        }
        const auto v = hexGroup(piece);
        if (!v)
            return std::nullopt;
        groups[count++] = *v;
        if (end < 0)
            break;
        i = end + 1;
        if (i < s.size() && s[i] == u':') {
            if (gap >= 0)
                return std::nullopt; // a second "::"
            gap = count;
            ++i;
        } else if (i == s.size()) {
            return std::nullopt; // trailing single ':'
        }
    }
    if (gap < 0 && count != 8)
        return std::nullopt;
    if (gap >= 0 && count > 7)
        return std::nullopt; // "::" must stand for at least one group
    std::array<int, 8> full{};
    const int tail = count - (gap < 0 ? count : gap);
    for (int k = 0; k < (gap < 0 ? count : gap); ++k)
        full[k] = groups[k];
    for (int k = 0; k < tail; ++k)
        full[8 - tail + k] = groups[(gap < 0 ? count : gap) + k];
    QByteArray out;
    for (int g : full) {
        out.append(static_cast<char>((g >> 8) & 0xff));
        out.append(static_cast<char>(g & 0xff));
    }
    return out;
}

// RFC 5952 §4: lower case, no leading zeros, the longest run of two or more
// zero groups (the first on a tie) compressed to "::".
QString formatIPv6(const QByteArray& b) {
    std::array<int, 8> g{};
    for (int k = 0; k < 8; ++k)
        g[k] =
            (static_cast<unsigned char>(b[2 * k]) << 8) | static_cast<unsigned char>(b[2 * k + 1]);
    int bestStart = -1, bestLen = 0;
    for (int k = 0; k < 8;) {
        if (g[k] != 0) {
            ++k;
            continue;
        }
        int end = k;
        while (end < 8 && g[end] == 0)
            ++end;
        if (end - k > bestLen && end - k >= 2) {
            bestStart = k;
            bestLen = end - k;
        }
        k = end;
    }
    QString out;
    for (int k = 0; k < 8; ++k) {
        if (k == bestStart) {
            out += u"::"_s;
            k += bestLen - 1;
            continue;
        }
        if (!out.isEmpty() && !out.endsWith(u':'))
            out += u':';
        out += QString::number(g[k], 16);
    }
    return out;
}

QString formatIPv4(const QByteArray& b) {
    return u"%1.%2.%3.%4"_s.arg(static_cast<unsigned char>(b[0]))
        .arg(static_cast<unsigned char>(b[1]))
        .arg(static_cast<unsigned char>(b[2]))
        .arg(static_cast<unsigned char>(b[3]));
}

Error invalid(const QString& input, const QString& why) {
    return Error{u"Cannot mint a certificate for \""_s + input + u"\": "_s + why};
}

} // namespace

HostName::HostName(Kind kind, QString text, QByteArray address)
    : m_kind(kind)
    , m_text(std::move(text))
    , m_address(std::move(address)) {}

Result<HostName> HostName::parse(const QString& input) {
    QStringView s(input);
    if (s.isEmpty())
        return invalid(input, u"the name is empty"_s);
    if (s.contains(u'*'))
        return invalid(input, u"wildcard names are refused; Spyglass mints a certificate for "
                              u"the exact host name a client asks for"_s);
    if (s.startsWith(u'[') && s.endsWith(u']'))
        s = s.mid(1, s.size() - 2);
    if (s.contains(u':')) {
        if (s.contains(u'%'))
            return invalid(input, u"IPv6 zone identifiers cannot appear in a certificate"_s);
        const auto bytes = parseIPv6(s);
        if (!bytes)
            return invalid(input, u"not a valid IPv6 address (RFC 4291 §2.2)"_s);
        return HostName(Kind::IPv6, formatIPv6(*bytes), *bytes);
    }
    // RFC 6066 §3: SNI carries the name "without a trailing dot"; accept the
    // absolute form and drop the dot so both share one cache entry.
    if (s.endsWith(u'.'))
        s.chop(1);
    bool digitsAndDots = !s.isEmpty();
    for (QChar c : s)
        digitsAndDots = digitsAndDots && (c == u'.' || (c >= u'0' && c <= u'9'));
    if (digitsAndDots) {
        const auto bytes = parseIPv4(s);
        if (!bytes)
            return invalid(input, u"not a valid IPv4 address (four decimal parts 0-255, no "
                                  u"leading zeros)"_s);
        return HostName(Kind::IPv4, formatIPv4(*bytes), *bytes);
    }
    // QUrl::toAce refuses over-long labels too, but without saying why.
    for (QStringView label : s.split(u'.'))
        if (label.size() > kMaxLabel)
            return invalid(input, u"each label must be 1-63 characters (RFC 1035 §2.3.4)"_s);
    const QByteArray ace = QUrl::toAce(s.toString());
    if (ace.isEmpty())
        return invalid(input, u"not a valid host name (IDNA / UTS #46 rejected it)"_s);
    const QString text = QString::fromLatin1(ace).toLower();
    if (text.size() > kMaxName)
        return invalid(input, u"longer than 253 characters (RFC 1035 §2.3.4)"_s);
    const auto labels = QStringView(text).split(u'.');
    for (QStringView label : labels) {
        if (label.isEmpty() || label.size() > kMaxLabel)
            return invalid(input, u"each label must be 1-63 characters (RFC 1035 §2.3.4)"_s);
        for (QChar c : label) {
            // Letters, digits, hyphen (RFC 1123 §2.1) and underscore, which
            // real hosts use and every browser resolves and matches.
            const bool okChar =
                (c >= u'a' && c <= u'z') || (c >= u'0' && c <= u'9') || c == u'-' || c == u'_';
            if (!okChar)
                return invalid(input, u"contains a character not allowed in a host name"_s);
        }
        if (label.startsWith(u'-') || label.endsWith(u'-'))
            return invalid(input, u"a label starts or ends with '-' (RFC 1123 §2.1)"_s);
    }
    // RFC 3696 §2: a top-level label is never all-numeric, so such a name is
    // a mistyped IP address rather than a host.
    if (isDigits(labels.back()))
        return invalid(input, u"the last label is all digits; an IP address needs four parts"_s);
    return HostName(Kind::Dns, text, {});
}

} // namespace spyglass::certs
