#pragma once

#include "HeaderFields.h"

#include <QByteArray>

namespace spyglass::core::http1 {

// A parsed request head. `raw` keeps the bytes exactly as received (for the
// record); what is forwarded is always re-serialised from the other fields.
struct RequestHead {
    QByteArray method;
    QByteArray target;    // request-target as sent
    int versionMinor = 1; // HTTP/1.<versionMinor>; only 1.0 and 1.1 are accepted
    HeaderFields fields;
    QByteArray raw;
};

struct ResponseHead {
    int versionMinor = 1;
    int status = 0;
    QByteArray reason;
    HeaderFields fields;
    QByteArray raw;
};

// How a message body is delimited (RFC 9112 §6.3).
enum class BodyFraming {
    None,          // no content (HEAD/1xx/204/304 responses, CONNECT, no CL/TE request)
    ContentLength, // exactly contentLength bytes
    Chunked,       // chunked transfer coding; body events carry de-chunked bytes
    UntilClose,    // response delimited by the server closing the connection
};

} // namespace spyglass::core::http1
