#include "FormFields.h"

#include "BodyKind.h"
#include "core/store/HeadText.h"

namespace spyglass::ui::inspector {

namespace {

QByteArray formDecode(QByteArrayView text) {
    QByteArray plusAsSpace = text.toByteArray();
    plusAsSpace.replace('+', ' ');
    return QByteArray::fromPercentEncoding(plusAsSpace);
}

} // namespace

ParsedForm FormFields::parseUrlEncoded(QByteArrayView body) {
    ParsedForm form;
    for (const QByteArray& pair : body.toByteArray().split('&')) {
        if (pair.isEmpty())
            continue;
        const qsizetype equals = pair.indexOf('=');
        FormField field;
        field.name = QString::fromUtf8(
            formDecode(equals < 0 ? QByteArrayView(pair) : QByteArrayView(pair).first(equals)));
        if (equals >= 0)
            field.value = formDecode(QByteArrayView(pair).sliced(equals + 1));
        form.fields.append(std::move(field));
    }
    return form;
}

ParsedForm FormFields::parseMultipart(QByteArrayView body, QByteArrayView boundary) {
    ParsedForm form;
    if (boundary.isEmpty()) {
        form.problem = QStringLiteral("the Content-Type names no boundary");
        return form;
    }
    const QByteArray delimiter = "--" + boundary.toByteArray();
    // RFC 2046 §5.1.1: a delimiter is CRLF "--" boundary; the first one may
    // start the body without the CRLF.
    const QByteArray inner = "\r\n" + delimiter;
    qsizetype at = body.startsWith(delimiter) ? 0 : body.indexOf(inner);
    if (at < 0) {
        form.problem = QStringLiteral("the boundary does not occur in the body");
        return form;
    }
    at += at == 0 && body.startsWith(delimiter) ? delimiter.size() : inner.size();
    for (;;) {
        if (body.sliced(at).startsWith("--"))
            return form; // close-delimiter
        const qsizetype lineEnd = body.indexOf("\r\n", at);
        if (lineEnd < 0) {
            form.problem = QStringLiteral("the body ends inside a delimiter line");
            return form;
        }
        const qsizetype headEnd = body.indexOf("\r\n\r\n", lineEnd);
        if (headEnd < 0) {
            form.problem = QStringLiteral("a part has no end of its head");
            return form;
        }
        const qsizetype contentStart = headEnd + 4;
        // The part's head: the fields between the delimiter line and the
        // empty line (none when the empty line follows the delimiter).
        QByteArray headText = "part\r\n";
        if (headEnd > lineEnd)
            headText += body.sliced(lineEnd + 2, headEnd - lineEnd - 2).toByteArray() + "\r\n";
        const core::store::HeadText head =
            core::store::HeadText::parse(QByteArray(headText + "\r\n"));
        const qsizetype next = body.indexOf(inner, contentStart);
        FormField field;
        const QByteArray disposition = head.joined("Content-Disposition");
        field.name = QString::fromUtf8(BodyKindDetector::parameter(disposition, "name"));
        field.fileName = QString::fromUtf8(BodyKindDetector::parameter(disposition, "filename"));
        field.contentType = head.joined("Content-Type");
        field.value =
            body.sliced(contentStart, (next < 0 ? body.size() : next) - contentStart).toByteArray();
        form.fields.append(std::move(field));
        if (next < 0) {
            form.problem = QStringLiteral("the body ends without a closing boundary");
            return form;
        }
        at = next + inner.size();
    }
}

} // namespace spyglass::ui::inspector
