#pragma once

#include "core/http1/HeaderFields.h"

namespace spyglass::core::proxy {

// Removes hop-by-hop fields before a message is forwarded. RFC 9110 §7.6.1:
// "Intermediaries MUST parse a received Connection header field before a
// message is forwarded and, for each connection-option in this field, remove
// any header or trailer field(s) from the message with the same name as the
// connection-option, and then remove the Connection header field itself (or
// replace it with the intermediary's own control options for the forwarded
// message)." Also Proxy-Connection, Keep-Alive, TE, Trailer, Upgrade and
// Proxy-Authorization (ours, never the origin's). Framing fields
// (Content-Length, Transfer-Encoding) and Host are never removed because a
// Connection option names them: that would change how the next hop frames
// the message (a request-smuggling vector).
void stripHopByHopFields(http1::HeaderFields& fields);

} // namespace spyglass::core::proxy
