#pragma once

namespace spyglass::app {

// Process-wide allocator settings, called first thing in main() (OS glue,
// hence app/). See MallocTuning.cpp for what and why.
void tuneMalloc();
// Gives the heap's free pages back to the kernel once start-up is over (the
// session's schema work and the option parsing leave ~350 KiB free inside
// the heap, which the fixed trim threshold above would otherwise keep).
void releaseStartupMemory();

} // namespace spyglass::app
