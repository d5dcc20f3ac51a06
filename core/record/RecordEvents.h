#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <variant>

namespace spyglass::core::record {

// The record interface (issue 4 defines it, the SQLite store of issue 5
// implements it). The proxy emits these immutable messages as an exchange
// happens; bodies flow as chunks so the recorder can cap them and nothing is
// buffered whole. Every message names its exchange by an id unique within
// one proxy run.
using ExchangeId = quint64;

enum class Mode { Forward, Intercepted, Tunnel };
enum class Direction { Request, Response };
enum class TlsLeg { Client, Server }; // client↔Spyglass, Spyglass↔server

// Microseconds since the epoch; 0 = did not happen.
struct Timings {
    qint64 acceptUs = 0;         // client connection accepted
    qint64 connectRequestUs = 0; // CONNECT head received (tunnels, intercepted)
    qint64 upstreamConnectStartUs = 0;
    qint64 upstreamConnectedUs = 0;
    qint64 clientTlsStartUs = 0; // TLS with the client (intercepted)
    qint64 clientTlsDoneUs = 0;
    qint64 serverTlsStartUs = 0; // TLS with the server (intercepted)
    qint64 serverTlsDoneUs = 0;
    qint64 requestStartUs = 0;  // first byte of the request head
    qint64 requestSentUs = 0;   // last byte of the request written upstream
    qint64 responseStartUs = 0; // first byte of the response
    qint64 doneUs = 0;
};

struct ExchangeBegin {
    ExchangeId id = 0;
    qint64 startUs = 0;
    Mode mode = Mode::Forward;
    QString client;    // "ip:port"
    QByteArray scheme; // "http", "https"; empty for a blind tunnel
    QByteArray host;   // target host (IPv6 without brackets)
    quint16 port = 0;
    QByteArray method; // "CONNECT" for tunnels
    QByteArray path;   // origin-form path and query; empty for tunnels
    QByteArray sni;    // from the ClientHello, when there was one
};

// A head as received (raw bytes) and as forwarded (re-serialised).
struct HeadRecord {
    ExchangeId id = 0;
    Direction direction = Direction::Request;
    int status = 0; // responses
    QByteArray raw;
    QByteArray forwarded;
};

// Content bytes as they flowed (de-chunked when the message was chunked;
// `chunked` says so, so the store can record that framing was removed).
struct BodyChunk {
    ExchangeId id = 0;
    Direction direction = Direction::Request;
    QByteArray data;
    bool chunked = false;
};

struct TlsRecord {
    ExchangeId id = 0;
    TlsLeg leg = TlsLeg::Client;
    QByteArray version; // "TLSv1.3"
    QByteArray cipher;  // "TLS_AES_128_GCM_SHA256"
    QByteArray alpn;    // "http/1.1"
    QByteArray sni;
    QList<QByteArray> chainDer;     // server leg: the server's chain, leaf first
    bool verified = false;          // server leg: chain and name verified
    bool insecureException = false; // --insecure-upstream applied
};

struct ExchangeEnd {
    ExchangeId id = 0;
    Timings timings;
    int status = 0;               // status sent to the client, 0 = none
    qint64 requestWireBytes = 0;  // client → server, as on the wire
    qint64 responseWireBytes = 0; // server → client
    qint64 requestBodyBytes = 0;  // content sizes (after de-chunking)
    qint64 responseBodyBytes = 0;
    QByteArray contentType;
    QString error; // empty = success
    QString note;  // e.g. why a tunnel was not intercepted
};

using RecordEvent = std::variant<ExchangeBegin, HeadRecord, BodyChunk, TlsRecord, ExchangeEnd>;

} // namespace spyglass::core::record
