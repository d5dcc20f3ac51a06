#include "MallocTuning.h"

#include <cstdlib> // defines __GLIBC__ on glibc systems

#ifdef __GLIBC__
#include <malloc.h>
#endif

namespace spyglass::app {

void tuneMalloc() {
#ifdef __GLIBC__
    // glibc gives freed memory back as soon as the top of a heap holds more
    // than 128 KiB (the default, adjusted dynamically). The recorder thread
    // allocates and frees a batch's worth at a time, so it crossed that line
    // over and over: madvise(MADV_DONTNEED) on every batch, each one a TLB
    // shoot-down interrupting the network thread on the other CPU (10 % of
    // all proxy samples for new tunnel connections, docs/performance.md
    // finding 2). A fixed threshold (which also ends the dynamic adjustment)
    // cut those calls from 369 to 35 per 1,000 new tunnels and the
    // recorder's CPU per tunnel from ~0.35 to ~0.13 ms; 4 MiB bounds the free
    // memory a heap keeps. Idle RSS is unchanged (nothing is freed at idle).
    mallopt(M_TRIM_THRESHOLD, 4 * 1024 * 1024);
    // Ending the dynamic adjustment also froze the mmap threshold at its
    // 128 KiB start: every larger buffer (an intercepted download's
    // plaintext, gathered 16 KiB at a time from OpenSSL, grows past it) was
    // a fresh mmap, page-faulted in and munmapped with a TLB shoot-down.
    // Intercepted 256 MiB downloads fell into that about one run in two:
    // 135-141 MiB/s at 7.0-7.4 ms of proxy CPU per MiB instead of 430-500
    // at 1.6-1.8 (docs/performance.md, "Third round"). Buffers up to 4 MiB
    // now come from the heap and are reused; peak RSS was unchanged (20 MiB).
    mallopt(M_MMAP_THRESHOLD, 4 * 1024 * 1024);
#endif
}

void releaseStartupMemory() {
#ifdef __GLIBC__
    // Opening (creating) the session file allocates and frees a few hundred
    // KiB (SQLite's schema parse, the page cache's first bulk allocation);
    // with the 4 MiB threshold those free pages would stay resident until
    // traffic reuses them. malloc_trim also releases free pages inside the
    // heap, not only at its top: measured 0.35 MiB of an idle proxy's
    // 15.8 MiB (docs/performance.md, finding 5). Once, so it costs nothing
    // per connection.
    malloc_trim(0);
#endif
}

} // namespace spyglass::app
