#pragma once

#include "ListRow.h"
#include "core/record/RecordEvents.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace spyglass::core::store {

struct StoredHead {
    record::Direction direction = record::Direction::Request;
    int seq = 0;    // responses: interim (1xx) heads come before the final one
    int status = 0; // responses
    QByteArray raw;
    QByteArray forwarded;
};

struct StoredBody {
    record::Direction direction = record::Direction::Request;
    qint64 size = 0;      // content bytes of the message (true size)
    qint64 stored = 0;    // bytes kept in the file
    QByteArray truncated; // "" whole; "cap", "recorder saturated", "incomplete"
    bool chunked = false; // chunked framing was removed
    QByteArray contentEncoding;
};

struct StoredTls {
    record::TlsLeg leg = record::TlsLeg::Client;
    QByteArray version;
    QByteArray cipher;
    QByteArray alpn;
    QByteArray sni;
    bool verified = false;
    bool insecureException = false;
    QList<QByteArray> chainDer; // leaf first
};

// One exchange in full (for the inspector, `spyglass-cli show`, export);
// body bytes are read separately (SessionReader::streamBody).
struct ExchangeDetail {
    ListRow row;
    QByteArray sni;
    QString note;
    qint64 requestWireBytes = 0;
    qint64 responseWireBytes = 0;
    qint64 requestBodyBytes = 0;
    qint64 responseBodyBytes = 0;
    bool damaged = false; // records were lost to a saturated recorder
    bool hasTimings = false;
    record::Timings timings;
    QList<StoredHead> heads;
    QList<StoredBody> bodies;
    QList<StoredTls> tls;

    // The last head of a direction (the final response after any 1xx).
    [[nodiscard]] const StoredHead* head(record::Direction direction) const {
        const StoredHead* found = nullptr;
        for (const StoredHead& h : heads) {
            if (h.direction == direction)
                found = &h;
        }
        return found;
    }
    [[nodiscard]] const StoredBody* body(record::Direction direction) const {
        for (const StoredBody& b : bodies) {
            if (b.direction == direction)
                return &b;
        }
        return nullptr;
    }
};

} // namespace spyglass::core::store
