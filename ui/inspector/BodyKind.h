#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

namespace spyglass::ui::inspector {

// What a body is, from its Content-Type and, when that says nothing useful,
// from its first bytes (servers often send application/octet-stream or no
// type at all). Decides the body viewer's Auto mode and the highlighting.
enum class BodyKind {
    Empty,
    Json,
    Markup, // HTML, XML
    JavaScript,
    Css,
    PlainText,
    UrlEncodedForm,
    Multipart,
    Image,
    Binary,
};

class BodyKindDetector {
public:
    static BodyKind detect(QByteArrayView contentType, QByteArrayView body);
    // The media type alone, lower-cased, without parameters ("text/html").
    static QByteArray mediaType(QByteArrayView contentType);
    // A parameter of a Content-Type ("boundary", "charset"), unquoted.
    static QByteArray parameter(QByteArrayView contentType, QByteArrayView name);
    // True when the first bytes look like text (no NUL, valid UTF-8).
    static bool looksLikeText(QByteArrayView body);
    // The image format Qt's readers use ("png", "jpeg", "gif", "webp",
    // "svg"), from magic bytes; "" when not an image we know.
    static QByteArray imageFormat(QByteArrayView body);
    static QString name(BodyKind kind);
};

} // namespace spyglass::ui::inspector
