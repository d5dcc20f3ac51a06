#include "HeadGate.h"

#include "HttpChars.h"
#include "MessageRules.h"

#include <algorithm>

namespace spyglass::core::http1 {

namespace {

// Most heads fit; larger ones grow the buffer geometrically.
constexpr qsizetype kInitialReserve = 2048;

} // namespace

HeadGate::HeadGate(Kind kind, const Http1Limits& limits)
    : m_kind(kind)
    , m_limits(limits) {}

bool HeadGate::hasStarted() const {
    return m_state != State::Idle && m_state != State::IdleLf;
}

void HeadGate::reset() {
    m_state = State::Idle;
    m_buf = QByteArray();
    m_fields.clear();
    m_start = StartLineInfo{};
    m_lineLength = 0;
    m_versionIndex = 0;
    m_versionMajor = 0;
    m_codeIndex = 0;
    m_firstFieldLine = true;
    m_valueBegin = -1;
    m_valueEnd = 0;
    m_contentLengthLines = 0;
}

void HeadGate::refuseFurtherMessages(QByteArray reason) {
    m_closedReason = std::move(reason);
}

// The reason for an octet that is not allowed where it is: a bare LF is the
// common case worth naming (RFC 9112 §2.2 lets a recipient accept one; we do
// not, as llhttp's strict mode does not).
QByteArrayView HeadGate::unexpected(char c, QByteArrayView otherwise) {
    return c == '\n' ? QByteArrayView("bare LF as a line terminator (CRLF required)") : otherwise;
}

qsizetype HeadGate::fail(int status, QByteArrayView reason, qsizetype consumed) {
    m_state = State::Failed;
    m_error = ParseError{status, reason.toByteArray()};
    return consumed;
}

qsizetype HeadGate::feed(QByteArrayView data) {
    const char* d = data.data();
    const qsizetype n = data.size();
    qsizetype i = 0;
    // RFC 9112 §2.2: "In the interest of robustness, a server that is expecting
    // to receive and parse a request-line SHOULD ignore at least one empty
    // line (CRLF) received prior to the request-line." We ignore any number
    // (they are not buffered) and do the same before a status line, as llhttp
    // does: servers send a stray CRLF after a 100 Continue.
    while (i < n && (m_state == State::Idle || m_state == State::IdleLf)) {
        const char c = d[i];
        if (m_state == State::IdleLf) {
            if (c != '\n')
                return fail(400, "CR not followed by LF before the start line", i);
            m_state = State::Idle;
            ++i;
        } else if (c == '\r') {
            m_state = State::IdleLf;
            ++i;
        } else if (c == '\n') {
            return fail(400, "bare LF before the start line", i);
        } else if (!m_closedReason.isEmpty()) {
            return fail(400, m_closedReason, i);
        } else {
            m_state = m_kind == Kind::Request ? State::Method : State::StatusVersion;
            m_buf.reserve(std::min(m_limits.maxHeadBytes, kInitialReserve));
        }
    }
    if (i == n || m_state == State::Done || m_state == State::Failed)
        return i;
    return scanMessage(d, i, n);
}

bool HeadGate::stepVersion(char c, qsizetype at) {
    // HTTP-version = HTTP-name "/" DIGIT "." DIGIT, HTTP-name = %s"HTTP"
    // (RFC 9112 §2.3): case-sensitive, one digit each side.
    static constexpr char kName[] = "HTTP/";
    const int index = m_versionIndex++;
    bool ok = false;
    if (index < 5) {
        ok = c == kName[index];
    } else if (index == 5) {
        ok = chars::isDigit(c);
        m_versionMajor = c - '0';
    } else if (index == 6) {
        ok = c == '.';
    } else {
        ok = chars::isDigit(c);
        m_start.versionMinor = c - '0';
    }
    if (!ok) {
        fail(400, unexpected(c, "malformed HTTP version"), at);
        return false;
    }
    if (index == 7 && (m_versionMajor != 1 || m_start.versionMinor > 1)) {
        // RFC 9110 §15.6.6: 505 "indicates that the server does not support,
        // or refuses to support, the major version of HTTP that was used".
        fail(505, "HTTP version not supported (only HTTP/1.0 and HTTP/1.1)", at);
        return false;
    }
    return true;
}

// Bytes at head offsets [begin, begin + length): the part of the head before
// this feed is in m_buf, the rest still in the caller's data.
QByteArray HeadGate::headBytes(const char* d, qsizetype begin, qsizetype length) const {
    QByteArray out(length, Qt::Uninitialized);
    for (qsizetype k = 0; k < length; ++k) {
        const qsizetype at = begin + k;
        out[k] = at < m_buf.size() ? m_buf[at] : d[at - m_base];
    }
    return out;
}

bool HeadGate::checkContentLengthLine(const FieldSpan& f, const char* d) {
    // Content-Length decides the framing, and llhttp rejects a bad one as
    // soon as it reads the line; so do we, with the words the rules use.
    if (!chars::equalsIgnoreCase(headBytes(d, f.nameBegin, f.nameLength), "Content-Length"))
        return true;
    std::optional<ParseError> error;
    if (++m_contentLengthLines > 1) {
        error = duplicateContentLength();
    } else {
        qint64 ignored = 0;
        error = checkContentLength(headBytes(d, f.valueBegin, f.valueLength), ignored);
    }
    if (!error)
        return true;
    m_state = State::Failed;
    m_error = *error;
    return false;
}

qsizetype HeadGate::scanMessage(const char* d, qsizetype begin, qsizetype end) {
    // Limits: the whole head, start line included, is bounded by maxHeadBytes.
    const qsizetype budget = std::max<qsizetype>(0, m_limits.maxHeadBytes - m_buf.size());
    const qsizetype stop = std::min(end, begin + budget);
    m_base = m_buf.size() - begin;
    const bool request = m_kind == Kind::Request;
    for (qsizetype i = begin; i < stop; ++i) {
        const char c = d[i];
        const qsizetype at = m_base + i;
        switch (m_state) {
        case State::Method:
            // method = token (RFC 9110 §9.1): any token, not a fixed list.
            if (c == ' ') {
                if (at == 0)
                    return fail(400, "empty method", i);
                m_start.methodLength = at;
                m_start.targetBegin = at + 1;
                m_state = State::Target;
            } else if (!chars::isTchar(c)) {
                return fail(400, unexpected(c, "invalid character in the method"), i);
            }
            break;
        case State::Target:
            if (c == ' ') {
                m_start.targetLength = at - m_start.targetBegin;
                if (m_start.targetLength == 0)
                    return fail(400, "empty request-target", i);
                m_state = State::RequestVersion;
            } else if (c == '\r') {
                // "GET /" is an HTTP/0.9 simple request; we speak HTTP/1.x.
                return fail(400, "request line without an HTTP version", i);
            } else if (!chars::isVchar(c)) {
                return fail(400, unexpected(c, "invalid character in the request-target"), i);
            }
            break;
        case State::RequestVersion:
            if (m_versionIndex == 8) {
                if (c != '\r')
                    return fail(400, unexpected(c, "malformed HTTP version"), i);
                m_state = State::StartLf;
            } else if (!stepVersion(c, i)) {
                return i;
            }
            break;
        case State::StatusVersion:
            if (m_versionIndex == 8) {
                if (c != ' ')
                    return fail(400, "malformed HTTP version", i);
                m_state = State::StatusCode;
            } else if (!stepVersion(c, i)) {
                return i;
            }
            break;
        case State::StatusCode:
            // status-code = 3DIGIT (RFC 9112 §4), 100..999 here.
            if (m_codeIndex < 3) {
                if (!chars::isDigit(c) || (m_codeIndex == 0 && c == '0'))
                    return fail(400, unexpected(c, "invalid status code"), i);
                m_start.status = m_start.status * 10 + (c - '0');
                ++m_codeIndex;
            } else if (c == ' ') {
                m_start.reasonBegin = at + 1;
                m_state = State::Reason;
            } else if (c == '\r') {
                // "HTTP/1.1 301" without the SP before an empty reason is
                // common and unambiguous; llhttp accepts it too.
                m_start.reasonBegin = at;
                m_state = State::StartLf;
            } else {
                return fail(400, unexpected(c, "invalid status code"), i);
            }
            break;
        case State::Reason:
            // reason-phrase = 1*( HTAB / SP / VCHAR / obs-text )
            if (c == '\r') {
                m_start.reasonLength = at - m_start.reasonBegin;
                m_state = State::StartLf;
            } else if (!chars::isFieldValueChar(c)) {
                return fail(400, unexpected(c, "invalid character in the reason phrase"), i);
            }
            break;
        case State::StartLf:
        case State::FieldLf:
            if (c != '\n')
                return fail(400, "CR not followed by LF", i);
            m_state = State::LineStart;
            break;
        case State::LineStart:
            if (c == '\r') {
                m_state = State::FinalLf;
            } else if (chars::isTchar(c)) {
                if (static_cast<qsizetype>(m_fields.size()) >= m_limits.maxFieldCount)
                    return fail(431, "too many header fields", i);
                m_fields.push_back(FieldSpan{at, 0, 0, 0});
                m_firstFieldLine = false;
                m_state = State::Name;
            } else if (chars::isOws(c)) {
                // RFC 9112 §2.2: "A recipient that receives whitespace between
                // the start-line and the first header field MUST either reject
                // the message as invalid or consume each whitespace-preceded
                // line without further processing of it".
                // RFC 9112 §5.2: "A server that receives an obs-fold in a request
                // message ... MUST either reject the message by sending a 400
                // (Bad Request) ... or replace each received obs-fold with one
                // or more SP octets"; a proxy receiving one in a response "MUST
                // either discard the message and replace it with a 502 (Bad
                // Gateway) response ... or replace each received obs-fold".
                return fail(400,
                            m_firstFieldLine
                                ? "whitespace between the start line and the first field line"
                                : "obsolete line folding (obs-fold) in a field value",
                            i);
            } else if (c == ':') {
                return fail(400, "empty field name", i);
            } else if (c == '\n') {
                return fail(400, "bare LF as a line terminator", i);
            } else {
                return fail(400, "invalid character in a field name", i);
            }
            break;
        case State::Name:
            if (c == ':') {
                m_fields.back().nameLength = at - m_fields.back().nameBegin;
                m_valueBegin = -1;
                m_state = State::Value;
            } else if (chars::isOws(c)) {
                // RFC 9112 §5.1: "No whitespace is allowed between the field
                // name and colon. ... A server MUST reject, with a response
                // status code of 400 (Bad Request), any received request
                // message that contains whitespace between a header field name
                // and colon."
                return fail(400, "whitespace between a field name and the colon", i);
            } else if (c == '\r' || c == '\n') {
                return fail(400, unexpected(c, "field line without a colon"), i);
            } else if (!chars::isTchar(c)) {
                return fail(400, "invalid character in a field name", i);
            }
            break;
        case State::Value:
            // field-value = *field-content: VCHAR, obs-text, SP and HTAB; any
            // other CTL (NUL, bare CR or LF, DEL) is rejected (RFC 9110 §5.5:
            // "Field values containing CR, LF, or NUL characters are invalid
            // and dangerous").
            if (c == '\r') {
                FieldSpan& f = m_fields.back();
                f.valueBegin = m_valueBegin < 0 ? at : m_valueBegin;
                f.valueLength = m_valueBegin < 0 ? 0 : m_valueEnd - m_valueBegin;
                m_state = State::FieldLf;
                if (f.nameLength == 14 && !checkContentLengthLine(f, d))
                    return i;
            } else if (!chars::isFieldValueChar(c)) {
                return fail(400, unexpected(c, "control character in a field value"), i);
            } else if (!chars::isOws(c)) {
                if (m_valueBegin < 0)
                    m_valueBegin = at;
                m_valueEnd = at + 1;
            }
            break;
        case State::FinalLf:
            if (c != '\n')
                return fail(400, "CR not followed by LF", i);
            m_state = State::Done;
            m_buf.append(d + begin, i + 1 - begin);
            return i + 1;
        case State::Idle:
        case State::IdleLf:
        case State::Done:
        case State::Failed:
            return i;
        }
        // RFC 9112 §3: "A server that receives a request-target longer than any
        // URI it wishes to parse MUST respond with a 414 (URI Too Long)".
        if (request && m_state <= State::RequestVersion && ++m_lineLength > m_limits.maxRequestLine)
            return fail(414, "request line too long", i);
    }
    m_buf.append(d + begin, stop - begin);
    if (stop < end)
        // RFC 6585 §5: 431 "the server is unwilling to process the request
        // because its header fields are too large".
        return fail(431, "header section too large", stop);
    return stop;
}

} // namespace spyglass::core::http1
