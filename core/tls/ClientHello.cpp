#include "core/tls/ClientHello.h"

#include <QSet>
#include <algorithm>

namespace spyglass::core::tls {

namespace {

// RFC 8446 §5.1: enum { ..., handshake(22), ... } ContentType;
constexpr quint8 kContentTypeHandshake = 22;
// RFC 8446 §4: enum { client_hello(1), ... } HandshakeType;
constexpr quint8 kHandshakeClientHello = 1;
// RFC 8446 §4: msg_type (1) and uint24 length.
constexpr qsizetype kHandshakeHeaderBytes = 4;
// RFC 8446 §4.2: extension type codes.
constexpr quint16 kExtServerName = 0;         // RFC 6066 §3
constexpr quint16 kExtAlpn = 16;              // RFC 7301 §3.1
constexpr quint16 kExtSupportedVersions = 43; // RFC 8446 §4.2.1
constexpr quint8 kNameTypeHostName = 0;       // RFC 6066 §3
constexpr qsizetype kRandomBytes = 32;        // RFC 8446 §4.1.2: Random random;
constexpr qsizetype kMaxSessionIdBytes = 32;  // opaque legacy_session_id<0..32>;

// A bounds-checked big-endian cursor: every read says whether the bytes were
// there, so no length field can move it outside its view.
class Reader {
public:
    explicit Reader(QByteArrayView data)
        : m_data(data) {}

    [[nodiscard]] qsizetype remaining() const { return m_data.size() - m_pos; }
    [[nodiscard]] bool atEnd() const { return m_pos == m_data.size(); }

    bool u8(quint8& value) {
        if (remaining() < 1)
            return false;
        value = byteAt(m_pos);
        m_pos += 1;
        return true;
    }
    bool u16(quint16& value) {
        if (remaining() < 2)
            return false;
        value = static_cast<quint16>(byteAt(m_pos) << 8 | byteAt(m_pos + 1));
        m_pos += 2;
        return true;
    }
    bool bytes(qsizetype count, QByteArrayView& out) {
        if (count < 0 || remaining() < count)
            return false;
        out = m_data.sliced(m_pos, count);
        m_pos += count;
        return true;
    }
    // opaque x<..2^8-1> and opaque x<..2^16-1>: a length prefix, then bytes.
    bool vector8(QByteArrayView& out) {
        quint8 length = 0;
        return u8(length) && bytes(length, out);
    }
    bool vector16(QByteArrayView& out) {
        quint16 length = 0;
        return u16(length) && bytes(length, out);
    }

private:
    [[nodiscard]] quint8 byteAt(qsizetype i) const { return static_cast<quint8>(m_data[i]); }

    QByteArrayView m_data;
    qsizetype m_pos = 0;
};

quint8 byteAt(QByteArrayView data, qsizetype i) {
    return static_cast<quint8>(data[i]);
}

ClientHelloResult failure(ClientHelloStatus status, QString error) {
    ClientHelloResult result;
    result.status = status;
    result.error = std::move(error);
    return result;
}

ClientHelloResult invalid(QString error) {
    return failure(ClientHelloStatus::Invalid, std::move(error));
}

QString hex16(quint16 value) {
    return QStringLiteral("0x%1").arg(value, 4, 16, QLatin1Char('0'));
}

// RFC 6066 §3:
//   struct { NameType name_type; select (name_type) { case host_name: HostName; } name; }
//   ServerName; opaque HostName<1..2^16-1>; struct { ServerName server_name_list<1..2^16-1> }
//   ServerNameList;
// "The ServerNameList MUST NOT contain more than one name of the same name_type."
// "The hostname is represented as a byte string using ASCII encoding without
// a trailing dot."
bool parseServerName(QByteArrayView extension, QByteArray& sni, QString& error) {
    Reader reader(extension);
    QByteArrayView list;
    if (!reader.vector16(list) || !reader.atEnd() || list.isEmpty()) {
        error = QStringLiteral("server_name: the name list length does not match the extension "
                               "(RFC 6066 §3: ServerName server_name_list<1..2^16-1>)");
        return false;
    }
    Reader names(list);
    bool haveHostName = false;
    while (!names.atEnd()) {
        quint8 nameType = 0;
        QByteArrayView name;
        // Every name type defined so far is an opaque<1..2^16-1>; others are
        // skipped the same way (as OpenSSL and mitmproxy do).
        if (!names.u8(nameType) || !names.vector16(name)) {
            error = QStringLiteral("server_name: an entry overruns the name list (RFC 6066 §3)");
            return false;
        }
        if (nameType != kNameTypeHostName)
            continue;
        if (haveHostName) {
            error = QStringLiteral("server_name: more than one host_name (RFC 6066 §3: \"The "
                                   "ServerNameList MUST NOT contain more than one name of the "
                                   "same name_type.\")");
            return false;
        }
        haveHostName = true;
        if (name.isEmpty()) {
            error = QStringLiteral(
                "server_name: empty host_name (RFC 6066 §3: opaque HostName<1..2^16-1>)");
            return false;
        }
        for (char c : name) {
            const auto byte = static_cast<quint8>(c);
            if (byte <= 0x20 || byte >= 0x7f) {
                error = QStringLiteral("server_name: host_name contains byte %1, not a "
                                       "printable ASCII character (RFC 6066 §3: \"using ASCII "
                                       "encoding\")")
                            .arg(hex16(byte));
                return false;
            }
        }
        sni = name.toByteArray().toLower();
        // Clients that keep the FQDN's trailing dot exist; the host is the same.
        if (sni.endsWith('.'))
            sni.chop(1);
        if (sni.isEmpty()) {
            error = QStringLiteral("server_name: host_name is only a dot (RFC 6066 §3)");
            return false;
        }
    }
    return true;
}

// RFC 7301 §3.1:
//   opaque ProtocolName<1..2^8-1>;
//   struct { ProtocolName protocol_name_list<2..2^16-1> } ProtocolNameList;
// "Empty strings MUST NOT be included and byte strings MUST NOT be truncated."
bool parseAlpn(QByteArrayView extension, QList<QByteArray>& alpn, QString& error) {
    Reader reader(extension);
    QByteArrayView list;
    if (!reader.vector16(list) || !reader.atEnd() || list.size() < 2) {
        error = QStringLiteral("ALPN: the protocol list length does not match the extension "
                               "(RFC 7301 §3.1: ProtocolName protocol_name_list<2..2^16-1>)");
        return false;
    }
    Reader names(list);
    while (!names.atEnd()) {
        QByteArrayView name;
        if (!names.vector8(name)) {
            error = QStringLiteral("ALPN: a protocol name overruns the list (RFC 7301 §3.1: "
                                   "\"byte strings MUST NOT be truncated\")");
            return false;
        }
        if (name.isEmpty()) {
            error = QStringLiteral("ALPN: empty protocol name (RFC 7301 §3.1: \"Empty strings "
                                   "MUST NOT be included\")");
            return false;
        }
        alpn.append(name.toByteArray());
    }
    return true;
}

// RFC 8446 §4.2.1: in a ClientHello,
//   struct { ProtocolVersion versions<2..254>; } SupportedVersions;
bool parseSupportedVersions(QByteArrayView extension, QList<quint16>& versions, QString& error) {
    Reader reader(extension);
    QByteArrayView list;
    if (!reader.vector8(list) || !reader.atEnd() || list.size() < 2 || list.size() % 2 != 0) {
        error = QStringLiteral("supported_versions: the version list length does not match the "
                               "extension (RFC 8446 §4.2.1: ProtocolVersion versions<2..254>)");
        return false;
    }
    Reader items(list);
    quint16 version = 0;
    while (items.u16(version))
        versions.append(version);
    return true;
}

// RFC 8446 §4.1.2:
//   struct {
//       ProtocolVersion legacy_version = 0x0303;    /* TLS v1.2 */
//       Random random;
//       opaque legacy_session_id<0..32>;
//       CipherSuite cipher_suites<2..2^16-2>;
//       opaque legacy_compression_methods<1..2^8-1>;
//       Extension extensions<8..2^16-1>;
//   } ClientHello;
// RFC 5246 §7.4.1.2 (TLS 1.2 and older clients): "the presence of extensions
// can be detected by determining whether there are bytes following the
// compression_methods at the end of the ClientHello."
bool parseBody(QByteArrayView body, ClientHelloInfo& info, QString& error) {
    Reader reader(body);
    QByteArrayView skipped;
    if (!reader.u16(info.legacyVersion) || !reader.bytes(kRandomBytes, skipped)) {
        error = QStringLiteral("ClientHello is too short for legacy_version and random "
                               "(RFC 8446 §4.1.2)");
        return false;
    }
    QByteArrayView sessionId;
    if (!reader.vector8(sessionId) || sessionId.size() > kMaxSessionIdBytes) {
        error = QStringLiteral("ClientHello legacy_session_id is malformed "
                               "(RFC 8446 §4.1.2: opaque legacy_session_id<0..32>)");
        return false;
    }
    QByteArrayView cipherSuites;
    if (!reader.vector16(cipherSuites) || cipherSuites.size() < 2 || cipherSuites.size() % 2 != 0) {
        error = QStringLiteral("ClientHello cipher_suites is malformed "
                               "(RFC 8446 §4.1.2: CipherSuite cipher_suites<2..2^16-2>)");
        return false;
    }
    QByteArrayView compression;
    if (!reader.vector8(compression) || compression.isEmpty()) {
        error = QStringLiteral("ClientHello legacy_compression_methods is malformed "
                               "(RFC 8446 §4.1.2: opaque legacy_compression_methods<1..2^8-1>)");
        return false;
    }
    if (reader.atEnd())
        return true; // no extensions: an SSL 3.0-era client
    QByteArrayView extensions;
    if (!reader.vector16(extensions) || !reader.atEnd()) {
        error = QStringLiteral("ClientHello extensions length does not match the message "
                               "(RFC 8446 §4.1.2: Extension extensions<8..2^16-1>)");
        return false;
    }
    // RFC 8446 §4.2: struct { ExtensionType extension_type; opaque extension_data<0..2^16-1>; }
    // "There MUST NOT be more than one extension of the same type in a given
    // extension block."
    Reader items(extensions);
    QSet<quint16> seen;
    while (!items.atEnd()) {
        quint16 type = 0;
        QByteArrayView data;
        if (!items.u16(type) || !items.vector16(data)) {
            error = QStringLiteral("ClientHello extension overruns the extension block "
                                   "(RFC 8446 §4.2)");
            return false;
        }
        if (seen.contains(type)) {
            error = QStringLiteral("ClientHello repeats extension %1 (RFC 8446 §4.2: \"There "
                                   "MUST NOT be more than one extension of the same type\")")
                        .arg(type);
            return false;
        }
        seen.insert(type);
        bool ok = true;
        if (type == kExtServerName)
            ok = parseServerName(data, info.sni, error);
        else if (type == kExtAlpn)
            ok = parseAlpn(data, info.alpn, error);
        else if (type == kExtSupportedVersions)
            ok = parseSupportedVersions(data, info.supportedVersions, error);
        if (!ok)
            return false;
    }
    return true;
}

// The header bytes present so far (up to five) must be those of a handshake
// record. Returns an empty string when they are.
QString recordHeaderProblem(QByteArrayView header) {
    if (!header.isEmpty() && byteAt(header, 0) != kContentTypeHandshake)
        return QStringLiteral("record type %1 is not handshake (22)").arg(uint{byteAt(header, 0)});
    if (header.size() >= 2 && byteAt(header, 1) != 3)
        return QStringLiteral("record version major %1 is not 3").arg(uint{byteAt(header, 1)});
    if (header.size() >= 3 && byteAt(header, 2) > 4)
        return QStringLiteral("record version %1 is not a TLS version")
            .arg(hex16(static_cast<quint16>(0x0300 | byteAt(header, 2))));
    return {};
}

} // namespace

bool looksLikeTls(QByteArrayView firstBytes) {
    return recordHeaderProblem(firstBytes.first(std::min<qsizetype>(3, firstBytes.size())))
        .isEmpty();
}

ClientHelloResult parseClientHello(QByteArrayView data) {
    // RFC 8446 §5.1: "Handshake messages MAY be coalesced into a single
    // TLSPlaintext record or fragmented across several records" and "MUST NOT
    // be interleaved with other record types". Reassemble the handshake bytes
    // record by record until the whole ClientHello is there.
    QByteArray handshake;
    qsizetype pos = 0;
    qsizetype messageBytes = -1; // header + body, once the header has arrived
    for (int record = 0;; ++record) {
        const QByteArrayView rest = data.sliced(pos);
        const QString problem =
            recordHeaderProblem(rest.first(std::min(kRecordHeaderBytes, rest.size())));
        if (!problem.isEmpty()) {
            if (record == 0)
                return failure(ClientHelloStatus::NotTls,
                               QStringLiteral("not a TLS handshake: ") + problem);
            return invalid(QStringLiteral("the ClientHello is interrupted: ") + problem +
                           QStringLiteral(" (RFC 8446 §5.1: handshake messages \"MUST NOT be "
                                          "interleaved with other record types\")"));
        }
        if (rest.size() < kRecordHeaderBytes)
            return {};
        const qsizetype length = byteAt(rest, 3) << 8 | byteAt(rest, 4);
        if (length == 0)
            return invalid(QStringLiteral("empty handshake record (RFC 8446 §5.1: "
                                          "\"Implementations MUST NOT send zero-length "
                                          "fragments of Handshake types\")"));
        if (length > kMaxPlaintextRecordBytes)
            return invalid(QStringLiteral("record length %1 exceeds 16384 (RFC 8446 §5.1: "
                                          "\"The length MUST NOT exceed 2^14 bytes.\")")
                               .arg(length));
        const qsizetype available = std::min(length, rest.size() - kRecordHeaderBytes);
        handshake.append(rest.sliced(kRecordHeaderBytes, available));

        // Judge the handshake header as soon as its bytes are here, so a
        // hopeless stream is refused without waiting for more of it.
        if (!handshake.isEmpty() && byteAt(handshake, 0) != kHandshakeClientHello)
            return invalid(QStringLiteral("the first handshake message has type %1, not "
                                          "client_hello (1) (RFC 8446 §4)")
                               .arg(uint{byteAt(handshake, 0)}));
        if (messageBytes < 0 && handshake.size() >= kHandshakeHeaderBytes) {
            const qsizetype bodyBytes = qsizetype{byteAt(handshake, 1)} << 16 |
                                        qsizetype{byteAt(handshake, 2)} << 8 |
                                        qsizetype{byteAt(handshake, 3)};
            messageBytes = kHandshakeHeaderBytes + bodyBytes;
            if (messageBytes > kMaxClientHelloBytes)
                return invalid(QStringLiteral("ClientHello of %1 bytes exceeds the %2-byte limit")
                                   .arg(messageBytes)
                                   .arg(kMaxClientHelloBytes));
        }
        if (available < length)
            return {}; // the record itself is incomplete
        pos += kRecordHeaderBytes + length;
        if (messageBytes >= 0 && handshake.size() >= messageBytes)
            break;
    }

    ClientHelloResult result;
    QByteArrayView body = QByteArrayView(handshake).sliced(kHandshakeHeaderBytes,
                                                           messageBytes - kHandshakeHeaderBytes);
    if (!parseBody(body, result.info, result.error)) {
        result.status = ClientHelloStatus::Invalid;
        result.info = {};
        return result;
    }
    result.status = ClientHelloStatus::Complete;
    result.info.totalBytes = pos;
    return result;
}

} // namespace spyglass::core::tls
