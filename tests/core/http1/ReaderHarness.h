#pragma once

// Test helpers shared by the reader tests: drive a reader the way the proxy
// does (feed, and after each MessageComplete feed the rest again) with the
// input cut at chosen offsets, and render the events as comparable lines.

#include "core/http1/RequestReader.h"
#include "core/http1/ResponseReader.h"

#include <QByteArray>
#include <QByteArrayList>
#include <functional>
#include <limits>
#include <type_traits>
#include <variant>
#include <vector>

namespace spyglass::core::http1::test {

inline QByteArray framingName(BodyFraming f) {
    switch (f) {
    case BodyFraming::None:
        return "none";
    case BodyFraming::ContentLength:
        return "length";
    case BodyFraming::Chunked:
        return "chunked";
    case BodyFraming::UntilClose:
        return "close";
    }
    return "?";
}

inline QByteArray describeFields(const HeaderFields& fields) {
    QByteArrayList parts;
    for (const HeaderField& f : fields.fields())
        parts.append(f.name + '=' + f.value);
    return "[" + parts.join('|') + ']';
}

inline QByteArray describeHead(const RequestHead& h) {
    return "head " + h.method + ' ' + h.target + " 1." + QByteArray::number(h.versionMinor) + ' ' +
           describeFields(h.fields);
}

inline QByteArray describeHead(const ResponseHead& h) {
    return "head " + QByteArray::number(h.status) + " '" + h.reason + "' 1." +
           QByteArray::number(h.versionMinor) + ' ' + describeFields(h.fields);
}

// One line per event; consecutive BodyData events are joined, since where a
// body is cut depends on how the input was cut.
template <typename Event> QByteArrayList describe(const std::vector<Event>& events) {
    QByteArrayList out;
    bool inBody = false;
    for (const Event& event : events) {
        std::visit(
            [&](const auto& e) {
                using T = std::decay_t<decltype(e)>;
                if constexpr (std::is_same_v<T, BodyData>) {
                    if (inBody)
                        out.last() += e.data;
                    else
                        out.append("body " + e.data);
                    inBody = true;
                    return;
                } else if constexpr (std::is_same_v<T, MessageComplete>) {
                    out.append("complete " + describeFields(e.trailers));
                } else if constexpr (std::is_same_v<T, ParseFailed>) {
                    out.append("failed " + QByteArray::number(e.error.status));
                } else {
                    out.append(describeHead(e.head) + " framing=" + framingName(e.framing) +
                               " length=" + QByteArray::number(e.contentLength));
                }
                inBody = false;
            },
            event);
    }
    return out;
}

template <typename Event> const ParseError* failureOf(const std::vector<Event>& events) {
    for (const Event& e : events)
        if (const auto* f = std::get_if<ParseFailed>(&e))
            return &f->error;
    return nullptr;
}

template <typename Event> int completedCount(const std::vector<Event>& events) {
    int n = 0;
    for (const Event& e : events)
        n += std::holds_alternative<MessageComplete>(e) ? 1 : 0;
    return n;
}

// Drives `reader` like the proxy: the input arrives in pieces ending at
// `cuts` (ascending offsets; the last piece ends at data.size()); unconsumed
// bytes are kept and fed again after each MessageComplete. Stops after a
// ParseFailed or after `maxMessages` messages; what was not consumed then is
// returned in `leftover`. `afterMessage` runs after each MessageComplete (for
// ResponseReader::expectResponseTo).
template <typename Reader, typename Event>
std::vector<Event> drive(Reader& reader, QByteArrayView data, const std::vector<qsizetype>& cuts,
                         int maxMessages = std::numeric_limits<int>::max(),
                         QByteArray* leftover = nullptr,
                         const std::function<void(const std::vector<Event>&)>& afterMessage = {}) {
    std::vector<Event> out;
    QByteArray pending;
    int messages = 0;
    bool stopped = false;
    qsizetype previous = 0;
    std::vector<qsizetype> ends = cuts;
    ends.push_back(data.size());
    for (qsizetype end : ends) {
        if (stopped)
            break;
        pending += data.sliced(previous, end - previous);
        previous = end;
        while (!pending.isEmpty()) {
            const std::size_t before = out.size();
            const qsizetype used = reader.feed(pending, out);
            pending.remove(0, used);
            bool completed = false;
            for (std::size_t i = before; i < out.size(); ++i) {
                if (std::holds_alternative<ParseFailed>(out[i]))
                    stopped = true;
                if (std::holds_alternative<MessageComplete>(out[i])) {
                    completed = true;
                    ++messages;
                    if (afterMessage)
                        afterMessage(out);
                }
            }
            if (messages >= maxMessages)
                stopped = true;
            if (stopped || !completed)
                break;
        }
    }
    if (leftover)
        *leftover = pending + data.sliced(previous).toByteArray();
    return out;
}

inline std::vector<RequestEvent>
feedRequest(QByteArrayView data, const std::vector<qsizetype>& cuts = {}, Http1Limits limits = {}) {
    RequestReader reader(limits);
    return drive<RequestReader, RequestEvent>(reader, data, cuts);
}

} // namespace spyglass::core::http1::test
