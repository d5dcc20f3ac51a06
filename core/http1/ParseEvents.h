#pragma once

#include "MessageHead.h"

#include <QByteArray>
#include <variant>
#include <vector>

namespace spyglass::core::http1 {

// What the reader says about the bytes it was fed. `status` is the HTTP status
// a server should answer with (400, 414, 431, 501, 505); for responses it is
// informational (the proxy answers 502 either way). `reason` is one readable
// sentence for the error page and the record.
struct ParseError {
    int status = 400;
    QByteArray reason;
};

template <typename Head> struct HeadReceived {
    Head head;
    BodyFraming framing = BodyFraming::None;
    qint64 contentLength = -1; // when framing == ContentLength
};

struct BodyData {
    QByteArray data; // de-chunked content bytes
};

struct MessageComplete {
    HeaderFields trailers; // chunked trailer fields, if any
};

struct ParseFailed {
    ParseError error;
};

using RequestEvent =
    std::variant<HeadReceived<RequestHead>, BodyData, MessageComplete, ParseFailed>;
using ResponseEvent =
    std::variant<HeadReceived<ResponseHead>, BodyData, MessageComplete, ParseFailed>;

} // namespace spyglass::core::http1
