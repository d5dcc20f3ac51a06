#pragma once

#include "SyntheticExchange.h" // tests/core/store
#include "core/store/SessionWriter.h"

#include <QDateTime>

// A realistic-looking capture for the screenshots: the record events the
// proxy would emit for a browsing and API session (JSON, HTML, images,
// redirects, errors, blind tunnels, intercepted TLS), written through the
// real SessionWriter. No network: the hosts are only names in the records.
inline bool writeSampleCapture(const QString& path, QString* error) {
    using spyglass::core::record::Mode;
    using spyglass::core::record::TlsLeg;
    using spyglass::core::record::TlsRecord;
    using spyglass::core::store::testing::SyntheticExchange;
    spyglass::core::store::WriterOptions options;
    options.path = path;
    auto opened = spyglass::core::store::SessionWriter::open(options);
    if (!opened) {
        *error = opened.errorMessage();
        return false;
    }
    auto& writer = *opened.value();
    writer.start();
    qint64 t = (QDateTime::currentMSecsSinceEpoch() - 90'000) * 1000;
    spyglass::core::record::ExchangeId id = 0;
    const auto tls = [](const QByteArray& sni) {
        TlsRecord client;
        client.leg = TlsLeg::Client;
        client.version = "TLSv1.3";
        client.cipher = "TLS_AES_128_GCM_SHA256";
        client.alpn = "http/1.1";
        client.sni = sni;
        TlsRecord server = client;
        server.leg = TlsLeg::Server;
        server.verified = true;
        return QList<TlsRecord>{client, server};
    };
    const auto add = [&](SyntheticExchange e) {
        e.id = ++id;
        e.startUs = t;
        t += 700'000 + (id * 137'000) % 900'000;
        if (e.mode == Mode::Intercepted) {
            e.scheme = "https";
            e.port = 443;
            e.sni = e.host;
            e.tls = tls(e.host);
        }
        e.recordInto(writer);
    };
    const QByteArray json = R"({"login":"octocat","id":583231,"type":"User","site_admin":false,)"
                            R"("name":"The Octocat","company":"@github","public_repos":8,)"
                            R"("followers":17502,"created_at":"2011-01-25T18:44:36Z"})";
    SyntheticExchange api;
    api.mode = Mode::Intercepted;
    api.host = "api.github.com";
    api.path = "/users/octocat";
    api.requestHeaders = {"User-Agent: curl/7.88.1", "Accept: application/vnd.github+json"};
    api.responseHeaders = {"Content-Type: application/json; charset=utf-8",
                           "Cache-Control: public, max-age=60", "ETag: W/\"4f2a\""};
    api.responseBody = json;
    api.durationUs = 182'000;
    add(api);
    SyntheticExchange repos = api;
    repos.path = "/users/octocat/repos?per_page=5";
    repos.responseBody = "[" + json + "," + json + "]";
    repos.durationUs = 241'000;
    add(repos);
    SyntheticExchange post = api;
    post.method = "POST";
    post.path = "/repos/octocat/hello-world/issues";
    post.requestHeaders << "Content-Type: application/json";
    post.requestBody = R"({"title":"Found a bug","labels":["bug"]})";
    post.status = 201;
    post.reason = "Created";
    post.durationUs = 420'000;
    add(post);
    SyntheticExchange missing = api;
    missing.path = "/repos/octocat/nope";
    missing.status = 404;
    missing.reason = "Not Found";
    missing.responseBody = R"({"message":"Not Found"})";
    missing.durationUs = 95'000;
    add(missing);
    SyntheticExchange page;
    page.host = "neverssl.com";
    page.path = "/online/";
    page.responseHeaders = {"Content-Type: text/html; charset=utf-8"};
    page.responseBody = "<!doctype html><html><head><title>NeverSSL</title></head><body>"
                        "<h1>NeverSSL</h1><p>This website is for when you try to open "
                        "Facebook, Google, Amazon, etc on a wifi network.</p></body></html>";
    page.durationUs = 64'000;
    add(page);
    SyntheticExchange redirect;
    redirect.host = "example.org";
    redirect.status = 301;
    redirect.reason = "Moved Permanently";
    redirect.responseHeaders = {"Location: https://example.org/"};
    redirect.durationUs = 33'000;
    add(redirect);
    for (const char* host : {"accounts.google.com", "fonts.gstatic.com", "www.youtube.com"}) {
        SyntheticExchange tunnel;
        tunnel.mode = Mode::Tunnel;
        tunnel.host = host;
        tunnel.port = 443;
        tunnel.sni = host;
        tunnel.responseBody = QByteArray(38'000, 'x');
        tunnel.durationUs = 2'400'000;
        tunnel.note = QStringLiteral("no intercept rule matches");
        add(tunnel);
    }
    SyntheticExchange image = api;
    image.host = "avatars.githubusercontent.com";
    image.path = "/u/583231?v=4";
    image.responseHeaders = {"Content-Type: image/png"};
    image.responseBody = QByteArray::fromBase64(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJ"
        "RU5ErkJggg==");
    image.durationUs = 51'000;
    add(image);
    SyntheticExchange failed;
    failed.host = "internal.corp.example";
    failed.path = "/health";
    failed.status = 502;
    failed.reason = "Bad Gateway";
    failed.error = QStringLiteral("name not found: internal.corp.example");
    failed.durationUs = 12'000;
    add(failed);
    SyntheticExchange slow = api;
    slow.path = "/search/code?q=spyglass";
    slow.status = 500;
    slow.reason = "Internal Server Error";
    slow.durationUs = 1'250'000;
    add(slow);
    writer.stop();
    return true;
}
