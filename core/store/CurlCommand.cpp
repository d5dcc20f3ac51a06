#include "CurlCommand.h"

#include "HeadText.h"
#include "HeaderRedaction.h"

#include <QStringDecoder>

namespace spyglass::core::store {

namespace {

// Framing and hop-by-hop fields curl sets itself, and the proxy's own.
bool skipped(const QByteArray& name) {
    static const char* const kSkipped[] = {"host",
                                           "content-length",
                                           "transfer-encoding",
                                           "connection",
                                           "proxy-connection",
                                           "proxy-authorization",
                                           "keep-alive",
                                           "te",
                                           "upgrade",
                                           "accept-encoding"};
    for (const char* s : kSkipped) {
        if (name.compare(s, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

bool isText(const QByteArray& data) {
    QStringDecoder utf8(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    (void)utf8(data);
    return !utf8.hasError() && !data.contains('\0');
}

QByteArray octalEscaped(const QByteArray& data) {
    // printf %b understands \0ooo in every POSIX shell (\x is a bash-ism).
    QByteArray out;
    out.reserve(data.size() * 5);
    for (char c : data) {
        const auto byte = static_cast<unsigned char>(c);
        out += "\\0";
        out += QByteArray::number(byte, 8).rightJustified(3, '0');
    }
    return out;
}

} // namespace

QByteArray CurlCommand::shellQuote(const QByteArray& text) {
    QByteArray quoted = text;
    quoted.replace('\'', "'\\''");
    return '\'' + quoted + '\'';
}

QByteArray CurlCommand::build(const ExchangeDetail& exchange, const BodyContent* body,
                              bool redact) {
    const StoredHead* requestHead = exchange.head(record::Direction::Request);
    const HeadText head = HeadText::parse(requestHead ? requestHead->raw : QByteArray());
    const ListRow& row = exchange.row;
    QByteArray prefix;
    QByteArray command = "curl";
    if (row.scheme == "https")
        command += " --http1.1";
    if (head.httpVersion() == "HTTP/1.0")
        command += " --http1.0";
    const bool hasBody = body && body->stored > 0;
    const bool implied = (row.method == "GET" && !hasBody) || (row.method == "POST" && hasBody) ||
                         (row.method == "HEAD");
    if (row.method == "HEAD")
        command += " --head";
    else if (!implied)
        command += " -X " + shellQuote(row.method);
    if (head.value("accept-encoding"))
        command += " --compressed";
    for (const HeadField& field : head.fields()) {
        if (skipped(field.name.toLower()))
            continue;
        const QByteArray value =
            redact ? HeaderRedaction::redact(field.name, field.value) : field.value;
        command += " -H " + shellQuote(field.name + ": " + value);
    }
    if (hasBody) {
        if (!body->truncated.isEmpty())
            prefix += "# the recorded request body is truncated (" + body->truncated +
                      "): " + QByteArray::number(body->stored) + " of " +
                      QByteArray::number(body->size) + " bytes\n";
        if (isText(body->data)) {
            command += " --data-raw " + shellQuote(body->data);
        } else if (body->data.size() <= kMaxInlineBody) {
            prefix += "printf '%b' " + shellQuote(octalEscaped(body->data)) + " | ";
            command += " --data-binary @-";
        } else {
            prefix += "# the binary request body (" + QByteArray::number(body->data.size()) +
                      " bytes) is too large to inline; it is omitted\n";
        }
    }
    command += ' ' + shellQuote(row.url());
    return prefix + command;
}

} // namespace spyglass::core::store
