#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>
#include <functional>
#include <memory>
#include <vector>

namespace spyglass::core::store {

// Bounds on decoding a recorded body (decompression bombs: a few KiB of
// gzip inflate to gigabytes, brotli and zstd to far more).
struct DecodeLimits {
    qint64 maxOutput = 64 << 20; // decoded bytes produced at most
    // Stop when decoded/encoded exceeds this, once past ratioFloor bytes.
    // Deflate tops out near 1032:1 (all zeros); real content stays far below.
    qint64 maxRatio = 500;
    qint64 ratioFloor = 1 << 20;
};

// Removes content codings (RFC 9110 §8.4: "gzip", "x-gzip", "deflate",
// "br", "zstd", listed in the order they were applied) from a body fed in
// pieces, streaming: memory is one 64 KiB buffer per coding.
class ContentDecoder {
public:
    enum class Outcome {
        Complete,     // every coding ended cleanly
        Truncated,    // input ended inside a compressed stream
        OutputCapped, // maxOutput reached; the rest was not decoded
        Bomb,         // maxRatio exceeded
        Corrupt,      // the stream is not valid for its coding
        Unsupported,  // a coding we do not know
    };
    // Receives decoded bytes; returns false to stop.
    using Sink = std::function<bool(QByteArrayView)>;

    // `contentEncoding` is the Content-Encoding field value ("" or
    // "identity" = nothing to do).
    ContentDecoder(QByteArrayView contentEncoding, DecodeLimits limits = {});
    ~ContentDecoder();
    ContentDecoder(const ContentDecoder&) = delete;
    ContentDecoder& operator=(const ContentDecoder&) = delete;

    // False once decoding has stopped (see outcome()).
    bool feed(QByteArrayView encoded, const Sink& sink);
    // End of input. Returns the final outcome.
    Outcome finish();

    // Convenience: decodes a whole body into memory (bounded by limits).
    static QByteArray decodeAll(QByteArrayView contentEncoding, QByteArrayView encoded,
                                DecodeLimits limits, Outcome* outcome = nullptr,
                                QString* message = nullptr);

    [[nodiscard]] bool isIdentity() const { return m_stages.empty() && !m_unsupported; }
    [[nodiscard]] Outcome outcome() const { return m_outcome; }
    // Why decoding stopped, for a person; empty when Complete.
    [[nodiscard]] const QString& message() const { return m_message; }
    [[nodiscard]] qint64 inputBytes() const { return m_input; }
    [[nodiscard]] qint64 outputBytes() const { return m_output; }

    class Stage;

private:
    bool emit(QByteArrayView decoded, const Sink& sink);
    bool exceedsRatio(qint64 output);
    void stop(Outcome outcome, QString message);
    bool pushThrough(std::size_t stage, QByteArrayView data, bool last, const Sink& sink);

    DecodeLimits m_limits;
    std::vector<std::unique_ptr<Stage>> m_stages; // in decoding order
    bool m_unsupported = false;
    bool m_stopped = false;
    Outcome m_outcome = Outcome::Complete;
    QString m_message;
    qint64 m_input = 0;
    qint64 m_output = 0;
};

} // namespace spyglass::core::store
