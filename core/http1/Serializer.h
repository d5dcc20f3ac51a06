#pragma once

#include "MessageHead.h"

#include <QByteArray>
#include <QByteArrayView>

namespace spyglass::core::http1 {

// Re-serialises heads from the parsed model ("HTTP/1.<minor>", CRLF line ends,
// fields in order as "name: value").
[[nodiscard]] QByteArray serializeRequestHead(const RequestHead& head);
[[nodiscard]] QByteArray serializeResponseHead(const ResponseHead& head);
// Chunked transfer coding (RFC 9112 §7.1): one chunk; the last chunk plus
// trailer fields. An empty `data` yields an empty array (never a last chunk).
[[nodiscard]] QByteArray encodeChunk(QByteArrayView data);
[[nodiscard]] QByteArray encodeLastChunk(const HeaderFields& trailers = {});
// The standard reason phrase for a status code ("Bad Gateway"), or "Unknown".
[[nodiscard]] QByteArray reasonPhrase(int status);

} // namespace spyglass::core::http1
