#pragma once

#include "BodyContent.h"
#include "ExchangeDetail.h"

#include <QJsonObject>

namespace spyglass::core::store {

// One HAR 1.2 entry (http://www.softwareishard.com/blog/har-12-spec/) from
// a recorded exchange and its decoded bodies.
class HarEntry {
public:
    // Bodies may be null (none recorded). `redact` masks credentials.
    static QJsonObject build(const ExchangeDetail& exchange, const BodyContent* request,
                             const BodyContent* response, bool redact);
    // HAR's phases, in milliseconds (-1 = did not apply):
    //   blocked  request start → upstream connect start (waiting to connect)
    //   dns      -1 (resolution is part of connecting; not timed apart)
    //   connect  upstream connect start → connected (+ TLS with the server)
    //   ssl      TLS handshake with the server (also inside connect)
    //   send     ready (connected, or request start) → request sent
    //   wait     request sent → first response byte
    //   receive  first response byte → done
    // `total` gets the sum without ssl, as HAR's `time` wants.
    static QJsonObject timings(const record::Timings& timings, double* total);
};

} // namespace spyglass::core::store
