#pragma once

// Builders for ClientHello test vectors: real ones from OpenSSL (memory BIOs,
// one SSL_do_handshake call) and hand-made ones for the malformed cases.

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QtGlobal>
#include <memory>
#include <openssl/bio.h>
#include <openssl/ssl.h>

namespace hello {

struct SslCtxFree {
    void operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }
};
struct SslFree {
    void operator()(SSL* ssl) const { SSL_free(ssl); }
};

struct OpenSslOptions {
    int maxVersion = TLS1_3_VERSION;
    QByteArray sni;
    QList<QByteArray> alpn;
    unsigned maxFragment = 0; // 0: OpenSSL's default (2^14)
};

// The bytes an OpenSSL client sends first: its ClientHello record(s).
// Empty when OpenSSL refused a setting or did not write anything.
inline QByteArray opensslClientHello(const OpenSslOptions& options) {
    std::unique_ptr<SSL_CTX, SslCtxFree> ctx(SSL_CTX_new(TLS_client_method()));
    if (!ctx || SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION) != 1 ||
        SSL_CTX_set_max_proto_version(ctx.get(), options.maxVersion) != 1)
        return {};
    if (options.maxFragment != 0 &&
        SSL_CTX_set_max_send_fragment(ctx.get(), options.maxFragment) != 1)
        return {};
    std::unique_ptr<SSL, SslFree> ssl(SSL_new(ctx.get()));
    if (!ssl)
        return {};
    // SSL_set_tlsext_host_name without its C cast (-Wold-style-cast).
    if (!options.sni.isEmpty() &&
        SSL_ctrl(ssl.get(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                 const_cast<char*>(options.sni.constData())) != 1)
        return {};
    if (!options.alpn.isEmpty()) {
        QByteArray wire;
        for (const QByteArray& protocol : options.alpn)
            wire.append(char(protocol.size())).append(protocol);
        // SSL_set_alpn_protos returns 0 on success.
        if (SSL_set_alpn_protos(ssl.get(), reinterpret_cast<const unsigned char*>(wire.constData()),
                                static_cast<unsigned>(wire.size())) != 0)
            return {};
    }
    BIO* in = BIO_new(BIO_s_mem());
    BIO* out = BIO_new(BIO_s_mem());
    SSL_set_bio(ssl.get(), in, out); // the SSL owns both now
    SSL_set_connect_state(ssl.get());
    const int rc = SSL_do_handshake(ssl.get());
    if (rc > 0 || SSL_get_error(ssl.get(), rc) != SSL_ERROR_WANT_READ)
        return {};
    char* data = nullptr;
    const long size = BIO_ctrl(out, BIO_CTRL_INFO, 0, &data); // BIO_get_mem_data
    return size > 0 ? QByteArray(data, size) : QByteArray();
}

inline QByteArray u16(quint16 value) {
    QByteArray out;
    out += char(value >> 8);
    out += char(value & 0xff);
    return out;
}

inline QByteArray u24(quint32 value) {
    QByteArray out;
    out += char((value >> 16) & 0xff);
    out += char((value >> 8) & 0xff);
    out += char(value & 0xff);
    return out;
}

inline QByteArray vec8(const QByteArray& data) {
    return QByteArray(1, char(data.size())).append(data);
}
inline QByteArray vec16(const QByteArray& data) {
    return u16(static_cast<quint16>(data.size())).append(data);
}

inline QByteArray extension(quint16 type, const QByteArray& data) {
    return u16(type).append(vec16(data));
}

inline QByteArray sniExtension(const QList<QByteArray>& hostNames) {
    QByteArray list;
    for (const QByteArray& name : hostNames)
        list.append('\0').append(vec16(name));
    return extension(0, vec16(list));
}

inline QByteArray alpnExtension(const QList<QByteArray>& protocols) {
    QByteArray list;
    for (const QByteArray& protocol : protocols)
        list += vec8(protocol);
    return extension(16, vec16(list));
}

inline QByteArray record(const QByteArray& fragment, quint8 type = 22, quint16 version = 0x0301) {
    return QByteArray(1, char(type))
        .append(u16(version))
        .append(u16(static_cast<quint16>(fragment.size())))
        .append(fragment);
}

// A ClientHello body (RFC 8446 §4.1.2); `extensions` is the block's content,
// and hasExtensions false leaves the block out entirely.
struct Body {
    quint16 legacyVersion = 0x0303;
    QByteArray sessionId = QByteArray(32, 'S');
    QByteArray cipherSuites = QByteArrayLiteral("\x13\x01\x13\x02");
    QByteArray compression = QByteArray(1, '\0');
    bool hasExtensions = true;
    QByteArray extensions;

    QByteArray bytes() const {
        QByteArray out = u16(legacyVersion) + QByteArray(32, 'R') + vec8(sessionId) +
                         vec16(cipherSuites) + vec8(compression);
        if (hasExtensions)
            out += vec16(extensions);
        return out;
    }
};

inline QByteArray handshake(const QByteArray& body, quint8 type = 1) {
    return QByteArray(1, char(type)).append(u24(static_cast<quint32>(body.size()))).append(body);
}

// A whole single-record ClientHello with these extensions.
inline QByteArray helloWith(const QByteArray& extensions) {
    Body body;
    body.extensions = extensions;
    return record(handshake(body.bytes()));
}

// The handshake bytes carried by a run of records (headers dropped), and how
// many records there were; stops at the first incomplete record.
inline QByteArray handshakeBytes(QByteArrayView records, int* count = nullptr) {
    QByteArray out;
    int n = 0;
    qsizetype pos = 0;
    while (records.size() - pos >= 5) {
        const qsizetype length =
            static_cast<quint8>(records[pos + 3]) << 8 | static_cast<quint8>(records[pos + 4]);
        if (records.size() - pos - 5 < length)
            break;
        out += records.sliced(pos + 5, length);
        pos += 5 + length;
        ++n;
    }
    if (count)
        *count = n;
    return out;
}

// The same handshake bytes re-framed as records cut at `cuts` (ascending
// offsets into the handshake bytes).
inline QByteArray reframe(const QByteArray& handshakeData, const QList<qsizetype>& cuts) {
    QByteArray out;
    qsizetype start = 0;
    for (qsizetype cut : cuts) {
        out += record(handshakeData.sliced(start, cut - start));
        start = cut;
    }
    out += record(handshakeData.sliced(start));
    return out;
}

} // namespace hello
