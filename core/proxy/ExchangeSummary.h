#pragma once

#include <QByteArray>
#include <QString>

namespace spyglass::core::proxy {

enum class ExchangeMode { Forward, Tunnel, Intercepted };

// One finished tunnel or forwarded exchange, as `spyglass-cli run` prints it.
// The full record (heads, bodies, timings) comes with the recorder.
struct ExchangeSummary {
    qint64 startUs = 0; // wall clock, microseconds since the epoch
    qint64 durationUs = 0;
    QString client;     // "ip:port"
    QByteArray method;  // "CONNECT" or the HTTP method
    QByteArray target;  // "host:port" for CONNECT, the absolute URL otherwise
    int status = 0;     // status sent to the client, 0 when none was sent
    qint64 bytesUp = 0; // client → server
    qint64 bytesDown = 0;
    ExchangeMode mode = ExchangeMode::Forward;
    QString error;
    QString note; // e.g. that --insecure-upstream applied
};

// Receives summaries from the proxy's I/O thread. Implementations must not
// block: they run on the thread that relays traffic.
class ExchangeSink {
public:
    virtual ~ExchangeSink() = default;
    virtual void exchangeFinished(const ExchangeSummary& summary) = 0;
};

} // namespace spyglass::core::proxy
