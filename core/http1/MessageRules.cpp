#include "MessageRules.h"

#include "HttpChars.h"
#include "RequestTarget.h"

#include <limits>
#include <optional>

namespace spyglass::core::http1 {

namespace {

ParseError badRequest(QByteArrayView reason) {
    return ParseError{400, reason.toByteArray()};
}

// Content-Length = 1*DIGIT (RFC 9110 §8.6). RFC 9112 §6.3 item 5: "If a
// message is received without Transfer-Encoding and with an invalid
// Content-Length header field, then the message framing is invalid and the
// recipient MUST treat it as an unrecoverable error, unless the field value can
// be successfully parsed as a comma-separated list ..., all values in the list
// are valid, and all values in the list are the same". We do not take that
// exception: a list, or more than one field line, is rejected even when the
// values agree (stricter; one fewer way for two parsers to differ).
struct ContentLength {
    bool present = false;
    qint64 value = 0;
};

std::variant<ContentLength, ParseError> readContentLength(const HeaderFields& fields) {
    const QList<QByteArray> values = fields.values("Content-Length");
    if (values.isEmpty())
        return ContentLength{};
    if (values.size() > 1)
        return duplicateContentLength();
    ContentLength out{true, 0};
    if (std::optional<ParseError> error = checkContentLength(values.front(), out.value))
        return *error;
    return out;
}

struct Codings {
    bool present = false;
    bool allKnown = true;
    bool chunkedLast = false;
    int chunkedCount = 0;
};

// transfer-coding = token *( OWS ";" OWS transfer-parameter ) (RFC 9112 §7).
std::variant<Codings, ParseError> readCodings(const HeaderFields& fields) {
    Codings out;
    out.present = fields.contains("Transfer-Encoding");
    if (!out.present)
        return out;
    const QList<QByteArray> elements = fields.listElements("Transfer-Encoding");
    if (elements.isEmpty())
        return badRequest("empty Transfer-Encoding");
    for (const QByteArray& element : elements) {
        const qsizetype semicolon = element.indexOf(';');
        const QByteArrayView whole(element);
        const QByteArrayView name = chars::trimOws(semicolon < 0 ? whole : whole.first(semicolon));
        if (!chars::isToken(name))
            return badRequest("invalid transfer coding");
        const bool chunked = chars::equalsIgnoreCase(name, "chunked");
        out.chunkedCount += chunked ? 1 : 0;
        out.chunkedLast = chunked;
        // RFC 9112 §7.2: "A recipient SHOULD consider "x-gzip" to be
        // equivalent to "gzip"" (and "x-compress" to "compress"). "identity"
        // left the registry with RFC 7230.
        static constexpr QByteArrayView kKnown[] = {"chunked", "compress",   "deflate",
                                                    "gzip",    "x-compress", "x-gzip"};
        bool known = false;
        for (QByteArrayView k : kKnown)
            known = known || chars::equalsIgnoreCase(name, k);
        out.allKnown = out.allKnown && known;
    }
    // RFC 9112 §7.1: "A sender MUST NOT apply the chunked transfer coding more
    // than once to a message body".
    if (out.chunkedCount > 1)
        return badRequest("chunked transfer coding applied more than once");
    return out;
}

// RFC 9112 §9.3: "If the "close" connection option is present, the connection
// will not persist after the current response; else, If the received protocol
// is HTTP/1.1 (or later), the connection will persist after the current
// response; else, If the received protocol is HTTP/1.0, the "keep-alive"
// connection option is present, ... the connection will persist".
bool persists(const HeaderFields& fields, int versionMinor) {
    if (fields.hasToken("Connection", "close"))
        return false;
    return versionMinor >= 1 || fields.hasToken("Connection", "keep-alive");
}

} // namespace

ParseError duplicateContentLength() {
    return badRequest("more than one Content-Length field");
}

std::optional<ParseError> checkContentLength(QByteArrayView text, qint64& out) {
    if (text.contains(','))
        return badRequest("Content-Length holds a list of values");
    if (text.isEmpty())
        return badRequest("empty Content-Length");
    qint64 value = 0;
    for (char c : text) {
        if (!chars::isDigit(c))
            return badRequest("Content-Length is not a decimal number");
        if (value > (std::numeric_limits<qint64>::max() - 9) / 10)
            return badRequest("Content-Length too large");
        value = value * 10 + (c - '0');
    }
    out = value;
    return std::nullopt;
}

RuleResult checkRequestHead(const RequestHead& head) {
    // Framing first: when a request breaks several rules, the one that could
    // desynchronise the connection is the one reported.
    const auto cl = readContentLength(head.fields);
    if (const ParseError* e = std::get_if<ParseError>(&cl))
        return *e;
    const ContentLength contentLength = std::get<ContentLength>(cl);
    const auto te = readCodings(head.fields);
    if (const ParseError* e = std::get_if<ParseError>(&te))
        return *e;
    const Codings codings = std::get<Codings>(te);

    FramingDecision out;
    out.keepAlive = persists(head.fields, head.versionMinor);
    const bool connect = head.method == "CONNECT";
    if (connect) {
        // RFC 9110 §9.3.6: "A CONNECT request message does not have content."
        if (codings.present || (contentLength.present && contentLength.value != 0))
            return badRequest("CONNECT request with content");
    } else if (codings.present) {
        // RFC 9112 §6.1: "A server or client that receives an HTTP/1.0 message
        // containing a Transfer-Encoding header field MUST treat the message as
        // if the framing is faulty".
        if (head.versionMinor == 0)
            return badRequest("Transfer-Encoding in an HTTP/1.0 request");
        // RFC 9112 §6.1: "A server MAY reject a request that contains both
        // Content-Length and Transfer-Encoding or process such a request in
        // accordance with the Transfer-Encoding alone." We reject.
        if (contentLength.present)
            return badRequest("both Transfer-Encoding and Content-Length");
        // RFC 9112 §6.1: "A server that receives a request message with a
        // transfer coding it does not understand SHOULD respond with 501 (Not
        // Implemented)."
        if (!codings.allKnown)
            return ParseError{501, QByteArrayLiteral("unknown transfer coding")};
        // RFC 9112 §6.3 item 4: "If a Transfer-Encoding header field is present
        // in a request and the chunked transfer coding is not the final
        // encoding, the message body length cannot be determined reliably; the
        // server MUST respond with the 400 (Bad Request) status code and then
        // close the connection."
        if (!codings.chunkedLast)
            return badRequest("chunked is not the final transfer coding");
        out.framing = BodyFraming::Chunked;
    } else if (contentLength.present) {
        out.framing = BodyFraming::ContentLength;
        out.contentLength = contentLength.value;
    }
    // RFC 9112 §6.3 item 6: "If this is a request message and none of the
    // above are true, then the message body length is zero".

    const std::optional<RequestTarget> target = parseRequestTarget(head.method, head.target);
    if (!target) {
        if (connect)
            // RFC 9110 §9.3.6: "A client sending a CONNECT request MUST send
            // the authority form of request-target".
            return badRequest("CONNECT needs an authority-form target host:port");
        if (head.target == "*")
            return badRequest("the asterisk-form target is only for OPTIONS");
        return badRequest("invalid request-target");
    }
    if (!target->userInfo.isEmpty())
        // RFC 9110 §4.2.4: "Before making use of an "http" or "https" URI
        // reference received from an untrusted source, a recipient SHOULD parse
        // for userinfo and treat its presence as an error".
        return badRequest("userinfo in the request-target");

    // RFC 9112 §3.2: "A server MUST respond with a 400 (Bad Request) status
    // code to any HTTP/1.1 request message that lacks a Host header field and
    // to any request message that contains more than one Host header field line
    // or a Host header field with an invalid field value."
    const QList<QByteArray> hosts = head.fields.values("Host");
    if (hosts.size() > 1)
        return badRequest("more than one Host field");
    if (hosts.isEmpty() && head.versionMinor >= 1)
        return badRequest("HTTP/1.1 request without a Host field");
    if (!hosts.isEmpty() && !parseAuthority(hosts.front(), false))
        return badRequest("invalid Host field value");
    return out;
}

RuleResult checkResponseHead(const ResponseHead& head, QByteArrayView requestMethod) {
    const auto cl = readContentLength(head.fields);
    if (const ParseError* e = std::get_if<ParseError>(&cl))
        return *e;
    const ContentLength contentLength = std::get<ContentLength>(cl);
    const auto te = readCodings(head.fields);
    if (const ParseError* e = std::get_if<ParseError>(&te))
        return *e;
    const Codings codings = std::get<Codings>(te);
    // RFC 9112 §6.1, as for requests: Transfer-Encoding in HTTP/1.0 is faulty.
    if (codings.present && head.versionMinor == 0)
        return badRequest("Transfer-Encoding in an HTTP/1.0 response");

    FramingDecision out;
    const int status = head.status;
    const bool informational = status < 200;
    out.keepAlive = informational || persists(head.fields, head.versionMinor);
    // RFC 9112 §6.3 item 1: "Any response to a HEAD request and any response
    // with a 1xx (Informational), 204 (No Content), or 304 (Not Modified)
    // status code is always terminated by the first empty line after the
    // header fields, regardless of the header fields present in the message,
    // and thus cannot contain a message body or trailer section."
    if (informational) {
        // RFC 9110 §15.2.2: 101 — the server "is switching protocols ...
        // immediately after the empty line that terminates the 101 response".
        out.switchesProtocol = status == 101;
        out.interim = status != 101;
        return out;
    }
    if (requestMethod == "HEAD" || status == 204 || status == 304)
        return out;
    // RFC 9112 §6.3 item 2: "Any 2xx (Successful) response to a CONNECT request
    // implies that the connection will become a tunnel immediately after the
    // empty line that concludes the header fields. A client MUST ignore any
    // Content-Length or Transfer-Encoding header fields received in such a
    // message."
    if (requestMethod == "CONNECT" && status < 300) {
        out.switchesProtocol = true;
        return out;
    }
    if (codings.present) {
        // RFC 9112 §6.3 item 3: "If a message is received with both a
        // Transfer-Encoding and a Content-Length header field, the
        // Transfer-Encoding overrides the Content-Length. ... An intermediary
        // that chooses to forward the message MUST first remove the received
        // Content-Length field". The head is reported as received; the proxy
        // re-serialises it and drops Content-Length when framing is Chunked.
        // Item 4: "If a Transfer-Encoding header field is present in a response
        // and the chunked transfer coding is not the final encoding, the
        // message body length is determined by reading the connection until it
        // is closed by the server."
        out.framing = codings.chunkedLast ? BodyFraming::Chunked : BodyFraming::UntilClose;
    } else if (contentLength.present) {
        out.framing = BodyFraming::ContentLength;
        out.contentLength = contentLength.value;
    } else {
        // Item 8: "Otherwise, this is a response message without a declared
        // message body length, so the message body length is determined by the
        // number of octets received prior to the server closing the connection."
        out.framing = BodyFraming::UntilClose;
    }
    if (out.framing == BodyFraming::UntilClose)
        out.keepAlive = false;
    return out;
}

} // namespace spyglass::core::http1
