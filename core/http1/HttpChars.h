#pragma once

#include <QByteArrayView>
#include <array>
#include <cstdint>

// Character classes of RFC 9110 §5.6 and RFC 3986 §2 as lookup tables, shared
// by the head gate, the chunk gate and the URI parsers. Table lookups keep the
// per-byte scanners branch-light; nothing here allocates.
namespace spyglass::core::http1::chars {

enum : std::uint8_t {
    kTchar = 1 << 0,      // RFC 9110 §5.6.2 tchar
    kFieldVchar = 1 << 1, // RFC 9110 §5.5 field-vchar (VCHAR / obs-text)
    kUnreserved = 1 << 2, // RFC 3986 §2.3
    kSubDelim = 1 << 3,   // RFC 3986 §2.2
    kHexDigit = 1 << 4,
    kDigit = 1 << 5,
    kAlpha = 1 << 6,
};

constexpr std::array<std::uint8_t, 256> makeTable() {
    std::array<std::uint8_t, 256> t{};
    for (int c = 0; c < 256; ++c) {
        std::uint8_t v = 0;
        const bool digit = c >= '0' && c <= '9';
        const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        if (digit)
            v |= kDigit | kHexDigit;
        if (alpha)
            v |= kAlpha;
        if ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))
            v |= kHexDigit;
        // tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." /
        //         "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA
        constexpr char tcharPunct[] = "!#$%&'*+-.^_`|~";
        bool punct = false;
        for (char p : tcharPunct)
            punct = punct || (p != 0 && c == static_cast<unsigned char>(p));
        if (digit || alpha || punct)
            v |= kTchar;
        if ((c >= 0x21 && c <= 0x7e) || c >= 0x80)
            v |= kFieldVchar;
        if (digit || alpha || c == '-' || c == '.' || c == '_' || c == '~')
            v |= kUnreserved;
        constexpr char subDelims[] = "!$&'()*+,;=";
        for (char p : subDelims)
            if (p != 0 && c == static_cast<unsigned char>(p))
                v |= kSubDelim;
        t[static_cast<std::size_t>(c)] = v;
    }
    return t;
}

inline constexpr std::array<std::uint8_t, 256> kTable = makeTable();

constexpr bool has(char c, std::uint8_t cls) {
    return (kTable[static_cast<unsigned char>(c)] & cls) != 0;
}
constexpr bool isTchar(char c) {
    return has(c, kTchar);
}
constexpr bool isDigit(char c) {
    return has(c, kDigit);
}
constexpr bool isHexDigit(char c) {
    return has(c, kHexDigit);
}
constexpr bool isAlpha(char c) {
    return has(c, kAlpha);
}
constexpr bool isOws(char c) {
    return c == ' ' || c == '\t';
}
// field-value octets: field-vchar, SP and HTAB (RFC 9110 §5.5).
constexpr bool isFieldValueChar(char c) {
    return has(c, kFieldVchar) || isOws(c);
}
// VCHAR only (no obs-text): request-target and the like are ASCII.
constexpr bool isVchar(char c) {
    return c >= 0x21 && c <= 0x7e;
}

constexpr char toLower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}

constexpr int hexValue(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

inline bool equalsIgnoreCase(QByteArrayView a, QByteArrayView b) {
    if (a.size() != b.size())
        return false;
    for (qsizetype i = 0; i < a.size(); ++i)
        if (toLower(a[i]) != toLower(b[i]))
            return false;
    return true;
}

inline bool isToken(QByteArrayView s) {
    if (s.isEmpty())
        return false;
    for (char c : s)
        if (!isTchar(c))
            return false;
    return true;
}

// Strips leading and trailing OWS (SP / HTAB).
inline QByteArrayView trimOws(QByteArrayView s) {
    qsizetype b = 0;
    qsizetype e = s.size();
    while (b < e && isOws(s[b]))
        ++b;
    while (e > b && isOws(s[e - 1]))
        --e;
    return s.sliced(b, e - b);
}

} // namespace spyglass::core::http1::chars
