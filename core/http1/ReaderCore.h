#pragma once

#include "ChunkGate.h"
#include "HeadGate.h"
#include "Http1Limits.h"
#include "LlhttpEngine.h"
#include "MessageRules.h"
#include "ParseEvents.h"

#include <QByteArray>
#include <QByteArrayView>
#include <cstdint>

namespace spyglass::core::http1 {

// The machinery RequestReader and ResponseReader share: head gate → semantic
// rules (in the subclass) → llhttp for the body, with the chunk gate in front
// of chunked bodies. Subclasses build their head type and emit their own event
// variant.
class ReaderCore : private EngineSink {
public:
    enum class Kind : std::uint8_t { Request, Response };

    ~ReaderCore() override;
    ReaderCore(const ReaderCore&) = delete;
    ReaderCore& operator=(const ReaderCore&) = delete;

protected:
    ReaderCore(Kind kind, const Http1Limits& limits);

    qsizetype feedBytes(QByteArrayView data);
    void finishStream();
    [[nodiscard]] bool idle() const;
    [[nodiscard]] bool started() const;

    // Builds the head from the gate's spans, applies the rules, emits
    // HeadReceived on success and returns the decision (or the error, without
    // emitting anything).
    virtual RuleResult acceptHead(const HeadGate& gate) = 0;
    virtual void emitBody(QByteArray data) = 0;
    virtual void emitComplete(HeaderFields trailers) = 0;
    virtual void emitFailed(const ParseError& error) = 0;
    // After each MessageComplete, with the decision of that message.
    virtual void messageDone(const FramingDecision& decision) = 0;

private:
    enum class Phase : std::uint8_t { Head, Body, Failed, Finished, Switched };

    bool startBody(qsizetype consumed);
    qsizetype feedBody(QByteArrayView data);
    qsizetype fail(ParseError error, qsizetype consumed);
    [[nodiscard]] ParseError engineError(const LlhttpEngine::Result& r) const;
    void completeMessage();

    int engineHeadersComplete(const EngineFraming& framing) override;
    void engineBody(QByteArrayView data) override;
    void engineMessageComplete(HeaderFields trailers) override;

    Kind m_kind;
    Phase m_phase = Phase::Head;
    HeadGate m_gate;
    ChunkGate m_chunks;
    LlhttpEngine m_engine;
    FramingDecision m_decision;
    ParseError m_error;
    bool m_engineDisagrees = false;
};

} // namespace spyglass::core::http1
