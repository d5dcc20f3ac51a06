#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>
#include <QtGlobal>

namespace spyglass::core::tls {

// A handshake message larger than this is refused: real ClientHellos are a
// few hundred bytes (a few KiB with post-quantum key shares), and the bound
// keeps what a NextLayer buffers before deciding small whatever the client
// sends. Counts the handshake header and body (RFC 8446 §4: msg_type,
// uint24 length, body).
inline constexpr qsizetype kMaxClientHelloBytes = 64 * 1024;

// RFC 8446 §5.1: "The length MUST NOT exceed 2^14 bytes." (TLSPlaintext)
inline constexpr qsizetype kMaxPlaintextRecordBytes = 16 * 1024;

// RFC 8446 §5.1: type (1), legacy_record_version (2), length (2).
inline constexpr qsizetype kRecordHeaderBytes = 5;

struct ClientHelloInfo {
    // server_name host_name, lower-case, one trailing dot removed; empty when
    // the client sent no SNI.
    QByteArray sni;
    // application_layer_protocol_negotiation names, in the client's order.
    QList<QByteArray> alpn;
    // ClientHello.legacy_version (0x0303 for TLS 1.2 and 1.3 clients).
    quint16 legacyVersion = 0;
    // supported_versions in the client's order; empty when the extension is
    // absent (a client whose maximum is TLS 1.2 or older).
    QList<quint16> supportedVersions;
    // Bytes from the start of the data to the end of the record that carried
    // the ClientHello's last byte (record headers included).
    qsizetype totalBytes = 0;
};

enum class ClientHelloStatus {
    NeedMoreData, // a prefix of a plausible ClientHello: read more and call again
    Complete,     // info is filled in
    NotTls,       // the first bytes are not a TLS handshake record: tunnel as is
    Invalid,      // looks like TLS but breaks the rules; error says which
};

struct ClientHelloResult {
    ClientHelloStatus status = ClientHelloStatus::NeedMoreData;
    ClientHelloInfo info;
    QString error; // set for Invalid and NotTls
};

// Parses the ClientHello at the start of `data`, the bytes a client has sent
// so far inside a CONNECT tunnel. Nothing is consumed or answered: the caller
// keeps the bytes to relay them (blind tunnel) or to feed them to OpenSSL
// (interception). The ClientHello may be fragmented across several handshake
// records; whatever follows the ClientHello (in its last record or after it)
// is ignored.
// Never reads outside `data`, whatever the length fields say.
[[nodiscard]] ClientHelloResult parseClientHello(QByteArrayView data);

// Quick test on the first bytes: false when they rule out a TLS handshake
// record (0x16 0x03 0x00..0x04), true when they are one or a prefix of one
// (so an empty view is "maybe").
[[nodiscard]] bool looksLikeTls(QByteArrayView firstBytes);

} // namespace spyglass::core::tls
