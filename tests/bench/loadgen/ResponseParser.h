#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace spyglass::bench {

// Just enough of an HTTP/1.1 response parser to validate a benchmark answer:
// the status line, Content-Length or chunked framing (RFC 9112 §6.3), and an
// exact count of body bytes. Body bytes are counted, never copied, so a
// 256 MiB download costs the client nothing but the reads.
class ResponseParser {
public:
    enum class State {
        Head,
        FixedBody,
        ChunkSize,
        ChunkData,
        ChunkDataEnd,
        Trailer,
        UntilClose,
        Done,
        Error
    };

    void reset(bool headRequest = false);

    // Consumes bytes of the current response; returns how many were used
    // (less than `n` only when the response ended or failed inside the data).
    std::size_t feed(const char* data, std::size_t n);
    // The peer closed: a close-delimited body ends here, anything else failed.
    void onEof();

    [[nodiscard]] State state() const { return m_state; }
    [[nodiscard]] bool done() const { return m_state == State::Done; }
    [[nodiscard]] bool failed() const { return m_state == State::Error; }
    [[nodiscard]] const std::string& error() const { return m_error; }
    [[nodiscard]] int status() const { return m_status; }
    [[nodiscard]] std::uint64_t bodyBytes() const { return m_bodyBytes; }
    [[nodiscard]] std::uint64_t headBytes() const { return m_headBytes; }
    // The server will close after this response (Connection: close, HTTP/1.0).
    [[nodiscard]] bool serverCloses() const { return m_serverCloses; }

private:
    std::size_t feedHead(const char* data, std::size_t n);
    bool parseHead();
    std::size_t feedChunkSize(const char* data, std::size_t n);
    std::size_t feedTrailer(const char* data, std::size_t n);
    void fail(std::string why);

    State m_state = State::Head;
    bool m_headRequest = false;
    bool m_serverCloses = false;
    int m_status = 0;
    std::string m_head;
    std::string m_line;
    std::uint64_t m_remaining = 0;
    std::uint64_t m_bodyBytes = 0;
    std::uint64_t m_headBytes = 0;
    std::string m_error;
};

// Feeds a few fixed responses split at every offset; false (and a message on
// stderr) when the parser disagrees with itself. `spyglass-bench --self-test`.
bool selfTestResponseParser();

} // namespace spyglass::bench
