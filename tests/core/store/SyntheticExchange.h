#pragma once

#include "core/record/RecordEvents.h"
#include "core/record/Recorder.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <vector>

namespace spyglass::core::store::testing {

// A made-up exchange and the record events the proxy would emit for it, so
// store tests control every field without a network.
struct SyntheticExchange {
    record::ExchangeId id = 1;
    record::Mode mode = record::Mode::Forward;
    qint64 startUs = 1'700'000'000'000'000;
    qint64 durationUs = 2500;
    QString client = QStringLiteral("127.0.0.1:50000");
    QByteArray scheme = "http";
    QByteArray host = "example.com";
    quint16 port = 80;
    QByteArray method = "GET";
    QByteArray path = "/";
    QByteArray sni;
    QList<QByteArray> requestHeaders; // "Name: value" lines
    QList<QByteArray> responseHeaders;
    int status = 200;
    QByteArray reason = "OK";
    QByteArray requestBody;
    QByteArray responseBody;
    bool chunked = false; // the response was chunked
    QString error;
    QString note;
    QList<record::TlsRecord> tls;
    int chunkBytes = 16 * 1024; // body chunk size as the proxy would read

    [[nodiscard]] QByteArray requestHead() const {
        QByteArray head = method + ' ' + path + " HTTP/1.1\r\nHost: " + host + "\r\n";
        for (const QByteArray& line : requestHeaders)
            head += line + "\r\n";
        if (!requestBody.isEmpty())
            head += "Content-Length: " + QByteArray::number(requestBody.size()) + "\r\n";
        return head + "\r\n";
    }
    [[nodiscard]] QByteArray responseHead() const {
        QByteArray head = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reason + "\r\n";
        for (const QByteArray& line : responseHeaders)
            head += line + "\r\n";
        head += chunked ? QByteArray("Transfer-Encoding: chunked\r\n")
                        : "Content-Length: " + QByteArray::number(responseBody.size()) + "\r\n";
        return head + "\r\n";
    }

    [[nodiscard]] std::vector<record::RecordEvent> events() const {
        std::vector<record::RecordEvent> out;
        record::ExchangeBegin begin;
        begin.id = id;
        begin.startUs = startUs;
        begin.mode = mode;
        begin.client = client;
        begin.scheme = mode == record::Mode::Tunnel ? QByteArray() : scheme;
        begin.host = host;
        begin.port = port;
        begin.method = mode == record::Mode::Tunnel ? QByteArray("CONNECT") : method;
        begin.path = mode == record::Mode::Tunnel ? QByteArray() : path;
        begin.sni = sni;
        out.emplace_back(begin);
        for (const record::TlsRecord& t : tls) {
            record::TlsRecord copy = t;
            copy.id = id;
            out.emplace_back(copy);
        }
        if (mode != record::Mode::Tunnel) {
            const QByteArray req = requestHead();
            out.emplace_back(record::HeadRecord{id, record::Direction::Request, 0, req, req});
            addBody(out, record::Direction::Request, requestBody, false);
            out.emplace_back(record::HeadRecord{id, record::Direction::Response, status,
                                                responseHead(), responseHead()});
            addBody(out, record::Direction::Response, responseBody, chunked);
        }
        record::ExchangeEnd end;
        end.id = id;
        end.timings.acceptUs = startUs;
        end.timings.requestStartUs = startUs + 10;
        end.timings.upstreamConnectStartUs = startUs + 20;
        end.timings.upstreamConnectedUs = startUs + 120;
        end.timings.requestSentUs = startUs + 300;
        end.timings.responseStartUs = startUs + 1300;
        end.timings.doneUs = startUs + durationUs;
        end.status = mode == record::Mode::Tunnel ? 200 : status;
        end.requestWireBytes = requestHead().size() + requestBody.size();
        end.responseWireBytes = responseHead().size() + responseBody.size();
        end.requestBodyBytes = requestBody.size();
        end.responseBodyBytes = responseBody.size();
        end.error = error;
        end.note = note;
        out.emplace_back(end);
        return out;
    }

    void recordInto(record::Recorder& recorder) const {
        for (record::RecordEvent& e : events())
            recorder.record(std::move(e));
    }

private:
    void addBody(std::vector<record::RecordEvent>& out, record::Direction direction,
                 const QByteArray& body, bool isChunked) const {
        for (qsizetype offset = 0; offset < body.size(); offset += chunkBytes)
            out.emplace_back(
                record::BodyChunk{id, direction, body.mid(offset, chunkBytes), isChunked});
    }
};

} // namespace spyglass::core::store::testing
