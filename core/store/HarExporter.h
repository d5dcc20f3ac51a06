#pragma once

#include "ContentDecoder.h"
#include "FilterCompiler.h"
#include "StoreResult.h"

class QIODevice;

namespace spyglass::core::store {

class SessionReader;

struct HarOptions {
    bool redact = false; // mask Authorization, Proxy-Authorization, Cookie, Set-Cookie
    DecodeLimits limits; // per body
};

struct HarSummary {
    qint64 entries = 0;
    qint64 skippedTunnels = 0; // blind tunnels carry no HTTP to export
};

// Writes a session (or the rows a filter selects) as HAR 1.2, streaming:
// one entry is built, written and dropped at a time, so memory stays flat
// however many exchanges there are.
class HarExporter {
public:
    static Result<HarSummary> write(SessionReader& reader, QIODevice& out, const FilterSql* filter,
                                    const HarOptions& options);
};

} // namespace spyglass::core::store
