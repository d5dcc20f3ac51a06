#pragma once

#include "ContentDecoder.h"

#include <QByteArray>
#include <QString>

namespace spyglass::core::store {

// A body as read for display or export: content codings removed (when
// asked and possible), bounded by DecodeLimits.
struct BodyContent {
    QByteArray data;
    bool decoded = false; // codings were removed
    ContentDecoder::Outcome outcome = ContentDecoder::Outcome::Complete;
    QString message;      // why decoding stopped early; empty when it did not
    qint64 size = 0;      // the message's true content size (before decoding)
    qint64 stored = 0;    // encoded bytes in the file
    QByteArray truncated; // why the stored bytes are fewer than size
    QByteArray contentEncoding;
};

} // namespace spyglass::core::store
