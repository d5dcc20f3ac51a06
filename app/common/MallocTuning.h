#pragma once

namespace spyglass::app {

// Process-wide allocator settings, called first thing in main() (OS glue,
// hence app/). See MallocTuning.cpp for what and why.
void tuneMalloc();

} // namespace spyglass::app
