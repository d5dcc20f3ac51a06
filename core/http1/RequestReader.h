#pragma once

#include "Http1Limits.h"
#include "ParseEvents.h"

#include <QByteArrayView>
#include <memory>
#include <vector>

namespace spyglass::core::http1 {

// Incremental HTTP/1 request reader: a strict head gate of ours, then llhttp
// as the framing engine, then the semantic checks llhttp leaves to us.
//
// feed() parses as much as it can and appends events. It returns the number of
// bytes consumed and stops early:
//   - right after a MessageComplete (the caller decides when it is ready for
//     the next pipelined message and feeds the rest again);
//   - after a ParseFailed (the reader is then dead: every later feed fails);
// Bytes of an incomplete head are consumed and held inside (bounded by the
// limits). After a CONNECT request's MessageComplete the unconsumed bytes
// belong to the tunnel, not to HTTP.
class RequestReader {
public:
    explicit RequestReader(Http1Limits limits = {});
    ~RequestReader();
    RequestReader(const RequestReader&) = delete;
    RequestReader& operator=(const RequestReader&) = delete;

    qsizetype feed(QByteArrayView data, std::vector<RequestEvent>& out);
    // The client closed its sending side. A partly received message becomes a
    // ParseFailed ("connection closed in the middle of a request").
    void finish(std::vector<RequestEvent>& out);
    // True between messages: no partial head or body is held.
    [[nodiscard]] bool isIdle() const;
    // True once any byte of the current message was seen.
    [[nodiscard]] bool hasStartedMessage() const;

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace spyglass::core::http1
