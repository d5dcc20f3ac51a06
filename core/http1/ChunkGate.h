#pragma once

#include "Http1Limits.h"
#include "ParseEvents.h"

#include <QByteArrayView>
#include <cstdint>
#include <utility>
#include <vector>

namespace spyglass::core::http1 {

// Strict framing check of a chunked body (RFC 9112 §7.1), run over the bytes
// before llhttp decodes them. llhttp 8.1 in its loose build takes "5\r\r" as a
// chunk-size line, obs-fold and "name :" in trailer fields and a bare LF after
// the last chunk; each is a request smuggling vector between two parsers that
// disagree. It also rejects valid chunk extensions ("5;a=b;c" and quoted-pairs),
// so the gate checks the chunk-ext grammar itself and reports the extension
// bytes as ranges to leave out of what llhttp sees (nothing downstream uses
// chunk extensions: RFC 9112 §7.1.1 "A recipient MUST ignore unrecognized chunk
// extensions"). llhttp still does the decoding (body bytes, trailer fields).
class ChunkGate {
public:
    explicit ChunkGate(const Http1Limits& limits);

    void reset();
    // Validates bytes and returns how many belong to the body. Stops at the end
    // of the body (isDone) or at the first invalid byte (hasFailed).
    qsizetype feed(QByteArrayView data);
    // Chunk-extension bytes of the last feed() as [begin, end) offsets.
    [[nodiscard]] const std::vector<std::pair<qsizetype, qsizetype>>& skipped() const {
        return m_skips;
    }

    [[nodiscard]] bool isDone() const { return m_state == State::Done; }
    [[nodiscard]] bool hasFailed() const { return m_state == State::Failed; }
    [[nodiscard]] const ParseError& error() const { return m_error; }

private:
    enum class State : std::uint8_t {
        Size,
        SizeMore,
        // chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )
        BwsBeforeSemicolon,
        NameStart,
        Name,
        AfterName,
        ValueStart,
        TokenValue,
        QuotedValue,
        QuotedPair,
        AfterQuoted,
        SizeLf,
        Data,
        DataCr,
        DataLf,
        TrailerLineStart,
        TrailerName,
        TrailerValue,
        TrailerLf,
        EndLf,
        Done,
        Failed,
    };

    qsizetype fail(QByteArrayView reason, qsizetype consumed, int status = 400);
    // One byte of the chunk-size line after the size; false when it failed.
    bool stepExtension(char c, qsizetype i);
    [[nodiscard]] bool inExtension() const {
        return m_state >= State::BwsBeforeSemicolon && m_state <= State::AfterQuoted;
    }

    Http1Limits m_limits;
    State m_state = State::Size;
    ParseError m_error;
    quint64 m_remaining = 0; // chunk size, then data bytes still to come
    qsizetype m_lineBytes = 0;
    qsizetype m_trailerBytes = 0;
    int m_trailerFields = 0;
    std::vector<std::pair<qsizetype, qsizetype>> m_skips;
};

} // namespace spyglass::core::http1
