#pragma once

#include <QtGlobal>

namespace spyglass::core::http1 {

// Named limits enforced by the head gate. Defaults follow common server
// practice (nginx: 8 KiB request line; Apache: 100 fields).
struct Http1Limits {
    // RFC 9112 §3: "A server that receives a request-target longer than any
    // URI it wishes to parse MUST respond with a 414 (URI Too Long)".
    qsizetype maxRequestLine = 8 * 1024;
    // Whole head including the start line → 431 (RFC 6585 §5) when exceeded.
    qsizetype maxHeadBytes = 64 * 1024;
    int maxFieldCount = 100;
};

} // namespace spyglass::core::http1
