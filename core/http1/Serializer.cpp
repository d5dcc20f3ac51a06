#include "Serializer.h"

#include <algorithm>
#include <cstring>
#include <iterator>

namespace spyglass::core::http1 {

namespace {

constexpr QByteArrayView kCrlf("\r\n");

qsizetype fieldsSize(const HeaderFields& fields) {
    qsizetype n = 0;
    for (const HeaderField& f : fields.fields())
        n += f.name.size() + f.value.size() + 4; // ": " and CRLF
    return n;
}

void appendFields(QByteArray& out, const HeaderFields& fields) {
    for (const HeaderField& f : fields.fields()) {
        out.append(f.name);
        out.append(": ");
        out.append(f.value);
        out.append(kCrlf);
    }
}

void appendVersion(QByteArray& out, int minor) {
    out.append("HTTP/1.");
    out.append(static_cast<char>('0' + (minor == 0 ? 0 : 1)));
}

} // namespace

QByteArray serializeRequestHead(const RequestHead& head) {
    QByteArray out;
    out.reserve(head.method.size() + head.target.size() + 14 + fieldsSize(head.fields));
    out.append(head.method);
    out.append(' ');
    out.append(head.target);
    out.append(' ');
    appendVersion(out, head.versionMinor);
    out.append(kCrlf);
    appendFields(out, head.fields);
    out.append(kCrlf);
    return out;
}

QByteArray serializeResponseHead(const ResponseHead& head) {
    QByteArray out;
    out.reserve(head.reason.size() + 18 + fieldsSize(head.fields));
    appendVersion(out, head.versionMinor);
    out.append(' ');
    out.append(QByteArray::number(head.status));
    // status-line = HTTP-version SP status-code SP [ reason-phrase ]
    // (RFC 9112 §4): the second SP stays even when the reason is empty.
    out.append(' ');
    out.append(head.reason);
    out.append(kCrlf);
    appendFields(out, head.fields);
    out.append(kCrlf);
    return out;
}

QByteArray encodeChunk(QByteArrayView data) {
    if (data.isEmpty())
        return {};
    const QByteArray size = QByteArray::number(data.size(), 16);
    QByteArray out;
    out.reserve(size.size() + data.size() + 4);
    out.append(size);
    out.append(kCrlf);
    out.append(data);
    out.append(kCrlf);
    return out;
}

QByteArray encodeLastChunk(const HeaderFields& trailers) {
    QByteArray out;
    out.reserve(5 + fieldsSize(trailers));
    out.append("0\r\n");
    appendFields(out, trailers);
    out.append(kCrlf);
    return out;
}

QByteArray reasonPhrase(int status) {
    // RFC 9110 §15 plus the WebDAV and RFC 6585 codes proxies meet; sorted by
    // code. fromRawData: the phrases are static, so no allocation per call.
    struct Reason {
        int status;
        const char* text;
    };
    static constexpr Reason kReasons[] = {
        {100, "Continue"},
        {101, "Switching Protocols"},
        {102, "Processing"},
        {103, "Early Hints"},
        {200, "OK"},
        {201, "Created"},
        {202, "Accepted"},
        {203, "Non-Authoritative Information"},
        {204, "No Content"},
        {205, "Reset Content"},
        {206, "Partial Content"},
        {207, "Multi-Status"},
        {208, "Already Reported"},
        {226, "IM Used"},
        {300, "Multiple Choices"},
        {301, "Moved Permanently"},
        {302, "Found"},
        {303, "See Other"},
        {304, "Not Modified"},
        {305, "Use Proxy"},
        {307, "Temporary Redirect"},
        {308, "Permanent Redirect"},
        {400, "Bad Request"},
        {401, "Unauthorized"},
        {402, "Payment Required"},
        {403, "Forbidden"},
        {404, "Not Found"},
        {405, "Method Not Allowed"},
        {406, "Not Acceptable"},
        {407, "Proxy Authentication Required"},
        {408, "Request Timeout"},
        {409, "Conflict"},
        {410, "Gone"},
        {411, "Length Required"},
        {412, "Precondition Failed"},
        {413, "Content Too Large"},
        {414, "URI Too Long"},
        {415, "Unsupported Media Type"},
        {416, "Range Not Satisfiable"},
        {417, "Expectation Failed"},
        {421, "Misdirected Request"},
        {422, "Unprocessable Content"},
        {423, "Locked"},
        {424, "Failed Dependency"},
        {425, "Too Early"},
        {426, "Upgrade Required"},
        {428, "Precondition Required"},
        {429, "Too Many Requests"},
        {431, "Request Header Fields Too Large"},
        {451, "Unavailable For Legal Reasons"},
        {500, "Internal Server Error"},
        {501, "Not Implemented"},
        {502, "Bad Gateway"},
        {503, "Service Unavailable"},
        {504, "Gateway Timeout"},
        {505, "HTTP Version Not Supported"},
        {506, "Variant Also Negotiates"},
        {507, "Insufficient Storage"},
        {508, "Loop Detected"},
        {510, "Not Extended"},
        {511, "Network Authentication Required"},
    };
    const auto* it = std::lower_bound(std::begin(kReasons), std::end(kReasons), status,
                                      [](const Reason& r, int s) { return r.status < s; });
    const char* text = (it != std::end(kReasons) && it->status == status) ? it->text : "Unknown";
    return QByteArray::fromRawData(text, static_cast<qsizetype>(std::strlen(text)));
}

} // namespace spyglass::core::http1
