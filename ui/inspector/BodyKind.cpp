#include "BodyKind.h"

#include <QList>
#include <QStringDecoder>

namespace spyglass::ui::inspector {

namespace {

// Enough to tell text from binary without scanning a 16 MiB body.
constexpr qsizetype kSniffBytes = 4096;

QByteArrayView trimmedStart(QByteArrayView body) {
    qsizetype i = 0;
    // A UTF-8 byte order mark before JSON or markup.
    if (body.startsWith("\xEF\xBB\xBF"))
        i = 3;
    while (i < body.size() &&
           (body[i] == ' ' || body[i] == '\t' || body[i] == '\r' || body[i] == '\n'))
        ++i;
    return body.sliced(i);
}

bool isSvg(QByteArrayView body) {
    const QByteArray head = body.first(std::min<qsizetype>(body.size(), 1024)).toByteArray();
    return head.contains("<svg");
}

} // namespace

QByteArray BodyKindDetector::mediaType(QByteArrayView contentType) {
    const qsizetype semicolon = contentType.indexOf(';');
    QByteArrayView type = semicolon < 0 ? contentType : contentType.first(semicolon);
    return type.trimmed().toByteArray().toLower();
}

QByteArray BodyKindDetector::parameter(QByteArrayView contentType, QByteArrayView name) {
    const QList<QByteArray> parts = contentType.toByteArray().split(';');
    for (qsizetype i = 1; i < parts.size(); ++i) {
        const QByteArray part = parts[i].trimmed();
        const qsizetype equals = part.indexOf('=');
        if (equals < 0 || part.first(equals).trimmed().toLower() != name.toByteArray().toLower())
            continue;
        QByteArray value = part.sliced(equals + 1).trimmed();
        if (value.size() >= 2 && value.startsWith('"') && value.endsWith('"'))
            value = value.sliced(1, value.size() - 2);
        return value;
    }
    return {};
}

bool BodyKindDetector::looksLikeText(QByteArrayView body) {
    const QByteArrayView sample = body.first(std::min(body.size(), kSniffBytes));
    if (sample.contains('\0'))
        return false;
    // Stateful: a sample cut inside a multi-byte sequence leaves it pending
    // rather than counting it as invalid.
    QStringDecoder decoder(QStringDecoder::Utf8);
    const QString text = decoder.decode(sample); // decoding is lazy until converted
    Q_UNUSED(text);
    return !decoder.hasError();
}

QByteArray BodyKindDetector::imageFormat(QByteArrayView body) {
    if (body.startsWith("\x89PNG\r\n\x1A\n"))
        return "png";
    if (body.startsWith("\xFF\xD8\xFF"))
        return "jpeg";
    if (body.startsWith("GIF87a") || body.startsWith("GIF89a"))
        return "gif";
    if (body.size() >= 12 && body.startsWith("RIFF") && body.sliced(8, 4) == "WEBP")
        return "webp";
    const QByteArrayView text = trimmedStart(body);
    if ((text.startsWith("<svg") || text.startsWith("<?xml")) && isSvg(text))
        return "svg";
    return {};
}

BodyKind BodyKindDetector::detect(QByteArrayView contentType, QByteArrayView body) {
    if (body.isEmpty())
        return BodyKind::Empty;
    const QByteArray type = mediaType(contentType);
    if (type == "application/x-www-form-urlencoded")
        return BodyKind::UrlEncodedForm;
    if (type.startsWith("multipart/"))
        return BodyKind::Multipart;
    if (type.startsWith("image/"))
        return imageFormat(body).isEmpty() ? BodyKind::Binary : BodyKind::Image;
    if (type == "application/json" || type.endsWith("+json") || type == "text/json")
        return BodyKind::Json;
    if (type == "text/html" || type == "application/xhtml+xml" || type == "text/xml" ||
        type == "application/xml" || type.endsWith("+xml"))
        return BodyKind::Markup;
    if (type.contains("javascript") || type == "application/ecmascript")
        return BodyKind::JavaScript;
    if (type == "text/css")
        return BodyKind::Css;
    // Unknown or generic type: look at the bytes.
    if (!imageFormat(body).isEmpty())
        return BodyKind::Image;
    if (!looksLikeText(body))
        return BodyKind::Binary;
    const QByteArrayView text = trimmedStart(body);
    if (text.startsWith('{') || text.startsWith('['))
        return BodyKind::Json;
    if (text.startsWith('<'))
        return BodyKind::Markup;
    return BodyKind::PlainText;
}

QString BodyKindDetector::name(BodyKind kind) {
    switch (kind) {
    case BodyKind::Empty:
        return QStringLiteral("empty");
    case BodyKind::Json:
        return QStringLiteral("JSON");
    case BodyKind::Markup:
        return QStringLiteral("HTML/XML");
    case BodyKind::JavaScript:
        return QStringLiteral("JavaScript");
    case BodyKind::Css:
        return QStringLiteral("CSS");
    case BodyKind::PlainText:
        return QStringLiteral("text");
    case BodyKind::UrlEncodedForm:
        return QStringLiteral("URL-encoded form");
    case BodyKind::Multipart:
        return QStringLiteral("multipart");
    case BodyKind::Image:
        return QStringLiteral("image");
    case BodyKind::Binary:
        return QStringLiteral("binary");
    }
    return {};
}

} // namespace spyglass::ui::inspector
