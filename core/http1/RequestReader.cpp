#include "RequestReader.h"

#include "ReaderCore.h"

namespace spyglass::core::http1 {

struct RequestReader::Impl final : ReaderCore {
    explicit Impl(const Http1Limits& limits)
        : ReaderCore(Kind::Request, limits) {}

    qsizetype feed(QByteArrayView data, std::vector<RequestEvent>& out) {
        m_out = &out;
        return feedBytes(data);
    }
    void finish(std::vector<RequestEvent>& out) {
        m_out = &out;
        finishStream();
    }
    using ReaderCore::idle;
    using ReaderCore::started;

    RuleResult acceptHead(const HeadGate& gate) override {
        const QByteArray& raw = gate.raw();
        const StartLineInfo& line = gate.startLine();
        RequestHead head;
        head.method = raw.first(line.methodLength);
        head.target = raw.sliced(line.targetBegin, line.targetLength);
        head.versionMinor = line.versionMinor;
        head.fields.reserve(static_cast<qsizetype>(gate.fields().size()));
        for (const FieldSpan& f : gate.fields())
            head.fields.append(raw.sliced(f.nameBegin, f.nameLength),
                               raw.sliced(f.valueBegin, f.valueLength));
        head.raw = raw;
        RuleResult rule = checkRequestHead(head);
        if (const FramingDecision* d = std::get_if<FramingDecision>(&rule))
            m_out->push_back(
                HeadReceived<RequestHead>{std::move(head), d->framing, d->contentLength});
        return rule;
    }
    void emitBody(QByteArray data) override { m_out->push_back(BodyData{std::move(data)}); }
    void emitComplete(HeaderFields trailers) override {
        m_out->push_back(MessageComplete{std::move(trailers)});
    }
    void emitFailed(const ParseError& error) override { m_out->push_back(ParseFailed{error}); }
    void messageDone(const FramingDecision&) override {}

    std::vector<RequestEvent>* m_out = nullptr;
};

RequestReader::RequestReader(Http1Limits limits)
    : d(std::make_unique<Impl>(limits)) {}

RequestReader::~RequestReader() = default;

qsizetype RequestReader::feed(QByteArrayView data, std::vector<RequestEvent>& out) {
    return d->feed(data, out);
}

void RequestReader::finish(std::vector<RequestEvent>& out) {
    d->finish(out);
}

bool RequestReader::isIdle() const {
    return d->idle();
}

bool RequestReader::hasStartedMessage() const {
    return d->started();
}

} // namespace spyglass::core::http1
