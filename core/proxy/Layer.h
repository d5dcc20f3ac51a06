#pragma once

#include "Events.h"

namespace spyglass::core::proxy {

// A sans-io protocol layer (mitmproxy's design): events in, commands out. No
// sockets, no clock, no QObject. A layer never calls back into itself; the
// driver feeds it the next event only after executing the previous commands.
class Layer {
public:
    virtual ~Layer() = default;
    virtual void handle(const Event& event, Commands& out) = 0;
};

} // namespace spyglass::core::proxy
