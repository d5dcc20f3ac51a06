#include "ResponseReader.h"

#include "ReaderCore.h"

namespace spyglass::core::http1 {

struct ResponseReader::Impl final : ReaderCore {
    explicit Impl(const Http1Limits& limits)
        : ReaderCore(Kind::Response, limits) {}

    qsizetype feed(QByteArrayView data, std::vector<ResponseEvent>& out) {
        m_out = &out;
        return feedBytes(data);
    }
    void finish(std::vector<ResponseEvent>& out) {
        m_out = &out;
        finishStream();
    }
    using ReaderCore::idle;

    RuleResult acceptHead(const HeadGate& gate) override {
        const QByteArray& raw = gate.raw();
        const StartLineInfo& line = gate.startLine();
        ResponseHead head;
        head.versionMinor = line.versionMinor;
        head.status = line.status;
        head.reason = raw.sliced(line.reasonBegin, line.reasonLength);
        head.fields.reserve(static_cast<qsizetype>(gate.fields().size()));
        for (const FieldSpan& f : gate.fields())
            head.fields.append(raw.sliced(f.nameBegin, f.nameLength),
                               raw.sliced(f.valueBegin, f.valueLength));
        head.raw = raw;
        RuleResult rule = checkResponseHead(head, m_requestMethod);
        if (const FramingDecision* d = std::get_if<FramingDecision>(&rule))
            m_out->push_back(
                HeadReceived<ResponseHead>{std::move(head), d->framing, d->contentLength});
        return rule;
    }
    void emitBody(QByteArray data) override { m_out->push_back(BodyData{std::move(data)}); }
    void emitComplete(HeaderFields trailers) override {
        m_out->push_back(MessageComplete{std::move(trailers)});
    }
    void emitFailed(const ParseError& error) override { m_out->push_back(ParseFailed{error}); }
    void messageDone(const FramingDecision& decision) override {
        // An interim 1xx answers the same request as the final response that
        // follows it (RFC 9110 §15.2); a final response uses the method up.
        if (!decision.interim)
            m_requestMethod.clear();
    }

    std::vector<ResponseEvent>* m_out = nullptr;
    QByteArray m_requestMethod;
};

ResponseReader::ResponseReader(Http1Limits limits)
    : d(std::make_unique<Impl>(limits)) {}

ResponseReader::~ResponseReader() = default;

void ResponseReader::expectResponseTo(QByteArrayView requestMethod) {
    d->m_requestMethod = requestMethod.toByteArray();
}

qsizetype ResponseReader::feed(QByteArrayView data, std::vector<ResponseEvent>& out) {
    return d->feed(data, out);
}

void ResponseReader::finish(std::vector<ResponseEvent>& out) {
    d->finish(out);
}

bool ResponseReader::isIdle() const {
    return d->idle();
}

} // namespace spyglass::core::http1
