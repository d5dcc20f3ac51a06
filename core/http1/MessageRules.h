#pragma once

#include "MessageHead.h"
#include "ParseEvents.h"

#include <QByteArrayView>
#include <optional>
#include <variant>

namespace spyglass::core::http1 {

// How the reader continues after a head passed the gate and the rules below.
struct FramingDecision {
    BodyFraming framing = BodyFraming::None;
    qint64 contentLength = -1;
    // RFC 9112 §9.3: whether the connection persists after this message.
    bool keepAlive = true;
    bool interim = false;          // a 1xx response other than 101
    bool switchesProtocol = false; // 101, or a 2xx answer to CONNECT
};

using RuleResult = std::variant<FramingDecision, ParseError>;

// Content-Length = 1*DIGIT (RFC 9110 §8.6), at most 2^63 - 1. Returns the
// error for an invalid value (a list included), else stores the value.
[[nodiscard]] std::optional<ParseError> checkContentLength(QByteArrayView value, qint64& out);
[[nodiscard]] ParseError duplicateContentLength();

// The semantic rules llhttp leaves to the application (architecture guide §3),
// applied to a head the gate accepted: request-target form, Host, CONNECT,
// Transfer-Encoding and Content-Length, and the body length of RFC 9112 §6.3.
[[nodiscard]] RuleResult checkRequestHead(const RequestHead& head);
// `requestMethod` is the method of the request this response answers; empty
// when unknown (read as GET).
[[nodiscard]] RuleResult checkResponseHead(const ResponseHead& head, QByteArrayView requestMethod);

} // namespace spyglass::core::http1
