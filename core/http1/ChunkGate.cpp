#include "ChunkGate.h"

#include "HttpChars.h"

#include <algorithm>
#include <limits>

namespace spyglass::core::http1 {

namespace {

// A chunk-size line (size and extensions) longer than this is not a real
// client's; nginx and Node cap chunk extensions at a few KiB as well.
constexpr qsizetype kMaxChunkLineBytes = 4096;
// Sizes above 2^63 - 1 cannot be counted in qint64 body offsets.
constexpr quint64 kMaxChunkSize = static_cast<quint64>(std::numeric_limits<qint64>::max());

} // namespace

ChunkGate::ChunkGate(const Http1Limits& limits)
    : m_limits(limits) {}

void ChunkGate::reset() {
    m_state = State::Size;
    m_error = ParseError{};
    m_remaining = 0;
    m_lineBytes = 0;
    m_trailerBytes = 0;
    m_trailerFields = 0;
}

qsizetype ChunkGate::fail(QByteArrayView reason, qsizetype consumed, int status) {
    m_state = State::Failed;
    m_error = ParseError{status, reason.toByteArray()};
    return consumed;
}

bool ChunkGate::stepExtension(char c, qsizetype i) {
    // chunk-ext-name = token; chunk-ext-val = token / quoted-string;
    // quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE (RFC 9110 §5.6.4).
    // BWS: "A recipient MUST parse for such bad whitespace and remove it
    // before interpreting the protocol element" (RFC 9110 §5.6.3).
    const bool ows = chars::isOws(c);
    const bool tchar = chars::isTchar(c);
    State next = State::Failed;
    switch (m_state) {
    case State::BwsBeforeSemicolon:
        next = ows ? m_state : c == ';' ? State::NameStart : State::Failed;
        break;
    case State::NameStart:
        next = ows ? m_state : tchar ? State::Name : State::Failed;
        break;
    case State::Name:
        next = tchar       ? m_state
               : c == '='  ? State::ValueStart
               : ows       ? State::AfterName
               : c == ';'  ? State::NameStart
               : c == '\r' ? State::SizeLf
                           : State::Failed;
        break;
    case State::AfterName:
        next = ows        ? m_state
               : c == '=' ? State::ValueStart
               : c == ';' ? State::NameStart
                          : State::Failed;
        break;
    case State::ValueStart:
        next = ows        ? m_state
               : c == '"' ? State::QuotedValue
               : tchar    ? State::TokenValue
                          : State::Failed;
        break;
    case State::TokenValue:
    case State::AfterQuoted:
        next = (tchar && m_state == State::TokenValue) ? m_state
               : c == ';'                              ? State::NameStart
               : ows                                   ? State::BwsBeforeSemicolon
               : c == '\r'                             ? State::SizeLf
                                                       : State::Failed;
        break;
    case State::QuotedValue:
        next = c == '"'                     ? State::AfterQuoted
               : c == '\\'                  ? State::QuotedPair
               : chars::isFieldValueChar(c) ? m_state
                                            : State::Failed;
        break;
    case State::QuotedPair:
        next = chars::isFieldValueChar(c) ? State::QuotedValue : State::Failed;
        break;
    default:
        break;
    }
    if (next == State::Failed) {
        fail("invalid chunk extension", i);
        return false;
    }
    m_state = next;
    return true;
}

qsizetype ChunkGate::feed(QByteArrayView data) {
    const char* d = data.data();
    const qsizetype n = data.size();
    m_skips.clear();
    qsizetype skipBegin = inExtension() ? 0 : -1;
    qsizetype i = 0;
    while (i < n) {
        const char c = d[i];
        // chunked-body = *chunk last-chunk trailer-section CRLF
        // chunk = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
        switch (m_state) {
        case State::Size:
        case State::SizeMore: {
            const int digit = chars::hexValue(c);
            if (digit >= 0) {
                if (m_remaining > (kMaxChunkSize >> 4))
                    return fail("chunk size too large", i);
                m_remaining = (m_remaining << 4) | static_cast<quint64>(digit);
                m_state = State::SizeMore;
            } else if (m_state == State::Size) {
                return fail("invalid character in chunk size", i);
            } else if (c == '\r') {
                m_state = State::SizeLf;
            } else if (c == ';' || chars::isOws(c)) {
                skipBegin = i;
                m_state = c == ';' ? State::NameStart : State::BwsBeforeSemicolon;
            } else {
                // "2 junk" and "5\r\r" are the smuggling shapes this stops.
                return fail("invalid character after chunk size", i);
            }
            break;
        }
        case State::BwsBeforeSemicolon:
        case State::NameStart:
        case State::Name:
        case State::AfterName:
        case State::ValueStart:
        case State::TokenValue:
        case State::QuotedValue:
        case State::QuotedPair:
        case State::AfterQuoted:
            if (!stepExtension(c, i)) {
                m_skips.emplace_back(skipBegin, i);
                return i;
            }
            if (m_state == State::SizeLf) {
                m_skips.emplace_back(skipBegin, i);
                skipBegin = -1;
            }
            break;
        case State::SizeLf:
            if (c != '\n')
                return fail("chunk size line not terminated by CRLF", i);
            m_lineBytes = 0;
            m_state = m_remaining == 0 ? State::TrailerLineStart : State::Data;
            ++i;
            continue;
        case State::Data: {
            const quint64 take = std::min(static_cast<quint64>(n - i), m_remaining);
            i += static_cast<qsizetype>(take);
            m_remaining -= take;
            if (m_remaining == 0)
                m_state = State::DataCr;
            continue;
        }
        case State::DataCr:
            if (c != '\r')
                return fail("chunk data not terminated by CRLF", i);
            m_state = State::DataLf;
            break;
        case State::DataLf:
            if (c != '\n')
                return fail("chunk data not terminated by CRLF", i);
            m_state = State::Size;
            m_lineBytes = 0;
            ++i;
            continue;
        case State::TrailerLineStart:
            if (c == '\r') {
                m_state = State::EndLf;
            } else if (chars::isTchar(c)) {
                if (++m_trailerFields > m_limits.maxFieldCount)
                    return fail("too many trailer fields", i, 431);
                m_state = State::TrailerName;
            } else if (chars::isOws(c)) {
                return fail("obsolete line folding (obs-fold) in a trailer field", i);
            } else {
                return fail("invalid character in a trailer field name", i);
            }
            break;
        case State::TrailerName:
            // The field-line grammar of the head (RFC 9112 §5, §7.1.2).
            if (c == ':')
                m_state = State::TrailerValue;
            else if (chars::isOws(c))
                return fail("whitespace between a trailer field name and the colon", i);
            else if (!chars::isTchar(c))
                return fail("invalid character in a trailer field name", i);
            break;
        case State::TrailerValue:
            if (c == '\r')
                m_state = State::TrailerLf;
            else if (!chars::isFieldValueChar(c))
                return fail("control character in a trailer field value", i);
            break;
        case State::TrailerLf:
            if (c != '\n')
                return fail("CR not followed by LF in the trailer section", i);
            m_state = State::TrailerLineStart;
            break;
        case State::EndLf:
            if (c != '\n')
                return fail("chunked body not terminated by CRLF", i);
            m_state = State::Done;
            return i + 1;
        case State::Done:
        case State::Failed:
            return i;
        }
        if (m_state <= State::SizeLf && ++m_lineBytes > kMaxChunkLineBytes) {
            if (inExtension())
                m_skips.emplace_back(skipBegin, i);
            return fail("chunk size line too long", i);
        }
        if (m_state >= State::TrailerLineStart && ++m_trailerBytes > m_limits.maxHeadBytes)
            return fail("trailer section too large", i, 431);
        ++i;
    }
    if (inExtension())
        m_skips.emplace_back(skipBegin, n);
    return i;
}

} // namespace spyglass::core::http1
