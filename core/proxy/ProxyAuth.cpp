#include "ProxyAuth.h"

namespace spyglass::core::proxy {

namespace {

// Compares without an early exit, so the time taken does not reveal how much
// of a guessed password was right.
bool constantTimeEquals(const QByteArray& a, const QByteArray& b) {
    if (a.size() != b.size())
        return false;
    unsigned char diff = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}

} // namespace

bool proxyCredentialsMatch(const http1::HeaderFields& fields, const QByteArray& expectedUserPass) {
    const auto values = fields.values("Proxy-Authorization");
    for (const QByteArray& value : values) {
        const QByteArray trimmed = value.trimmed();
        const qsizetype space = trimmed.indexOf(' ');
        if (space <= 0)
            continue;
        if (trimmed.left(space).compare("basic", Qt::CaseInsensitive) != 0)
            continue;
        const auto decoded = QByteArray::fromBase64Encoding(
            trimmed.mid(space + 1).trimmed(), QByteArray::AbortOnBase64DecodingErrors);
        if (decoded && constantTimeEquals(*decoded, expectedUserPass))
            return true;
    }
    return false;
}

QByteArray basicAuthorization(const QByteArray& userPass) {
    return QByteArrayLiteral("Basic ") + userPass.toBase64();
}

} // namespace spyglass::core::proxy
