#pragma once

#include <chrono>

namespace spyglass::certs {

// Where certs/ gets "now" from. Injected so that validity windows, expiry
// warnings and cache re-minting are testable without waiting (architecture
// guide §4; KeePassXC's Clock/MockClock seam).
class Clock {
public:
    using TimePoint = std::chrono::system_clock::time_point;

    virtual ~Clock() = default;
    virtual TimePoint now() const = 0;

protected:
    Clock() = default;
    Clock(const Clock&) = default;
    Clock& operator=(const Clock&) = default;
};

} // namespace spyglass::certs
