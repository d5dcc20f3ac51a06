#pragma once

#include "certs/Clock.h"

namespace spyglass::certs {

// The wall clock. Stateless, so one instance may be shared by every thread.
class SystemClock final : public Clock {
public:
    TimePoint now() const override { return std::chrono::system_clock::now(); }
};

} // namespace spyglass::certs
