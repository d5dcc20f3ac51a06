#pragma once

// Real session files for the inspector tests, written by the real
// SessionWriter from the record events the proxy would emit.
#include "certs/CertificateAuthority.h"
#include "certs/LeafMinter.h"
#include "certs/SystemClock.h"
#include "core/store/SessionReader.h"
#include "core/store/SessionWriter.h"
#include "tests/core/store/Compress.h"
#include "tests/core/store/SyntheticExchange.h"

#include <QBuffer>
#include <QImage>
#include <QPainter>
#include <QSslCertificate>

namespace spyglass::ui::inspector::testing {

using core::store::testing::SyntheticExchange;
namespace record = core::record;

struct SessionIds {
    qint64 json = 0;
    qint64 html = 0;
    qint64 image = 0;
    qint64 urlEncoded = 0;
    qint64 multipart = 0;
    qint64 big = 0;
    qint64 failed = 0;
    qint64 tunnel = 0;
    qint64 svg = 0;
    qint64 webp = 0;
    qint64 truncated = 0; // in the second file
};

inline const QByteArray kJson =
    R"({"name":"spyglass","items":[{"id":1,"ok":true},{"id":2,"ok":false}],"count":2,)"
    R"("nested":{"deep":{"value":null}}})";
inline constexpr qint64 kBigSize = 16 << 20;
inline constexpr int kImageWidth = 64;
inline constexpr int kImageHeight = 48;
inline constexpr qint64 kTruncatedSize = 5000;
inline constexpr qint64 kTruncatedCap = 1000;
inline const QString kTrustError =
    QStringLiteral("the client does not trust the Spyglass CA — install it, or this app pins "
                   "its certificates (alert unknown_ca)");

inline QByteArray pattern(qsizetype size) {
    QByteArray data(size, Qt::Uninitialized);
    quint32 x = 12345;
    for (qsizetype i = 0; i < size; ++i) {
        x = x * 1103515245u + 12345u;
        data[i] = static_cast<char>(x >> 24);
    }
    return data;
}

inline const QByteArray kSvg =
    "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"40\" "
    "height=\"30\"><rect width=\"40\" height=\"30\" fill=\"#3b82d6\"/></svg>\n";

inline QByteArray pngImage() {
    QImage image(kImageWidth, kImageHeight, QImage::Format_ARGB32);
    image.fill(QColor(0x3b, 0x82, 0xd6));
    QPainter painter(&image);
    painter.fillRect(8, 8, 24, 24, Qt::yellow);
    painter.end();
    QByteArray png;
    QBuffer buffer(&png);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "PNG");
    return png;
}

// WebP needs Qt's image-formats plugin (qt6-image-formats-plugins).
inline QByteArray webpImage() {
    QImage image(32, 16, QImage::Format_RGB32);
    image.fill(Qt::darkGreen);
    QByteArray webp;
    QBuffer buffer(&webp);
    buffer.open(QIODevice::WriteOnly);
    if (!image.save(&buffer, "WEBP"))
        qFatal("cannot write WebP: is qt6-image-formats-plugins installed?");
    return webp;
}

// A real chain (leaf for example.com, then the CA) from the certs module.
inline QList<QByteArray> certificateChain() {
    certs::SystemClock clock;
    auto ca = certs::CertificateAuthority::create({}, clock);
    if (!ca)
        qFatal("CA: %s", qPrintable(ca.errorMessage()));
    auto minter = certs::LeafMinter::create(ca.value());
    if (!minter)
        qFatal("minter: %s", qPrintable(minter.errorMessage()));
    auto leaf = minter.value()->mint(QStringLiteral("example.com"), clock.now());
    if (!leaf)
        qFatal("leaf: %s", qPrintable(leaf.errorMessage()));
    auto pem = leaf.value()->chainPem();
    if (!pem)
        qFatal("pem: %s", qPrintable(pem.errorMessage()));
    QList<QByteArray> der;
    for (const QSslCertificate& certificate : QSslCertificate::fromData(pem.value(), QSsl::Pem))
        der.append(certificate.toDer());
    return der;
}

inline record::TlsRecord tlsLeg(record::TlsLeg leg, QList<QByteArray> chain = {}) {
    record::TlsRecord t;
    t.leg = leg;
    t.version = "TLSv1.3";
    t.cipher = "TLS_AES_128_GCM_SHA256";
    t.alpn = "http/1.1";
    t.sni = "example.com";
    t.chainDer = std::move(chain);
    t.verified = leg == record::TlsLeg::Server;
    return t;
}

inline std::unique_ptr<core::store::SessionWriter> openWriter(const QString& path, qint64 cap) {
    core::store::WriterOptions options;
    options.path = path;
    options.queue.bodyCap = cap;
    // Room for the whole 16 MiB body at once: the test records faster than
    // any proxy, and a full queue would drop bytes (recorder saturated).
    options.queue.maxBytes = 64 << 20;
    auto writer = core::store::SessionWriter::open(options);
    if (!writer)
        qFatal("writer: %s", qPrintable(writer.errorMessage()));
    writer->get()->start();
    return std::move(writer).value();
}

inline void recordAll(core::store::SessionWriter& writer, std::vector<record::RecordEvent> events) {
    for (record::RecordEvent& e : events)
        writer.record(std::move(e));
}

// The intercepted JSON exchange, with TLS timings added to the synthetic ones.
inline std::vector<record::RecordEvent> jsonExchange(record::ExchangeId id) {
    SyntheticExchange e;
    e.id = id;
    e.mode = record::Mode::Intercepted;
    e.scheme = "https";
    e.port = 443;
    e.sni = "example.com";
    e.path = "/api/items?page=1";
    e.requestHeaders = {"Accept: application/json", "User-Agent: curl/7.88.1"};
    e.responseHeaders = {"Content-Type: application/json; charset=utf-8", "Content-Encoding: gzip",
                         "X-Request-Id: abc123"};
    e.responseBody = core::store::testing::Compress::gzip(kJson);
    e.tls = {tlsLeg(record::TlsLeg::Client), tlsLeg(record::TlsLeg::Server, certificateChain())};
    std::vector<record::RecordEvent> events = e.events();
    auto& end = std::get<record::ExchangeEnd>(events.back());
    end.timings.connectRequestUs = e.startUs;
    end.timings.clientTlsStartUs = e.startUs + 130;
    end.timings.clientTlsDoneUs = e.startUs + 600;
    end.timings.serverTlsStartUs = e.startUs + 120;
    end.timings.serverTlsDoneUs = e.startUs + 280;
    end.timings.requestStartUs = e.startUs + 650;
    end.timings.requestSentUs = e.startUs + 700;
    end.timings.responseStartUs = e.startUs + 1900;
    end.timings.doneUs = e.startUs + e.durationUs;
    return events;
}

inline std::vector<record::RecordEvent> failedExchange(record::ExchangeId id) {
    record::ExchangeBegin begin;
    begin.id = id;
    begin.startUs = 1'700'000'000'100'000;
    begin.mode = record::Mode::Intercepted;
    begin.client = QStringLiteral("127.0.0.1:50010");
    begin.scheme = "https";
    begin.host = "pinned.example";
    begin.port = 443;
    begin.method = "CONNECT";
    begin.sni = "pinned.example";
    record::ExchangeEnd end;
    end.id = id;
    end.timings.acceptUs = begin.startUs;
    end.timings.clientTlsStartUs = begin.startUs + 50;
    end.timings.doneUs = begin.startUs + 900;
    end.error = kTrustError;
    return {begin, end};
}

inline std::vector<record::RecordEvent> tunnelExchange(record::ExchangeId id) {
    record::ExchangeBegin begin;
    begin.id = id;
    begin.startUs = 1'700'000'000'200'000;
    begin.mode = record::Mode::Tunnel;
    begin.client = QStringLiteral("127.0.0.1:50020");
    begin.host = "tunnel.example";
    begin.port = 8443;
    begin.method = "CONNECT";
    begin.sni = "sni.tunnel.example";
    record::ExchangeEnd end;
    end.id = id;
    end.timings.acceptUs = begin.startUs;
    end.timings.connectRequestUs = begin.startUs + 10;
    end.timings.upstreamConnectStartUs = begin.startUs + 20;
    end.timings.upstreamConnectedUs = begin.startUs + 400;
    end.timings.doneUs = begin.startUs + 90'000;
    end.status = 200;
    end.requestWireBytes = 1234;
    end.responseWireBytes = 56789;
    end.note = QStringLiteral("blind tunnel: no intercept rule");
    return {begin, end};
}

// Writes the main session (every kind of exchange) and a second one with a
// body cut by a small capture cap; returns the ids as the reader numbers them.
inline SessionIds writeSessions(const QString& mainPath, const QString& truncatedPath) {
    {
        auto writer = openWriter(mainPath, 32 << 20);
        recordAll(*writer, jsonExchange(1));

        SyntheticExchange html;
        html.id = 2;
        html.path = "/index.html";
        html.responseHeaders = {"Content-Type: text/html; charset=utf-8"};
        html.responseBody = "<!DOCTYPE html>\n<html>\n<head><title>Spyglass</title></head>\n"
                            "<body class=\"main\">\n<!-- a comment -->\n<p>Hello &amp; "
                            "welcome</p>\n</body>\n</html>\n";
        recordAll(*writer, html.events());

        SyntheticExchange image;
        image.id = 3;
        image.path = "/logo.png";
        image.responseHeaders = {"Content-Type: image/png"};
        image.responseBody = pngImage();
        recordAll(*writer, image.events());

        SyntheticExchange form;
        form.id = 4;
        form.method = "POST";
        form.path = "/search";
        form.requestHeaders = {"Content-Type: application/x-www-form-urlencoded"};
        form.requestBody = "q=two+words&check=%E2%9C%93&empty=";
        form.responseHeaders = {"Content-Type: text/plain"};
        form.responseBody = "ok";
        recordAll(*writer, form.events());

        SyntheticExchange multipart;
        multipart.id = 5;
        multipart.method = "POST";
        multipart.path = "/upload";
        multipart.requestHeaders = {"Content-Type: multipart/form-data; boundary=XyZ42"};
        multipart.requestBody = "--XyZ42\r\nContent-Disposition: form-data; name=\"title\"\r\n"
                                "\r\nHello\r\n--XyZ42\r\nContent-Disposition: form-data; "
                                "name=\"upload\"; filename=\"data.bin\"\r\nContent-Type: "
                                "application/octet-stream\r\n\r\n" +
                                pattern(300) + "\r\n--XyZ42--\r\n";
        multipart.status = 201;
        multipart.reason = "Created";
        // The client waited for 100 Continue before sending the upload.
        std::vector<record::RecordEvent> upload = multipart.events();
        const auto finalHead =
            std::find_if(upload.begin(), upload.end(), [](const record::RecordEvent& e) {
                const auto* head = std::get_if<record::HeadRecord>(&e);
                return head && head->direction == record::Direction::Response;
            });
        const QByteArray interim = "HTTP/1.1 100 Continue\r\n\r\n";
        upload.insert(finalHead,
                      record::HeadRecord{5, record::Direction::Response, 100, interim, interim});
        recordAll(*writer, std::move(upload));

        SyntheticExchange big;
        big.id = 6;
        big.path = "/firmware.bin";
        big.responseHeaders = {"Content-Type: application/octet-stream"};
        big.responseBody = pattern(kBigSize);
        big.chunkBytes = 256 * 1024;
        recordAll(*writer, big.events());

        recordAll(*writer, failedExchange(7));
        recordAll(*writer, tunnelExchange(8));

        SyntheticExchange svg;
        svg.id = 9;
        svg.path = "/icon.svg";
        svg.responseHeaders = {"Content-Type: image/svg+xml"};
        svg.responseBody = kSvg;
        recordAll(*writer, svg.events());

        SyntheticExchange webp;
        webp.id = 10;
        webp.path = "/photo.webp";
        webp.responseHeaders = {"Content-Type: image/webp"};
        webp.responseBody = webpImage();
        recordAll(*writer, webp.events());
        writer->stop();
    }
    {
        auto writer = openWriter(truncatedPath, kTruncatedCap);
        SyntheticExchange cut;
        cut.id = 1;
        cut.path = "/log.txt";
        cut.responseHeaders = {"Content-Type: text/plain"};
        cut.responseBody = QByteArray(kTruncatedSize, 'x');
        recordAll(*writer, cut.events());
        writer->stop();
    }
    SessionIds ids;
    auto reader = core::store::SessionReader::open(mainPath);
    if (!reader)
        qFatal("reader: %s", qPrintable(reader.errorMessage()));
    auto all = reader.value()->rows(reader.value()->ids().value());
    if (!all || all->size() != 10)
        qFatal("expected 10 exchanges in the session");
    qint64* slots[] = {&ids.json, &ids.html,   &ids.image,  &ids.urlEncoded, &ids.multipart,
                       &ids.big,  &ids.failed, &ids.tunnel, &ids.svg,        &ids.webp};
    for (int i = 0; i < 10; ++i)
        *slots[i] = all->at(i).id;
    auto second = core::store::SessionReader::open(truncatedPath);
    if (!second)
        qFatal("reader: %s", qPrintable(second.errorMessage()));
    ids.truncated = second.value()->ids().value().value(0);
    return ids;
}

} // namespace spyglass::ui::inspector::testing
