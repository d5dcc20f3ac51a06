#include "HeaderRedaction.h"

#include <QList>

namespace spyglass::core::store {

namespace {

bool is(QByteArrayView name, const char* candidate) {
    return name.compare(QByteArrayView(candidate), Qt::CaseInsensitive) == 0;
}

QByteArray maskCookies(const QByteArray& value, bool setCookie) {
    // Cookie: a=1; b=2 → every value masked. Set-Cookie: only the first
    // pair is the cookie; the rest are attributes (Path, Expires, ...).
    QList<QByteArray> parts = value.split(';');
    for (qsizetype i = 0; i < parts.size(); ++i) {
        if (setCookie && i > 0)
            continue;
        QByteArray& part = parts[i];
        const qsizetype equals = part.indexOf('=');
        if (equals >= 0)
            part = part.left(equals + 1) + HeaderRedaction::kMask;
        else
            part = QByteArray(part.startsWith(' ') ? " " : "") + HeaderRedaction::kMask;
    }
    return parts.join(';');
}

} // namespace

bool HeaderRedaction::isSensitive(QByteArrayView name) {
    return is(name, "authorization") || is(name, "proxy-authorization") || is(name, "cookie") ||
           is(name, "set-cookie");
}

QByteArray HeaderRedaction::redact(QByteArrayView name, const QByteArray& value) {
    if (is(name, "authorization") || is(name, "proxy-authorization")) {
        const QByteArray trimmed = value.trimmed();
        const qsizetype space = trimmed.indexOf(' ');
        return space < 0 ? QByteArray(kMask) : trimmed.left(space + 1) + kMask;
    }
    if (is(name, "cookie"))
        return maskCookies(value, false);
    if (is(name, "set-cookie"))
        return maskCookies(value, true);
    return value;
}

QByteArray HeaderRedaction::redactHead(const QByteArray& raw) {
    QList<QByteArray> lines = raw.split('\n');
    for (qsizetype i = 1; i < lines.size(); ++i) {
        QByteArray& line = lines[i];
        const bool cr = line.endsWith('\r');
        const QByteArray body = cr ? line.chopped(1) : line;
        const qsizetype colon = body.indexOf(':');
        if (colon <= 0)
            continue;
        const QByteArray name = body.left(colon).trimmed();
        if (!isSensitive(name))
            continue;
        line = body.left(colon + 1) + ' ' + redact(name, body.mid(colon + 1).trimmed()) +
               (cr ? "\r" : "");
    }
    return lines.join('\n');
}

} // namespace spyglass::core::store
