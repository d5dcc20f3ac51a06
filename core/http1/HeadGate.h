#pragma once

#include "Http1Limits.h"
#include "ParseEvents.h"

#include <QByteArray>
#include <QByteArrayView>
#include <cstdint>
#include <vector>

namespace spyglass::core::http1 {

// Offsets of one field line inside HeadGate::raw(); the value is already
// trimmed of OWS.
struct FieldSpan {
    qsizetype nameBegin = 0;
    qsizetype nameLength = 0;
    qsizetype valueBegin = 0;
    qsizetype valueLength = 0;
};

// What the gate read from the start line (offsets into raw()).
struct StartLineInfo {
    qsizetype methodLength = 0; // request: the method starts at offset 0
    qsizetype targetBegin = 0;
    qsizetype targetLength = 0;
    int versionMinor = 1;
    int status = 0; // response
    qsizetype reasonBegin = 0;
    qsizetype reasonLength = 0;
};

// The strict head gate in front of llhttp (architecture guide §3). One pass,
// byte by byte, over the head as it arrives: the grammar of RFC 9112 §3/§4/§5
// with CRLF line ends only, bounded by Http1Limits. Bytes of the head are
// copied once into raw(); nothing else allocates per byte.
class HeadGate {
public:
    enum class Kind : std::uint8_t { Request, Response };

    HeadGate(Kind kind, const Http1Limits& limits);

    // Consumes bytes up to the end of the head (or up to an error) and returns
    // how many. Empty lines before a start line are consumed and dropped.
    qsizetype feed(QByteArrayView data);

    [[nodiscard]] bool isComplete() const { return m_state == State::Done; }
    [[nodiscard]] bool hasFailed() const { return m_state == State::Failed; }
    // True once a byte of a start line was seen (empty lines do not count).
    [[nodiscard]] bool hasStarted() const;
    [[nodiscard]] const ParseError& error() const { return m_error; }

    // Valid when isComplete().
    [[nodiscard]] const QByteArray& raw() const { return m_buf; }
    [[nodiscard]] const StartLineInfo& startLine() const { return m_start; }
    [[nodiscard]] const std::vector<FieldSpan>& fields() const { return m_fields; }

    // Gets ready for the next head; keeps allocations it can reuse.
    void reset();
    // After a message that closes the connection: empty lines may still
    // follow, anything else fails with `reason`.
    void refuseFurtherMessages(QByteArray reason);

private:
    enum class State : std::uint8_t {
        Idle,
        IdleLf,
        Method,
        Target,
        RequestVersion,
        StatusVersion,
        StatusCode,
        Reason,
        StartLf,
        LineStart,
        Name,
        Value,
        FieldLf,
        FinalLf,
        Done,
        Failed,
    };

    qsizetype fail(int status, QByteArrayView reason, qsizetype consumed);
    static QByteArrayView unexpected(char c, QByteArrayView otherwise);
    // Returns false (and fails) when the version is malformed or unsupported.
    bool stepVersion(char c, qsizetype at);
    qsizetype scanMessage(const char* d, qsizetype begin, qsizetype end);
    [[nodiscard]] QByteArray headBytes(const char* d, qsizetype begin, qsizetype length) const;
    bool checkContentLengthLine(const FieldSpan& f, const char* d);

    Kind m_kind;
    State m_state = State::Idle;
    Http1Limits m_limits;
    QByteArray m_buf;
    std::vector<FieldSpan> m_fields;
    StartLineInfo m_start;
    ParseError m_error;
    QByteArray m_closedReason;
    qsizetype m_base = 0;       // offset in m_buf of data[0] during scanMessage
    qsizetype m_lineLength = 0; // request-line bytes so far (for the 414 limit)
    int m_versionIndex = 0;
    int m_versionMajor = 0;
    int m_codeIndex = 0;
    bool m_firstFieldLine = true;
    qsizetype m_valueBegin = -1;
    qsizetype m_valueEnd = 0;
    int m_contentLengthLines = 0;
};

} // namespace spyglass::core::http1
