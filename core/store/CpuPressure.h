#pragma once

#include <QtGlobal>
#include <optional>

namespace spyglass::core::store {

// Linux's CPU pressure (PSI, /proc/pressure/cpu): the total microseconds in
// which some runnable task waited for a CPU. The session writer samples it
// to tell "the machine has room" from "every core is taken"
// (SpoolPolicy). nullopt where the kernel has no PSI (not Linux, or built
// without it): the writer then never defers indexing.
class CpuPressure {
public:
    [[nodiscard]] static std::optional<qint64> someStalledUs();
    // CPU time the calling thread has used, in microseconds.
    [[nodiscard]] static qint64 threadCpuUs();
};

} // namespace spyglass::core::store
