#include "ReaderCore.h"

namespace spyglass::core::http1 {

namespace {

ParseError disagreement() {
    return ParseError{400, QByteArrayLiteral("message framing rejected by the HTTP engine")};
}

// llhttp 8.1 knows a fixed list of methods (RFC 9110 §9.1: method = token, any
// token) and has rules of its own for targets and OWS (it rejects
// "Content-Length: 42<HTAB>"). The gate has checked the start line and the
// field lines, so llhttp gets a stand-in start line and the fields as we parsed
// them; it works out the framing, which engineHeadersComplete() cross-checks.
QByteArray engineHead(const HeadGate& gate, bool request) {
    const QByteArray& raw = gate.raw();
    const StartLineInfo& line = gate.startLine();
    QByteArray head;
    head.reserve(raw.size() + 16);
    if (request) {
        head.append("GET / HTTP/1.");
        head.append(static_cast<char>('0' + line.versionMinor));
        head.append("\r\n");
    } else {
        head.append("HTTP/1.");
        head.append(static_cast<char>('0' + line.versionMinor));
        head.append(' ');
        head.append(QByteArray::number(line.status));
        head.append(" -\r\n");
    }
    for (const FieldSpan& f : gate.fields()) {
        head.append(raw.constData() + f.nameBegin, f.nameLength);
        head.append(": ");
        head.append(raw.constData() + f.valueBegin, f.valueLength);
        head.append("\r\n");
    }
    head.append("\r\n");
    return head;
}

} // namespace

ReaderCore::ReaderCore(Kind kind, const Http1Limits& limits)
    : m_kind(kind)
    , m_gate(kind == Kind::Request ? HeadGate::Kind::Request : HeadGate::Kind::Response, limits)
    , m_chunks(limits)
    , m_engine(kind == Kind::Request ? LlhttpEngine::Type::Request : LlhttpEngine::Type::Response,
               *this) {}

ReaderCore::~ReaderCore() = default;

bool ReaderCore::idle() const {
    switch (m_phase) {
    case Phase::Head:
        return !m_gate.hasStarted();
    case Phase::Finished:
    case Phase::Switched:
        return true;
    case Phase::Body:
    case Phase::Failed:
        return false;
    }
    return false;
}

bool ReaderCore::started() const {
    return m_phase == Phase::Body || (m_phase == Phase::Head && m_gate.hasStarted());
}

qsizetype ReaderCore::fail(ParseError error, qsizetype consumed) {
    m_phase = Phase::Failed;
    m_error = std::move(error);
    emitFailed(m_error);
    return consumed;
}

qsizetype ReaderCore::feedBytes(QByteArrayView data) {
    switch (m_phase) {
    case Phase::Failed:
        emitFailed(m_error);
        return 0;
    case Phase::Finished:
        return fail(ParseError{400, QByteArrayLiteral("data after the end of the stream")}, 0);
    case Phase::Switched:
        return fail(ParseError{400, QByteArrayLiteral("data after the connection switched "
                                                      "protocols")},
                    0);
    case Phase::Head:
    case Phase::Body:
        break;
    }
    qsizetype pos = 0;
    while (pos < data.size()) {
        if (m_phase == Phase::Head) {
            pos += m_gate.feed(data.sliced(pos));
            if (m_gate.hasFailed())
                return fail(m_gate.error(), pos);
            if (!m_gate.isComplete())
                break;
            if (startBody(pos))
                return pos;
        } else {
            const qsizetype used = feedBody(data.sliced(pos));
            pos += used;
            if (m_phase != Phase::Body)
                return pos; // message complete or failed
            if (used == 0)
                break;
        }
    }
    return pos;
}

// Returns true when feeding must stop (message complete, or failed).
bool ReaderCore::startBody(qsizetype consumed) {
    const RuleResult rule = acceptHead(m_gate);
    if (const ParseError* e = std::get_if<ParseError>(&rule)) {
        fail(*e, consumed);
        return true;
    }
    m_decision = std::get<FramingDecision>(rule);
    m_engineDisagrees = false;
    m_phase = Phase::Body;
    if (m_decision.framing == BodyFraming::Chunked)
        m_chunks.reset();

    const LlhttpEngine::Result r = m_engine.execute(engineHead(m_gate, m_kind == Kind::Request));
    m_gate.reset();
    if (r.failed) {
        fail(engineError(r), consumed);
        return true;
    }
    if (r.messageComplete) {
        completeMessage();
        return true;
    }
    if (m_decision.framing == BodyFraming::None) {
        fail(disagreement(), consumed);
        return true;
    }
    return false;
}

qsizetype ReaderCore::feedBody(QByteArrayView data) {
    if (m_decision.framing != BodyFraming::Chunked) {
        const LlhttpEngine::Result r = m_engine.execute(data);
        if (r.failed)
            return fail(engineError(r), r.consumed);
        if (r.messageComplete)
            completeMessage();
        return r.consumed;
    }
    // Chunked: the gate validates first; llhttp then decodes what the gate
    // accepted, minus the chunk-extension bytes.
    const qsizetype allowed = m_chunks.feed(data);
    qsizetype from = 0;
    qsizetype stoppedAt = -1;
    const auto run = [&](qsizetype to) {
        if (to <= from)
            return;
        const LlhttpEngine::Result r = m_engine.execute(data.sliced(from, to - from));
        if (r.failed) {
            stoppedAt = fail(engineError(r), from + r.consumed);
        } else if (r.messageComplete) {
            // The chunk gate and llhttp must agree on where the body ends.
            stoppedAt = from + r.consumed;
            if (!m_chunks.isDone() || stoppedAt != allowed)
                fail(disagreement(), stoppedAt);
            else
                completeMessage();
        }
    };
    for (const auto& [skipBegin, skipEnd] : m_chunks.skipped()) {
        run(skipBegin);
        if (stoppedAt >= 0)
            return stoppedAt;
        from = skipEnd;
    }
    run(allowed);
    if (stoppedAt >= 0)
        return stoppedAt;
    if (m_chunks.hasFailed())
        return fail(m_chunks.error(), allowed);
    if (m_chunks.isDone())
        return fail(disagreement(), allowed);
    return allowed;
}

ParseError ReaderCore::engineError(const LlhttpEngine::Result& r) const {
    if (m_engineDisagrees)
        return disagreement();
    return ParseError{400, QByteArray(QByteArrayLiteral("invalid message: ") + r.reason)};
}

void ReaderCore::completeMessage() {
    const FramingDecision decision = m_decision;
    m_phase = decision.switchesProtocol ? Phase::Switched : Phase::Head;
    if (!decision.keepAlive)
        // llhttp's strict mode does the same ("Data after `Connection:
        // close`"): a peer that announced the end of the connection has
        // nothing more to say on it, and bytes it sends anyway are suspect.
        m_gate.refuseFurtherMessages(
            QByteArrayLiteral("data after a message that closes the connection"));
    messageDone(decision);
}

void ReaderCore::finishStream() {
    const QByteArray truncated = m_kind == Kind::Request
                                     ? QByteArrayLiteral("connection closed in the middle of a "
                                                         "request")
                                     : QByteArrayLiteral("connection closed in the middle of a "
                                                         "response");
    switch (m_phase) {
    case Phase::Failed:
    case Phase::Finished:
    case Phase::Switched:
        return;
    case Phase::Head:
        if (m_gate.hasStarted())
            fail(ParseError{400, truncated}, 0);
        else
            m_phase = Phase::Finished;
        return;
    case Phase::Body:
        if (m_decision.framing == BodyFraming::UntilClose) {
            // RFC 9112 §6.3 item 8: the body ends when the server closes.
            const LlhttpEngine::Result r = m_engine.finish();
            if (r.messageComplete) {
                m_phase = Phase::Finished;
                messageDone(m_decision);
                return;
            }
        }
        fail(ParseError{400, truncated}, 0);
        return;
    }
}

int ReaderCore::engineHeadersComplete(const EngineFraming& seen) {
    bool agrees = true;
    switch (m_decision.framing) {
    case BodyFraming::None:
        return 1; // no body, whatever the fields say (HEAD, 1xx, 204, 304, CONNECT)
    case BodyFraming::Chunked:
        agrees = seen.chunked;
        break;
    case BodyFraming::ContentLength:
        agrees = !seen.chunked && seen.hasContentLength &&
                 seen.contentLength == static_cast<quint64>(m_decision.contentLength);
        break;
    case BodyFraming::UntilClose:
        agrees = seen.needsEof;
        break;
    }
    if (agrees)
        return 0;
    m_engineDisagrees = true;
    return -1;
}

void ReaderCore::engineBody(QByteArrayView data) {
    emitBody(data.toByteArray());
}

void ReaderCore::engineMessageComplete(HeaderFields trailers) {
    emitComplete(std::move(trailers));
}

} // namespace spyglass::core::http1
