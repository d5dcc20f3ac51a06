#pragma once

#include <QByteArray>
#include <brotli/encode.h>
#include <zlib.h>
#include <zstd.h>

namespace spyglass::core::store::testing {

// Encoders for test bodies: gzip, zlib-wrapped and raw deflate, brotli, zstd.
struct Compress {
    // windowBits: 15 + 16 gzip, 15 zlib, -15 raw deflate.
    static QByteArray zlib(const QByteArray& data, int windowBits) {
        z_stream s{};
        deflateInit2(&s, 6, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY);
        QByteArray out(static_cast<qsizetype>(deflateBound(&s, static_cast<uLong>(data.size()))) +
                           64,
                       Qt::Uninitialized);
        s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.constData()));
        s.avail_in = static_cast<uInt>(data.size());
        s.next_out = reinterpret_cast<Bytef*>(out.data());
        s.avail_out = static_cast<uInt>(out.size());
        deflate(&s, Z_FINISH);
        out.resize(static_cast<qsizetype>(s.total_out));
        deflateEnd(&s);
        return out;
    }
    static QByteArray gzip(const QByteArray& data) { return zlib(data, 15 + 16); }
    static QByteArray deflateZlib(const QByteArray& data) { return zlib(data, 15); }
    static QByteArray deflateRaw(const QByteArray& data) { return zlib(data, -15); }

    static QByteArray brotli(const QByteArray& data) {
        std::size_t size =
            BrotliEncoderMaxCompressedSize(static_cast<std::size_t>(data.size())) + 1024;
        QByteArray out(static_cast<qsizetype>(size), Qt::Uninitialized);
        BrotliEncoderCompress(5, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_GENERIC,
                              static_cast<std::size_t>(data.size()),
                              reinterpret_cast<const uint8_t*>(data.constData()), &size,
                              reinterpret_cast<uint8_t*>(out.data()));
        out.resize(static_cast<qsizetype>(size));
        return out;
    }

    static QByteArray zstd(const QByteArray& data) {
        QByteArray out(
            static_cast<qsizetype>(ZSTD_compressBound(static_cast<std::size_t>(data.size()))),
            Qt::Uninitialized);
        const std::size_t size =
            ZSTD_compress(out.data(), static_cast<std::size_t>(out.size()), data.constData(),
                          static_cast<std::size_t>(data.size()), 3);
        out.resize(static_cast<qsizetype>(size));
        return out;
    }
};

} // namespace spyglass::core::store::testing
