#pragma once

// Where our codec deliberately parts from llhttp's vectors. Every row names one
// case ("file :: heading") and the rule that makes the difference, with the RFC
// sentence behind the rule above its group. The vector test fails on any
// difference that is not listed here, on a row whose case no longer differs (a
// stale exception), and on a "stricter" row whose rejection does not come from
// the listed rule (checked against our ParseError reason).

#include <QByteArray>

namespace spyglass::core::http1::test {

enum class Rule {
    HostRequired,
    HttpNameOnly,
    NoHttp09Request,
    VersionNotSupported,
    AsteriskOnlyForOptions,
    ConnectHasNoContent,
    NoFragmentInTarget,
    NoUserinfoInTarget,
    NoZoneIdInHost,
    AnyTokenMethod,
};

struct RuleInfo {
    Rule rule;
    bool stricter;      // true: we reject what llhttp accepts; false: the other way round
    const char* reason; // part of our ParseError reason for a stricter rule
    const char* name;
};

inline constexpr RuleInfo kRules[] = {
    {Rule::HostRequired, true, "without a Host field", "Host required (RFC 9112 §3.2)"},
    {Rule::HttpNameOnly, true, "malformed HTTP version", "only HTTP-name \"HTTP\" (RFC 9112 §2.3)"},
    {Rule::NoHttp09Request, true, "without an HTTP version", "no HTTP/0.9 (RFC 9112 §3)"},
    {Rule::VersionNotSupported, true, "HTTP version not supported", "505 (RFC 9110 §15.6.6)"},
    {Rule::AsteriskOnlyForOptions, true, "only for OPTIONS", "asterisk-form (RFC 9112 §3.2.4)"},
    {Rule::ConnectHasNoContent, true, "CONNECT request with content", "CONNECT (RFC 9110 §9.3.6)"},
    {Rule::NoFragmentInTarget, true, "invalid request-target", "no fragment (RFC 9112 §3.2)"},
    {Rule::NoUserinfoInTarget, true, "userinfo", "no userinfo (RFC 9110 §4.2.4)"},
    {Rule::NoZoneIdInHost, true, "", "no IPv6 zone ID (RFC 3986 §3.2.2)"},
    {Rule::AnyTokenMethod, false, "", "any token method (RFC 9110 §9.1)"},
};

struct Deviation {
    const char* key;
    Rule rule;
};

inline constexpr Deviation kDeviations[] = {
    // RFC 9112 §3.2: "A server MUST respond with a 400 (Bad Request) status
    // code to any HTTP/1.1 request message that lacks a Host header field and
    // to any request message that contains more than one Host header field line
    // or a Host header field with an invalid field value." llhttp leaves Host
    // to the application and most of its samples have none. For these rows the
    // test also runs the case with a Host field added to every request and
    // then requires llhttp's result (messages, heads, bodies); except for
    // "Content-Length reset when no body is received", whose "skipBody" harness
    // mode (llhttp's on_headers_complete returning 1 for a request) no request
    // reader has: a request's body length is in its own head.
    {"request/connection.md :: Setting flag", Rule::HostRequired},
    {"request/connection.md :: Restarting when keep-alive is explicitly", Rule::HostRequired},
    {"request/connection.md :: Setting flag on `close`", Rule::HostRequired},
    {"request/connection.md :: Setting flag on `close` followed by tab", Rule::HostRequired},
    {"request/connection.md :: Sample", Rule::HostRequired},
    {"request/connection.md :: Multiple tokens with folding and LWS", Rule::HostRequired},
    {"request/connection.md :: Setting a flag and pausing", Rule::HostRequired},
    {"request/connection.md :: Emitting part of body and pausing", Rule::HostRequired},
    {"request/content-length.md :: `Content-Length` with zeroes", Rule::HostRequired},
    {"request/content-length.md :: `Content-Length` with follow-up headers", Rule::HostRequired},
    {"request/content-length.md :: Spaces in `Content-Length` (surrounding)", Rule::HostRequired},
    {"request/content-length.md :: Tabs in `Content-Length` (surrounding)", Rule::HostRequired},
    {"request/content-length.md :: Content-Length reset when no body is received",
     Rule::HostRequired},
    {"request/finish.md :: It should be safe to finish after GET request", Rule::HostRequired},
    {"request/method.md :: REPORT request", Rule::HostRequired},
    {"request/pausing.md :: on_message_begin", Rule::HostRequired},
    {"request/pausing.md :: on_message_complete", Rule::HostRequired},
    {"request/pausing.md :: on_protocol_complete", Rule::HostRequired},
    {"request/pausing.md :: on_method_complete", Rule::HostRequired},
    {"request/pausing.md :: on_url_complete", Rule::HostRequired},
    {"request/pausing.md :: on_version_complete", Rule::HostRequired},
    {"request/pausing.md :: on_header_field_complete", Rule::HostRequired},
    {"request/pausing.md :: on_header_value_complete", Rule::HostRequired},
    {"request/pausing.md :: on_headers_complete", Rule::HostRequired},
    {"request/pausing.md :: on_chunk_header", Rule::HostRequired},
    {"request/pausing.md :: on_chunk_extension_name", Rule::HostRequired},
    {"request/pausing.md :: on_chunk_extension_value", Rule::HostRequired},
    {"request/pausing.md :: on_chunk_complete", Rule::HostRequired},
    {"request/pipelining.md :: Should parse multiple events", Rule::HostRequired},
    {"request/sample.md :: Simple request", Rule::HostRequired},
    {"request/sample.md :: Request with method starting with `H`", Rule::HostRequired},
    {"request/sample.md :: DUMBPACK", Rule::HostRequired},
    {"request/sample.md :: No headers and no body", Rule::HostRequired},
    {"request/sample.md :: One header and no body", Rule::HostRequired},
    {"request/sample.md :: Prefix newline", Rule::HostRequired},
    {"request/sample.md :: Request starting with CRLF", Rule::HostRequired},
    {"request/sample.md :: Extended Characters", Rule::HostRequired},
    {"request/sample.md :: 255 ASCII in header value", Rule::HostRequired},
    {"request/transfer-encoding.md :: Parsing and setting flag", Rule::HostRequired},
    {"request/transfer-encoding.md :: Parse chunks with lowercase size", Rule::HostRequired},
    {"request/transfer-encoding.md :: Parse chunks with uppercase size", Rule::HostRequired},
    {"request/transfer-encoding.md :: POST with `Transfer-Encoding: chunked`", Rule::HostRequired},
    {"request/transfer-encoding.md :: Two chunks and triple zero prefixed end chunk",
     Rule::HostRequired},
    {"request/transfer-encoding.md :: Trailing headers", Rule::HostRequired},
    {"request/transfer-encoding.md :: Chunk extensions", Rule::HostRequired},
    {"request/transfer-encoding.md :: Chunk extensions quoting", Rule::HostRequired},
    {"request/uri.md :: Quotes in URI", Rule::HostRequired},
    {"request/uri.md :: Query URL with question mark", Rule::HostRequired},
    {"request/uri.md :: Host terminated by a query string", Rule::HostRequired},
    {"request/uri.md :: `host:port` terminated by a query string", Rule::HostRequired},
    {"request/uri.md :: Query URL with vertical bar character", Rule::HostRequired},
    {"request/uri.md :: `host:port` terminated by a space", Rule::HostRequired},

    // RFC 9112 §2.3: "HTTP-version = HTTP-name "/" DIGIT "." DIGIT" with
    // "HTTP-name = %s"HTTP"". llhttp also parses RTSP and ICE (SHOUTcast);
    // neither is HTTP and a proxy for HTTP has no business relaying them.
    {"request/method.md :: SOURCE request with ICE", Rule::HttpNameOnly},
    {"request/method.md :: OPTIONS request with RTSP", Rule::HttpNameOnly},
    {"request/method.md :: ANNOUNCE request with RTSP", Rule::HttpNameOnly},
    {"response/sample.md :: RTSP response", Rule::HttpNameOnly},
    {"response/sample.md :: ICE response", Rule::HttpNameOnly},

    // RFC 9112 §3: "request-line = method SP request-target SP HTTP-version";
    // "GET /" is an HTTP/0.9 simple request, which llhttp still accepts.
    {"request/sample.md :: No HTTP version", Rule::NoHttp09Request},

    // RFC 9110 §15.6.6: 505 "indicates that the server does not support, or
    // refuses to support, the major version of HTTP that was used in the
    // request message"; we speak HTTP/1.0 and HTTP/1.1 only.
    {"response/sample.md :: HTTP version 0.9", Rule::VersionNotSupported},

    // RFC 9112 §3.2.4: "The asterisk-form of request-target is only used for a
    // server-wide OPTIONS request". ("PRI * HTTP/1.1" is llhttp's h2 preface
    // pause; a proxy reading HTTP/1 rejects it.)
    {"request/method.md :: M-SEARCH request", Rule::AsteriskOnlyForOptions},
    {"request/method.md :: PRI request HTTP2", Rule::AsteriskOnlyForOptions},

    // RFC 9110 §9.3.6: "A CONNECT request message does not have content."
    // llhttp ignores the Content-Length; we refuse a CONNECT that declares a
    // body, since the bytes after it would be read as tunnel data by one side
    // and as a body by the other.
    {"request/method.md :: CONNECT with body", Rule::ConnectHasNoContent},

    // RFC 9112 §3.2.1: "origin-form = absolute-path [ "?" query ]" and §3.2.2
    // "absolute-form = absolute-URI" (RFC 3986 §4.3: absolute-URI = scheme ":"
    // hier-part [ "?" query ]): a request-target has no fragment.
    {"request/transfer-encoding.md :: POST with `chunked` as last transfer-encoding",
     Rule::NoFragmentInTarget},
    {"request/transfer-encoding.md :: POST with `chunked` as last transfer-encoding (multiple "
     "headers)",
     Rule::NoFragmentInTarget},
    {"request/uri.md :: Fragment in URI", Rule::NoFragmentInTarget},
    {"url.md :: Absolute URL", Rule::NoFragmentInTarget},
    {"url.md :: Relative URL", Rule::NoFragmentInTarget},
    {"url.md :: URL fragment", Rule::NoFragmentInTarget},
    {"url.md :: Complex URL fragment", Rule::NoFragmentInTarget},
    {"url.md :: Complex URL from node.js url parser doc", Rule::NoFragmentInTarget},
    {"url.md :: Complex URL with basic auth from node.js url parser doc", Rule::NoFragmentInTarget},

    // RFC 9110 §4.2.4: "Before making use of an "http" or "https" URI reference
    // received from an untrusted source, a recipient SHOULD parse for userinfo
    // and treat its presence as an error".
    {"request/uri.md :: `host:port` and basic auth", Rule::NoUserinfoInTarget},

    // RFC 3986 §3.2.2: "IP-literal = "[" ( IPv6address / IPvFuture ) "]"". The
    // RFC 6874 zone ID names an interface of the sending host; it means nothing
    // to a proxy and browsers never send it.
    {"url.md :: IPv6 address with Zone ID", Rule::NoZoneIdInHost},
    {"url.md :: IPv6 address with Zone ID, but `%` is not percent-encoded", Rule::NoZoneIdInHost},

    // RFC 9110 §9.1: "method = token"; §9.1 also: "An origin server that
    // receives a request method that is unrecognized or not implemented SHOULD
    // respond with the 501 (Not Implemented) status code" - the origin's
    // decision, not a proxy's. llhttp 8.1 knows a fixed list; we pass any
    // token (WebDAV, RTSP-named methods over HTTP, custom ones). "MKCOLA"
    // lacks a Host field as well; with one added we accept it.
    {"request/invalid.md :: HTTP protocol and ANNOUNCE method", Rule::AnyTokenMethod},
    {"request/invalid.md :: Invalid method", Rule::AnyTokenMethod},
};

inline const RuleInfo& ruleInfo(Rule rule) {
    for (const RuleInfo& r : kRules)
        if (r.rule == rule)
            return r;
    return kRules[0];
}

inline const Deviation* findDeviation(const QByteArray& key) {
    for (const Deviation& d : kDeviations)
        if (key == d.key)
            return &d;
    return nullptr;
}

} // namespace spyglass::core::http1::test
