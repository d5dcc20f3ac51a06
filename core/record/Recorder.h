#pragma once

#include "RecordEvents.h"

namespace spyglass::core::record {

// Receives record events from the proxy I/O thread. record() must never
// block or slow the caller: an implementation queues and returns (and
// degrades by dropping when its queue is full, counting what it dropped).
class Recorder {
public:
    virtual ~Recorder() = default;
    virtual void record(RecordEvent event) = 0;
};

} // namespace spyglass::core::record
