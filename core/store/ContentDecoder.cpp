#include "ContentDecoder.h"

#include <QList>
#include <array>
#include <brotli/decode.h>
#include <zlib.h>
#include <zstd.h>

namespace spyglass::core::store {

namespace {

constexpr std::size_t kBufferBytes = 64 * 1024;
using Emit = std::function<bool(QByteArrayView)>;

} // namespace

// One content coding. process() consumes all of `input` (or stops early when
// `emit` returns false or the stream is bad) and passes decoded pieces on.
class ContentDecoder::Stage {
public:
    enum class Step { More, Stopped, Error };
    virtual ~Stage() = default;
    virtual Step process(QByteArrayView input, const Emit& emit) = 0;
    // The coded stream reached its proper end.
    [[nodiscard]] virtual bool ended() const = 0;
    [[nodiscard]] QString error() const { return m_error; }
    // Input bytes consumed so far, kept current before each emit: the ratio
    // guard compares output with what produced it, not with what was fed.
    [[nodiscard]] qint64 consumed() const { return m_consumed; }

protected:
    QString m_error;
    qint64 m_consumed = 0;
    std::array<char, kBufferBytes> m_buffer{};
};

namespace {

// gzip (RFC 1952), zlib-wrapped deflate (RFC 1950, what RFC 9110 calls
// "deflate") and raw deflate, which some servers send as "deflate" anyway.
class ZlibStage final : public ContentDecoder::Stage {
public:
    enum class Kind { Gzip, Deflate };
    explicit ZlibStage(Kind kind)
        : m_kind(kind) {}
    ~ZlibStage() override {
        if (m_initialised)
            inflateEnd(&m_stream);
    }

    Step process(QByteArrayView input, const Emit& emit) override {
        auto* next = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
        uInt left = static_cast<uInt>(input.size());
        bool outputFull = false; // zlib may hold more output for the same input
        while (left > 0 || outputFull) {
            if (!m_initialised && !initialise(static_cast<unsigned char>(*next), left))
                return Step::Error;
            if (m_ended) {
                if (left == 0)
                    break;
                // gzip allows several members back to back; anything else
                // after the end is ignored.
                if (m_kind != Kind::Gzip || *next != 0x1f)
                    return Step::More;
                inflateReset(&m_stream);
                m_ended = false;
            }
            m_stream.next_in = next;
            m_stream.avail_in = left;
            m_stream.next_out = reinterpret_cast<Bytef*>(m_buffer.data());
            m_stream.avail_out = static_cast<uInt>(m_buffer.size());
            const int rc = inflate(&m_stream, Z_NO_FLUSH);
            if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
                m_error = QStringLiteral("invalid %1 data (%2)")
                              .arg(m_kind == Kind::Gzip ? QStringLiteral("gzip")
                                                        : QStringLiteral("deflate"),
                                   QString::fromUtf8(m_stream.msg ? m_stream.msg : "zlib error"));
                return Step::Error;
            }
            const std::size_t produced = m_buffer.size() - m_stream.avail_out;
            outputFull = m_stream.avail_out == 0;
            m_consumed += left - m_stream.avail_in;
            next = m_stream.next_in;
            left = m_stream.avail_in;
            if (rc == Z_STREAM_END)
                m_ended = true;
            if (produced > 0 &&
                !emit(QByteArrayView(m_buffer.data(), static_cast<qsizetype>(produced))))
                return Step::Stopped;
            if (rc == Z_BUF_ERROR && produced == 0)
                break; // needs more input
        }
        return Step::More;
    }
    bool ended() const override { return m_ended; }

private:
    bool initialise(unsigned char firstByte, uInt available) {
        int windowBits = 15 + 16; // gzip
        if (m_kind == Kind::Deflate) {
            // A zlib header: CM = 8 and (CMF * 256 + FLG) % 31 == 0. Without
            // the second byte yet, trust CM alone.
            const bool zlibHeader = (firstByte & 0x0f) == 8 && (firstByte >> 4) <= 7;
            windowBits = zlibHeader || available == 0 ? 15 : -15;
        }
        if (inflateInit2(&m_stream, windowBits) != Z_OK) {
            m_error = QStringLiteral("cannot start zlib");
            return false;
        }
        m_initialised = true;
        return true;
    }

    Kind m_kind;
    z_stream m_stream{};
    bool m_initialised = false;
    bool m_ended = false;
};

class BrotliStage final : public ContentDecoder::Stage {
public:
    BrotliStage()
        : m_state(BrotliDecoderCreateInstance(nullptr, nullptr, nullptr)) {}
    ~BrotliStage() override { BrotliDecoderDestroyInstance(m_state); }

    Step process(QByteArrayView input, const Emit& emit) override {
        auto next = reinterpret_cast<const uint8_t*>(input.data());
        std::size_t left = static_cast<std::size_t>(input.size());
        if (m_ended && left > 0) {
            // A brotli stream is one stream (RFC 7932 §9.1): bytes after its
            // last meta-block mean this is not brotli.
            m_error = QStringLiteral("invalid brotli data (bytes after the end of the stream)");
            return Step::Error;
        }
        while (!m_ended) {
            auto* out = reinterpret_cast<uint8_t*>(m_buffer.data());
            std::size_t room = m_buffer.size();
            const std::size_t leftBefore = left;
            const BrotliDecoderResult rc =
                BrotliDecoderDecompressStream(m_state, &left, &next, &room, &out, nullptr);
            m_consumed += static_cast<qint64>(leftBefore - left);
            if (rc == BROTLI_DECODER_RESULT_ERROR) {
                m_error = QStringLiteral("invalid brotli data (%1)")
                              .arg(QString::fromUtf8(
                                  BrotliDecoderErrorString(BrotliDecoderGetErrorCode(m_state))));
                return Step::Error;
            }
            const std::size_t produced = m_buffer.size() - room;
            if (rc == BROTLI_DECODER_RESULT_SUCCESS)
                m_ended = true;
            if (produced > 0 &&
                !emit(QByteArrayView(m_buffer.data(), static_cast<qsizetype>(produced))))
                return Step::Stopped;
            if (rc == BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT)
                break;
        }
        if (m_ended && left > 0) {
            m_error = QStringLiteral("invalid brotli data (bytes after the end of the stream)");
            return Step::Error;
        }
        return Step::More;
    }
    bool ended() const override { return m_ended; }

private:
    BrotliDecoderState* m_state;
    bool m_ended = false;
};

class ZstdStage final : public ContentDecoder::Stage {
public:
    ZstdStage()
        : m_stream(ZSTD_createDStream()) {
        // RFC 8878 §3.1.1.1.2 asks decoders of HTTP content to support
        // windows up to 8 MiB; 2^27 (zstd's default limit) is generous and
        // bounds the decoder's memory.
        ZSTD_DCtx_setParameter(m_stream, ZSTD_d_windowLogMax, 27);
    }
    ~ZstdStage() override { ZSTD_freeDStream(m_stream); }

    Step process(QByteArrayView input, const Emit& emit) override {
        // Each call drains zstd's output, so there is nothing to do without
        // input (and asking would reset "ended" to "expecting a frame").
        if (input.isEmpty())
            return Step::More;
        ZSTD_inBuffer in{input.data(), static_cast<std::size_t>(input.size()), 0};
        for (;;) {
            ZSTD_outBuffer out{m_buffer.data(), m_buffer.size(), 0};
            const std::size_t posBefore = in.pos;
            const std::size_t rc = ZSTD_decompressStream(m_stream, &out, &in);
            m_consumed += static_cast<qint64>(in.pos - posBefore);
            if (ZSTD_isError(rc)) {
                m_error = QStringLiteral("invalid zstd data (%1)")
                              .arg(QString::fromUtf8(ZSTD_getErrorName(rc)));
                return Step::Error;
            }
            // 0 = a frame just ended; more frames may follow (RFC 8878 §3.1).
            m_ended = rc == 0;
            if (out.pos > 0 &&
                !emit(QByteArrayView(m_buffer.data(), static_cast<qsizetype>(out.pos))))
                return Step::Stopped;
            if (in.pos == in.size && out.pos < out.size)
                break;
        }
        return Step::More;
    }
    bool ended() const override { return m_ended; }

private:
    ZSTD_DStream* m_stream;
    bool m_ended = false;
};

} // namespace

ContentDecoder::ContentDecoder(QByteArrayView contentEncoding, DecodeLimits limits)
    : m_limits(limits) {
    // Codings are listed in the order applied; decoding runs backwards.
    const QList<QByteArray> codings = contentEncoding.toByteArray().split(',');
    for (auto it = codings.crbegin(); it != codings.crend(); ++it) {
        const QByteArray coding = it->trimmed().toLower();
        if (coding.isEmpty() || coding == "identity")
            continue;
        if (coding == "gzip" || coding == "x-gzip") {
            m_stages.push_back(std::make_unique<ZlibStage>(ZlibStage::Kind::Gzip));
        } else if (coding == "deflate") {
            m_stages.push_back(std::make_unique<ZlibStage>(ZlibStage::Kind::Deflate));
        } else if (coding == "br") {
            m_stages.push_back(std::make_unique<BrotliStage>());
        } else if (coding == "zstd") {
            m_stages.push_back(std::make_unique<ZstdStage>());
        } else {
            m_unsupported = true;
            stop(Outcome::Unsupported, QStringLiteral("unsupported content coding \"%1\"")
                                           .arg(QString::fromLatin1(coding)));
            return;
        }
    }
}

ContentDecoder::~ContentDecoder() = default;

bool ContentDecoder::feed(QByteArrayView encoded, const Sink& sink) {
    if (m_stopped)
        return false;
    m_input += encoded.size();
    return pushThrough(0, encoded, false, sink);
}

bool ContentDecoder::pushThrough(std::size_t index, QByteArrayView data, bool last,
                                 const Sink& sink) {
    if (index == m_stages.size())
        return emit(data, sink);
    Stage& stage = *m_stages[index];
    qint64 produced = 0;
    const Stage::Step step = stage.process(data, [&](QByteArrayView piece) {
        produced += piece.size();
        // The guard applies to every stage, so "gzip, gzip" cannot blow up
        // in the inner stage while the outer one stays small.
        if (exceedsRatio(produced))
            return false;
        return pushThrough(index + 1, piece, last, sink);
    });
    if (step == Stage::Step::Error) {
        stop(Outcome::Corrupt, stage.error());
        return false;
    }
    return step == Stage::Step::More && !m_stopped;
}

bool ContentDecoder::emit(QByteArrayView decoded, const Sink& sink) {
    if (m_stopped)
        return false;
    // Checked on the output this piece would make, before capping, so a bomb
    // is named as one even when the cap is small.
    if (exceedsRatio(m_output + decoded.size()))
        return false;
    const qint64 room = m_limits.maxOutput - m_output;
    const bool capped = decoded.size() > room;
    if (capped)
        decoded = decoded.first(std::max<qint64>(0, room));
    m_output += decoded.size();
    if (!decoded.isEmpty() && !sink(decoded)) {
        m_stopped = true;
        return false;
    }
    if (capped) {
        stop(Outcome::OutputCapped,
             QStringLiteral("decoded output capped at %1 bytes").arg(m_limits.maxOutput));
        return false;
    }
    return true;
}

ContentDecoder::Outcome ContentDecoder::finish() {
    if (m_stopped)
        return m_outcome;
    for (const auto& stage : m_stages) {
        if (!stage->ended()) {
            stop(Outcome::Truncated,
                 QStringLiteral("the stored body ends inside the compressed stream; "
                                "showing what decoded"));
            break;
        }
    }
    return m_outcome;
}

bool ContentDecoder::exceedsRatio(qint64 output) {
    const qint64 input = m_stages.empty() ? m_input : m_stages.front()->consumed();
    if (output <= m_limits.ratioFloor || output <= m_limits.maxRatio * std::max<qint64>(1, input))
        return false;
    stop(Outcome::Bomb, QStringLiteral("decoding stopped: expansion above %1:1 after %2 bytes "
                                       "(a decompression bomb?)")
                            .arg(m_limits.maxRatio)
                            .arg(output));
    return true;
}

void ContentDecoder::stop(Outcome outcome, QString message) {
    if (m_stopped)
        return;
    m_stopped = true;
    m_outcome = outcome;
    m_message = std::move(message);
}

QByteArray ContentDecoder::decodeAll(QByteArrayView contentEncoding, QByteArrayView encoded,
                                     DecodeLimits limits, Outcome* outcome, QString* message) {
    ContentDecoder decoder(contentEncoding, limits);
    QByteArray decoded;
    const Sink sink = [&](QByteArrayView piece) {
        decoded.append(piece);
        return true;
    };
    decoder.feed(encoded, sink);
    decoder.finish();
    if (outcome)
        *outcome = decoder.outcome();
    if (message)
        *message = decoder.message();
    return decoded;
}

} // namespace spyglass::core::store
