#pragma once

#include "core/record/RecordEvents.h"

#include <QByteArray>
#include <QString>

namespace spyglass::core::store {

// One row of the exchange list (the narrow `exchanges` table).
struct ListRow {
    enum class State { Open, Complete, Incomplete };

    qint64 id = 0;
    qint64 startUs = 0;
    qint64 durationUs = -1; // -1 while in flight or when it never ended
    record::Mode mode = record::Mode::Forward;
    QString client;
    QByteArray method;
    QByteArray scheme;
    QByteArray host;
    quint16 port = 0;
    QByteArray path;
    int status = 0;
    qint64 requestSize = 0; // content bytes; bytes relayed for tunnels
    qint64 responseSize = 0;
    QByteArray contentType;
    QByteArray tlsVersion;
    QString error;
    State state = State::Open;

    // "https://host/path", "http://host:8080/path", or "host:443" for a
    // tunnel; IPv6 hosts in brackets.
    [[nodiscard]] QByteArray url() const {
        const QByteArray h = host.contains(':') ? QByteArray('[' + host + ']') : host;
        if (mode == record::Mode::Tunnel || scheme.isEmpty())
            return h + ':' + QByteArray::number(port);
        const bool defaultPort =
            (scheme == "http" && port == 80) || (scheme == "https" && port == 443);
        return scheme + "://" + h + (defaultPort ? QByteArray() : ':' + QByteArray::number(port)) +
               path;
    }
};

} // namespace spyglass::core::store
