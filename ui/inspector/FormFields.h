#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>

namespace spyglass::ui::inspector {

// One field of a submitted form: a name=value pair of an
// application/x-www-form-urlencoded body, or one part of a multipart body
// (RFC 7578) with its own head.
struct FormField {
    QString name;
    QString fileName;       // multipart parts that carry a file
    QByteArray contentType; // multipart parts that name one
    QByteArray value;       // decoded bytes (percent-decoding, or the part's content)
};

struct ParsedForm {
    QList<FormField> fields;
    QString problem; // why parsing stopped early; empty when the body parsed whole
};

// Lenient parsers: the inspector shows what was sent, including malformed
// forms, as far as they go.
class FormFields {
public:
    // "a=1&b=two+words&c=%E2%9C%93": '+' is a space (HTML's urlencoded
    // serializer), percent escapes are bytes.
    static ParsedForm parseUrlEncoded(QByteArrayView body);
    // `boundary` from the Content-Type's boundary parameter (RFC 2046 §5.1.1).
    static ParsedForm parseMultipart(QByteArrayView body, QByteArrayView boundary);
};

} // namespace spyglass::ui::inspector
