#pragma once

#include "ExchangeSummary.h"
#include "core/record/RecordEvents.h"

#include <QByteArray>
#include <QString>
#include <variant>
#include <vector>

namespace spyglass::core::proxy {

// Connections of one client session: the accepted client is 0, connections
// the layers open upstream get ids from 1.
using ConnId = int;
inline constexpr ConnId kClientConn = 0;

enum class OpenError { None, DnsFailed, Refused, TimedOut, Unreachable, Loop, TlsFailed, Other };

namespace event {
struct Start {
    QString clientAddress; // "ip:port"
};
struct DataReceived {
    ConnId conn;
    QByteArray data;
};
// The peer finished sending (read EOF). Writing to it may still work.
struct PeerClosed {
    ConnId conn;
};
// The connection broke (reset, write error); the driver has already closed it.
struct ConnectionFailed {
    ConnId conn;
    QString error;
};
struct OpenCompleted {
    ConnId conn;
    OpenError error = OpenError::None;
    QString message; // readable reason when error != None
};
struct TimerFired {
    int timer;
};
// The driver's kernel relay (command::RelayInKernel) moved `bytes` read from
// `conn` to the other connection without handing them to the layer.
struct BytesRelayed {
    ConnId conn;
    qint64 bytes = 0;
};
// A TLS layer below finished its handshake on `conn` (an intercepted leg).
struct TlsEstablished {
    ConnId conn;
    record::TlsRecord info;
};
} // namespace event

using EventKind = std::variant<event::Start, event::DataReceived, event::PeerClosed,
                               event::ConnectionFailed, event::OpenCompleted, event::TimerFired,
                               event::TlsEstablished, event::BytesRelayed>;

// Layers have no clock: the driver stamps every event with the wall-clock time.
struct Event {
    qint64 nowUs = 0;
    EventKind kind;
};

namespace command {
struct SendData {
    ConnId conn;
    QByteArray data;
};
struct OpenConnection {
    ConnId conn;
    QByteArray host;
    quint16 port = 0;
};
// Half-close after everything queued for `conn` has been written.
struct ShutdownWrite {
    ConnId conn;
};
// Close after everything queued has been written. Closing the client
// connection ends the session and closes every other connection.
struct CloseConnection {
    ConnId conn;
};
// Stop or resume reading from `conn` (the layer's own flow control; the driver
// adds write-side backpressure on top).
struct SetReading {
    ConnId conn;
    bool enabled;
};
// (Re)starts a single-shot timer; starting a running timer restarts it.
struct StartTimer {
    int timer;
    int msec;
};
struct CancelTimer {
    int timer;
};
struct ReportExchange {
    ExchangeSummary summary;
};
// Hands a record event to the recorder (never blocks; see record::Recorder).
struct Record {
    record::RecordEvent event;
};
// Relay everything between `a` and `b` from now on without the layer: the
// bytes are reported as event::BytesRelayed, EOF and errors as usual, and
// SendData/ShutdownWrite/CloseConnection keep working (queued bytes go
// first). Only for two plain sockets (a blind tunnel). The driver may ignore
// it (no splice(2) on this system); the layer then keeps getting DataReceived.
struct RelayInKernel {
    ConnId a;
    ConnId b;
};
} // namespace command

using Command = std::variant<command::SendData, command::OpenConnection, command::ShutdownWrite,
                             command::CloseConnection, command::SetReading, command::StartTimer,
                             command::CancelTimer, command::ReportExchange, command::Record,
                             command::RelayInKernel>;
using Commands = std::vector<Command>;

} // namespace spyglass::core::proxy
