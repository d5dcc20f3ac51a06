#include "CpuPressure.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <unistd.h>

namespace spyglass::core::store {

std::optional<qint64> CpuPressure::someStalledUs() {
#ifdef __linux__
    // First line: "some avg10=0.00 avg60=0.00 avg300=0.00 total=12345".
    const int fd = ::open("/proc/pressure/cpu", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return std::nullopt;
    char text[256];
    const ssize_t n = ::read(fd, text, sizeof text - 1);
    ::close(fd);
    if (n <= 0)
        return std::nullopt;
    text[n] = '\0';
    if (std::strncmp(text, "some ", 5) != 0)
        return std::nullopt;
    const char* total = std::strstr(text, "total=");
    const char* lineEnd = std::strchr(text, '\n');
    if (!total || (lineEnd && total > lineEnd))
        return std::nullopt;
    char* end = nullptr;
    const long long value = std::strtoll(total + 6, &end, 10);
    if (end == total + 6 || value < 0)
        return std::nullopt;
    return static_cast<qint64>(value);
#else
    return std::nullopt;
#endif
}

qint64 CpuPressure::threadCpuUs() {
    timespec ts{};
    if (::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
        return 0;
    return static_cast<qint64>(ts.tv_sec) * 1'000'000 + ts.tv_nsec / 1000;
}

} // namespace spyglass::core::store
