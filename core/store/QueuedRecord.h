#pragma once

#include "core/record/RecordEvents.h"

#include <array>

namespace spyglass::core::store {

// What the queue did to one message body before the writer saw it.
struct BodyFate {
    qint64 droppedBytes = 0; // content bytes never queued (cap or saturation)
    bool overCap = false;    // the per-message capture cap was reached
    bool saturated = false;  // bytes were dropped because the queue was full
    bool chunked = false;    // the message was chunked (framing removed)
};

// A record event as the writer receives it. ExchangeEnd carries, besides the
// proxy's own numbers, what happened to the exchange's bodies in the queue,
// so the writer can mark them truncated with the right reason.
struct QueuedRecord {
    record::RecordEvent event;
    std::array<BodyFate, 2> bodies{}; // indexed by record::Direction
    bool damaged = false;             // some of the exchange's records were lost
};

} // namespace spyglass::core::store
