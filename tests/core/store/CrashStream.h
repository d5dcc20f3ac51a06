#pragma once

#include "SyntheticExchange.h"

namespace spyglass::core::store::testing {

// The deterministic exchange number `n` of the crash test: the child records
// it, the parent rebuilds it to check what survived a SIGKILL.
inline SyntheticExchange crashExchange(qint64 n) {
    SyntheticExchange e;
    e.id = static_cast<record::ExchangeId>(n);
    e.method = n % 3 == 0 ? "POST" : "GET";
    e.host = "crash" + QByteArray::number(n % 5) + ".test";
    e.path = "/crash/" + QByteArray::number(n);
    e.requestHeaders = {"X-Seq: " + QByteArray::number(n)};
    e.responseHeaders = {"Content-Type: application/octet-stream"};
    if (n % 3 == 0)
        e.requestBody = QByteArray(static_cast<qsizetype>(n % 700), 'q');
    QByteArray body(static_cast<qsizetype>((n * 7919) % 300'000), Qt::Uninitialized);
    for (qsizetype i = 0; i < body.size(); ++i)
        body[i] = static_cast<char>((n + i * 31) & 0xff);
    e.responseBody = body;
    e.status = 200 + static_cast<int>(n % 3);
    e.startUs = 1'700'000'000'000'000 + n * 1000;
    e.durationUs = 100 + n % 1000;
    return e;
}

} // namespace spyglass::core::store::testing
