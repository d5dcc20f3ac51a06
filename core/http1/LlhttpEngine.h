#pragma once

#include "HeaderFields.h"

#include <QByteArray>
#include <QByteArrayView>
#include <cstdint>
#include <memory>

namespace spyglass::core::http1 {

// What llhttp concluded about the body from the header fields it parsed.
struct EngineFraming {
    bool chunked = false;
    bool hasContentLength = false;
    quint64 contentLength = 0;
    bool needsEof = false;
};

// Receives llhttp's callbacks. Private to the codec (llhttp is linked into
// spyglass_core privately; this header does not include llhttp.h).
class EngineSink {
public:
    virtual ~EngineSink() = default;
    // llhttp's on_headers_complete answer: 0 = body as the fields say,
    // 1 = no body, -1 = error.
    virtual int engineHeadersComplete(const EngineFraming& framing) = 0;
    virtual void engineBody(QByteArrayView data) = 0;
    virtual void engineMessageComplete(HeaderFields trailers) = 0;
};

// A thin owner of one llhttp parser. execute() pauses right after each
// message (on_message_complete returns HPE_PAUSED), so the caller learns the
// exact message boundary; upgrade pauses (CONNECT, Upgrade) are resumed with
// llhttp_resume_after_upgrade so a connection can carry on when the caller
// feeds it again.
class LlhttpEngine {
public:
    enum class Type : std::uint8_t { Request, Response };

    struct Result {
        qsizetype consumed = 0;
        bool messageComplete = false;
        bool failed = false;
        QByteArray reason; // llhttp's own words when failed
    };

    LlhttpEngine(Type type, EngineSink& sink);
    ~LlhttpEngine();
    LlhttpEngine(const LlhttpEngine&) = delete;
    LlhttpEngine& operator=(const LlhttpEngine&) = delete;

    Result execute(QByteArrayView data);
    // End of stream: completes a body delimited by the connection close.
    Result finish();

    struct State; // defined in the .cpp, where llhttp.h is included

private:
    std::unique_ptr<State> m_state;
};

} // namespace spyglass::core::http1
