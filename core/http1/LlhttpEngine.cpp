#include "LlhttpEngine.h"

#include "HttpChars.h"

#include <llhttp.h>

namespace spyglass::core::http1 {

struct LlhttpEngine::State {
    llhttp_t parser{};
    EngineSink* sink = nullptr;
    bool inTrailers = false; // llhttp reports trailer fields like head fields
    bool completed = false;
    QByteArray name;
    QByteArray value;
    HeaderFields trailers;
};

namespace {

LlhttpEngine::State& stateOf(llhttp_t* p) {
    return *static_cast<LlhttpEngine::State*>(p->data);
}

int onMessageBegin(llhttp_t* p) {
    auto& s = stateOf(p);
    s.inTrailers = false;
    s.trailers = HeaderFields();
    s.name.clear();
    s.value.clear();
    return 0;
}

// Field and value spans may arrive in pieces when the input is split.
int onHeaderField(llhttp_t* p, const char* at, size_t length) {
    auto& s = stateOf(p);
    if (s.inTrailers)
        s.name.append(at, static_cast<qsizetype>(length));
    return 0;
}

int onHeaderValue(llhttp_t* p, const char* at, size_t length) {
    auto& s = stateOf(p);
    if (s.inTrailers)
        s.value.append(at, static_cast<qsizetype>(length));
    return 0;
}

int onHeaderValueComplete(llhttp_t* p) {
    auto& s = stateOf(p);
    if (s.inTrailers)
        s.trailers.append(std::exchange(s.name, QByteArray()),
                          chars::trimOws(s.value).toByteArray());
    s.value.clear();
    return 0;
}

int onHeadersComplete(llhttp_t* p) {
    auto& s = stateOf(p);
    s.inTrailers = true;
    EngineFraming framing;
    framing.chunked = (p->flags & F_CHUNKED) != 0;
    framing.hasContentLength = (p->flags & F_CONTENT_LENGTH) != 0;
    framing.contentLength = p->content_length;
    framing.needsEof = llhttp_message_needs_eof(p) != 0;
    return s.sink->engineHeadersComplete(framing);
}

int onBody(llhttp_t* p, const char* at, size_t length) {
    stateOf(p).sink->engineBody(QByteArrayView(at, static_cast<qsizetype>(length)));
    return 0;
}

int onMessageComplete(llhttp_t* p) {
    auto& s = stateOf(p);
    s.completed = true;
    s.inTrailers = false;
    s.sink->engineMessageComplete(std::exchange(s.trailers, HeaderFields()));
    // Stop right here so the caller sees the message boundary.
    return HPE_PAUSED;
}

const llhttp_settings_t& settings() {
    static const llhttp_settings_t kSettings = [] {
        llhttp_settings_t st;
        llhttp_settings_init(&st);
        st.on_message_begin = onMessageBegin;
        st.on_header_field = onHeaderField;
        st.on_header_value = onHeaderValue;
        st.on_header_value_complete = onHeaderValueComplete;
        st.on_headers_complete = onHeadersComplete;
        st.on_body = onBody;
        st.on_message_complete = onMessageComplete;
        return st;
    }();
    return kSettings;
}

} // namespace

LlhttpEngine::LlhttpEngine(Type type, EngineSink& sink)
    : m_state(std::make_unique<State>()) {
    m_state->sink = &sink;
    llhttp_init(&m_state->parser, type == Type::Request ? HTTP_REQUEST : HTTP_RESPONSE,
                &settings());
    m_state->parser.data = m_state.get();
    if (type == Type::Response)
        // Our semantic layer has already decided: Transfer-Encoding wins over
        // Content-Length in a response (RFC 9112 §6.3 item 3); requests with
        // both never reach llhttp.
        llhttp_set_lenient_chunked_length(&m_state->parser, 1);
}

LlhttpEngine::~LlhttpEngine() = default;

LlhttpEngine::Result LlhttpEngine::execute(QByteArrayView data) {
    llhttp_t* p = &m_state->parser;
    m_state->completed = false;
    Result result;
    qsizetype offset = 0;
    for (;;) {
        const char* begin = data.data() + offset;
        const llhttp_errno_t err =
            llhttp_execute(p, begin, static_cast<size_t>(data.size() - offset));
        if (err == HPE_OK) {
            result.consumed = data.size();
            break;
        }
        if (err == HPE_PAUSED || err == HPE_PAUSED_UPGRADE) {
            offset += llhttp_get_error_pos(p) - begin;
            if (err == HPE_PAUSED)
                llhttp_resume(p);
            else
                llhttp_resume_after_upgrade(p);
            // An upgrade pause that follows our own pause arrives on the next
            // call with nothing consumed: resume and go on with the bytes.
            if (m_state->completed || offset >= data.size()) {
                result.consumed = offset;
                break;
            }
            continue;
        }
        result.consumed = offset + (llhttp_get_error_pos(p) - begin);
        result.failed = true;
        result.reason = QByteArray(llhttp_get_error_reason(p));
        break;
    }
    result.messageComplete = m_state->completed;
    return result;
}

LlhttpEngine::Result LlhttpEngine::finish() {
    m_state->completed = false;
    Result result;
    const llhttp_errno_t err = llhttp_finish(&m_state->parser);
    if (err != HPE_OK && err != HPE_PAUSED) {
        result.failed = true;
        result.reason = QByteArray(llhttp_get_error_reason(&m_state->parser));
    }
    result.messageComplete = m_state->completed;
    return result;
}

} // namespace spyglass::core::http1
