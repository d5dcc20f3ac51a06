#include "LlhttpVectorFile.h"

#include <QFile>
#include <QHash>
#include <QJsonDocument>

namespace spyglass::core::http1::test {

namespace {

// The code point as UTF-8: llhttp's harness builds a JavaScript string from
// the escapes and writes it out as UTF-8, so "\xff" becomes C3 BF (the log of
// "255 ASCII in header value" counts two bytes for it).
void appendCodePoint(QByteArray& out, int cp) {
    if (cp < 0x80) {
        out.append(static_cast<char>(cp));
    } else {
        out.append(static_cast<char>(0xc0 | (cp >> 6)));
        out.append(static_cast<char>(0x80 | (cp & 0x3f)));
    }
}

bool isOctal(char c) {
    return c >= '0' && c <= '7';
}

int hexDigit(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

struct Span {
    QByteArray name;
    QByteArray value;
    qsizetype length = -1;
};

// `off=49 len=8 span[header_value]="ÿValue2"` or `... span[body]=lf`
bool readSpan(const QByteArray& line, Span& span) {
    const qsizetype open = line.indexOf("span[");
    if (open < 0)
        return false;
    const qsizetype close = line.indexOf("]=", open);
    span.name = line.mid(open + 5, close - open - 5);
    const QByteArray rest = line.mid(close + 2);
    // The log prints control characters as escapes ("close\t"), other bytes
    // (quotes and backslashes included) as they are.
    if (rest.startsWith('"') && rest.size() >= 2 && rest.endsWith('"'))
        span.value = decodeEscapes(rest.mid(1, rest.size() - 2));
    else if (rest == "cr")
        span.value = "\r";
    else if (rest == "lf")
        span.value = "\n";
    else
        span.value = rest;
    const qsizetype len = line.indexOf(" len=");
    if (len >= 0)
        span.length = line.mid(len + 5, line.indexOf(' ', len + 5) - len - 5).toLongLong();
    return true;
}

} // namespace

QByteArray decodeBlock(const QByteArrayList& lines) {
    QByteArray text = lines.join('\n');
    text.replace("\\\n", "");
    text.replace("\n", "\r\n");
    return decodeEscapes(text);
}

QByteArray decodeEscapes(const QByteArray& text) {
    QByteArray out;
    out.reserve(text.size());
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c != '\\' || i + 1 >= text.size()) {
            out.append(c);
            continue;
        }
        const char e = text[i + 1];
        if (e == 'r' || e == 'n' || e == 't' || e == 'f') {
            out.append(e == 'r' ? '\r' : e == 'n' ? '\n' : e == 't' ? '\t' : '\f');
            ++i;
        } else if (e == 'x' && i + 3 < text.size() && hexDigit(text[i + 2]) >= 0 &&
                   hexDigit(text[i + 3]) >= 0) {
            appendCodePoint(out, hexDigit(text[i + 2]) * 16 + hexDigit(text[i + 3]));
            i += 3;
        } else if (isOctal(e)) {
            int value = 0;
            qsizetype j = i + 1;
            while (j < text.size() && j < i + 4 && isOctal(text[j]))
                value = value * 8 + (text[j++] - '0');
            appendCodePoint(out, value);
            i = j - 1;
        } else {
            out.append(c);
        }
    }
    return out;
}

QList<VectorCase> loadVectorFile(const QString& path, const QByteArray& relativeName) {
    QList<VectorCase> cases;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return cases;
    const QByteArrayList lines = file.readAll().split('\n');
    QHash<QByteArray, int> seen;
    QByteArray heading;
    QJsonObject meta;
    VectorCase pending;
    bool havePending = false;
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const QByteArray line = lines[i];
        if (line.startsWith('#')) {
            heading = line.mid(line.indexOf(' ') + 1).trimmed();
            meta = QJsonObject();
        } else if (line.startsWith("<!-- meta=")) {
            const qsizetype end = line.lastIndexOf("-->");
            meta = QJsonDocument::fromJson(line.mid(10, end - 10)).object();
        } else if (line.startsWith("```") && line.size() > 3) {
            const QByteArray lang = line.mid(3).trimmed();
            QByteArrayList block;
            for (++i; i < lines.size() && lines[i] != "```"; ++i)
                block.append(lines[i]);
            if (lang == "http" || lang == "url") {
                pending = VectorCase{};
                pending.file = relativeName;
                pending.heading = heading;
                pending.meta = meta;
                pending.type = lang == "url"
                                   ? QByteArray("url")
                                   : meta.value(QLatin1StringView("type")).toString().toLatin1();
                pending.input = decodeBlock(block);
                havePending = true;
            } else if (lang == "log" && havePending) {
                pending.log = block;
                const int n = ++seen[heading];
                pending.key = relativeName + " :: " + heading;
                if (n > 1)
                    pending.key += " #" + QByteArray::number(n);
                cases.append(pending);
                havePending = false;
            }
        }
    }
    return cases;
}

LogExpectation readLog(const QByteArrayList& log) {
    LogExpectation out;
    for (const QByteArray& line : log) {
        Span span;
        if (line.endsWith(" message begin")) {
            out.bodies.append(QByteArray());
        } else if (line.contains(" headers complete ")) {
            ++out.heads;
        } else if (line.endsWith(" message complete")) {
            ++out.messages;
        } else if (line.contains(" error code=")) {
            const qsizetype at = line.indexOf("code=") + 5;
            const int code = line.mid(at, line.indexOf(' ', at) - at).toInt();
            if (code == 22 || code == 23)
                out.pauseCode = code;
            else
                out.rejected = true;
        } else if (line.contains("finish=")) {
            out.finish = line.mid(line.indexOf("finish=") + 7).toInt();
        } else if (readSpan(line, span)) {
            if (span.length >= 0 && span.length != span.value.size())
                out.logIsConsistent = false;
            if (span.name == "body" && !out.bodies.isEmpty())
                out.bodies.last() += span.value;
        }
    }
    return out;
}

UrlExpectation readUrlLog(const QByteArrayList& log) {
    UrlExpectation out;
    for (const QByteArray& line : log) {
        Span span;
        if (line.contains(" error code=")) {
            out.rejected = true;
        } else if (readSpan(line, span)) {
            const QByteArray part = span.name.mid(span.name.indexOf('.') + 1);
            if (part == "schema") {
                out.hasSchema = true;
                out.schema = span.value;
            } else if (part == "host") {
                out.hasHost = true;
                out.host = span.value;
            } else if (part == "path") {
                out.hasPath = true;
                out.path = span.value;
            } else if (part == "query") {
                out.hasQuery = true;
                out.query = span.value;
            } else if (part == "fragment") {
                out.hasFragment = true;
                out.fragment = span.value;
            }
        }
    }
    return out;
}

} // namespace spyglass::core::http1::test
