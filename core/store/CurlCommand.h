#pragma once

#include "BodyContent.h"
#include "ExchangeDetail.h"

#include <QByteArray>

namespace spyglass::core::store {

// A recorded request as a POSIX-shell curl command line (`spyglass-cli export
// --curl ID`). Headers are the ones the client sent, minus those curl makes
// itself or that were meant for the proxy; a binary body is piped in with
// printf so the line stays copyable.
class CurlCommand {
public:
    static constexpr qint64 kMaxInlineBody = 1 << 20;

    // `body` is the request body as stored (content codings kept: they are
    // what the server received); null when there was none.
    static QByteArray build(const ExchangeDetail& exchange, const BodyContent* body, bool redact);
    // 'text' for sh, with embedded quotes as '\''.
    static QByteArray shellQuote(const QByteArray& text);
};

} // namespace spyglass::core::store
