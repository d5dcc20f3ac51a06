#include "CertificatePeek.h"

#include <optional>

namespace spyglass::certs {

namespace {

constexpr unsigned char kSequence = 0x30;
constexpr unsigned char kVersionTag = 0xa0; // [0] EXPLICIT Version, absent for v1
constexpr unsigned char kUtcTime = 0x17;
constexpr unsigned char kGeneralizedTime = 0x18;

// One DER element (tag, then its content as [begin, end) of the buffer).
struct Element {
    unsigned char tag = 0;
    qsizetype begin = 0;
    qsizetype end = 0;
};

// Reads the element at `at` within [at, limit); nullopt when it does not fit.
std::optional<Element> readElement(const QByteArray& der, qsizetype at, qsizetype limit) {
    if (at + 2 > limit)
        return std::nullopt;
    const auto byte = [&](qsizetype i) { return static_cast<unsigned char>(der[i]); };
    Element e;
    e.tag = byte(at);
    if ((e.tag & 0x1f) == 0x1f)
        return std::nullopt; // high tag numbers do not occur up to validity
    qsizetype length = byte(at + 1);
    qsizetype pos = at + 2;
    if (length & 0x80) {
        const int octets = static_cast<int>(length & 0x7f);
        if (octets == 0 || octets > 4 || pos + octets > limit)
            return std::nullopt;
        length = 0;
        for (int i = 0; i < octets; ++i)
            length = (length << 8) | byte(pos++);
    }
    if (length > limit - pos)
        return std::nullopt;
    e.begin = pos;
    e.end = pos + length;
    return e;
}

// UTCTime YYMMDDHHMMSSZ (years 1950-2049, RFC 5280 §4.1.2.5.1) or
// GeneralizedTime YYYYMMDDHHMMSSZ.
std::optional<QDateTime> parseTime(const QByteArray& der, const Element& e) {
    QByteArray text = der.mid(e.begin, e.end - e.begin);
    if (e.tag == kUtcTime && text.size() == 13)
        text.prepend(text.left(2).toInt() >= 50 ? "19" : "20");
    else if (e.tag != kGeneralizedTime || text.size() != 15)
        return std::nullopt;
    if (!text.endsWith('Z'))
        return std::nullopt;
    const QDateTime local =
        QDateTime::fromString(QString::fromLatin1(text.left(14)), QStringLiteral("yyyyMMddHHmmss"));
    if (!local.isValid())
        return std::nullopt;
    return QDateTime(local.date(), local.time(), Qt::UTC);
}

} // namespace

std::variant<CertificateDates, QString> peekCertificateDates(const QByteArray& pem) {
    static const QByteArray kBegin = QByteArrayLiteral("-----BEGIN CERTIFICATE-----");
    static const QByteArray kEnd = QByteArrayLiteral("-----END CERTIFICATE-----");
    const qsizetype begin = pem.indexOf(kBegin);
    const qsizetype end = begin < 0 ? -1 : pem.indexOf(kEnd, begin);
    if (end < 0)
        return QStringLiteral("no PEM certificate block");
    const qsizetype from = begin + kBegin.size();
    const auto decoded = QByteArray::fromBase64Encoding(
        pem.mid(from, end - from).replace('\n', "").replace('\r', "").replace(' ', ""),
        QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        return QStringLiteral("the PEM block is not base64");
    const QByteArray& der = *decoded;
    const QString malformed = QStringLiteral("not a DER certificate");

    const auto certificate = readElement(der, 0, der.size());
    if (!certificate || certificate->tag != kSequence)
        return malformed;
    const auto tbs = readElement(der, certificate->begin, certificate->end);
    if (!tbs || tbs->tag != kSequence)
        return malformed;
    // version (optional), serialNumber, signature, issuer, then validity.
    qsizetype at = tbs->begin;
    auto next = readElement(der, at, tbs->end);
    if (next && next->tag == kVersionTag)
        next = readElement(der, at = next->end, tbs->end);
    for (int skip = 0; skip < 3 && next; ++skip)
        next = readElement(der, at = next->end, tbs->end);
    if (!next || next->tag != kSequence)
        return malformed;
    const auto notBefore = readElement(der, next->begin, next->end);
    const auto notAfter = notBefore ? readElement(der, notBefore->end, next->end) : std::nullopt;
    if (!notAfter)
        return malformed;
    const auto from_ = parseTime(der, *notBefore);
    const auto to = parseTime(der, *notAfter);
    if (!from_ || !to)
        return QStringLiteral("its validity dates cannot be read");
    return CertificateDates{*from_, *to};
}

} // namespace spyglass::certs
