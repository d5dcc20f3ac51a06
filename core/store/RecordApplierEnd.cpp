// RecordApplier: the end of an exchange (its final row, bodies, details,
// timings, search index) and exchanges that never end.
#include "HeadText.h"
#include "RecordApplier.h"
#include "SessionNames.h"
#include "SqliteConnection.h"

namespace spyglass::core::store {

namespace {

record::Direction directionAt(int index) {
    return index == 0 ? record::Direction::Request : record::Direction::Response;
}

} // namespace

Status RecordApplier::end(record::ExchangeEnd& end, const QueuedRecord& queued) {
    auto it = m_inFlight.find(end.id);
    if (it == m_inFlight.end())
        return {};
    InFlight& exchange = it->second;
    const record::ExchangeBegin& b = exchange.begin;
    if (Status done = writeBodies(exchange, end, queued); !done)
        return done;
    const HeadText responseHead = HeadText::parse(exchange.heads[1]);
    QByteArray contentType = end.contentType;
    if (contentType.isEmpty())
        contentType = responseHead.value("content-type").value_or(QByteArray());
    const bool tunnel = b.mode == record::Mode::Tunnel;
    // One statement either way: the whole row, or the end of an 'open' one.
    auto row = exchange.rowWritten
                   ? m_db.cached(QByteArrayLiteral(
                         "UPDATE exchanges SET duration_us = ?2, status = ?3, request_size = ?4, "
                         "response_size = ?5, content_type = ?6, error = ?7, state = ?8, "
                         "tls_version = ?9 WHERE id = ?1"))
                   : m_db.cached(QByteArrayLiteral(
                         "INSERT INTO exchanges (id, duration_us, status, request_size, "
                         "response_size, content_type, error, state, tls_version, start_us, mode, "
                         "client, method, scheme, host, port, path) VALUES (?1, ?2, ?3, ?4, ?5, "
                         "?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)"));
    if (!row)
        return row.error();
    row->bind(1, exchange.row);
    if (end.timings.doneUs > 0)
        row->bind(2, std::max<qint64>(0, end.timings.doneUs - b.startUs));
    else
        row->bindNull(2);
    row->bind(3, qint64{end.status});
    // Tunnels carry no messages: their sizes are the bytes relayed.
    row->bind(4, tunnel ? end.requestWireBytes : end.requestBodyBytes);
    row->bind(5, tunnel ? end.responseWireBytes : end.responseBodyBytes);
    row->bindText(6, QByteArrayView(contentType));
    row->bindText(7, end.error);
    row->bindText(8, queued.damaged ? QByteArrayView("incomplete") : QByteArrayView("complete"));
    row->bindText(9, QByteArrayView(exchange.tlsVersion));
    if (!exchange.rowWritten) {
        row->bind(10, b.startUs);
        row->bindText(11, QByteArrayView(modeName(b.mode)));
        row->bindText(12, b.client);
        row->bindText(13, QByteArrayView(b.method));
        row->bindText(14, QByteArrayView(b.scheme));
        row->bindText(15, QByteArrayView(b.host));
        row->bind(16, qint64{b.port});
        row->bindText(17, QByteArrayView(b.path));
    }
    if (Status done = row->run("cannot record an exchange"); !done)
        return done;

    auto details = m_db.cached(QByteArrayLiteral(
        "INSERT OR REPLACE INTO details (exchange_id, sni, note, request_wire_bytes, "
        "response_wire_bytes, request_body_bytes, response_body_bytes, damaged) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"));
    if (!details)
        return details.error();
    details->bind(1, exchange.row);
    details->bindText(2, QByteArrayView(b.sni));
    details->bindText(3, end.note);
    details->bind(4, end.requestWireBytes);
    details->bind(5, end.responseWireBytes);
    details->bind(6, end.requestBodyBytes);
    details->bind(7, end.responseBodyBytes);
    details->bind(8, qint64{queued.damaged ? 1 : 0});
    if (Status done = details->run("cannot record exchange details"); !done)
        return done;
    if (Status done = writeTimings(exchange.row, end.timings); !done)
        return done;

    auto search = m_db.cached(
        QByteArrayLiteral("INSERT INTO search (rowid, url, headers) VALUES (?1, ?2, ?3)"));
    if (!search)
        return search.error();
    search->bind(1, exchange.row);
    search->bindText(2, QByteArrayView(exchange.url));
    const QByteArray headers = exchange.heads[0] + exchange.heads[1];
    search->bindText(3, QByteArrayView(headers));
    if (Status done = search->run("cannot index an exchange"); !done)
        return done;

    m_completed.push_back(end.id);
    ++m_recorded;
    m_inFlight.erase(it);
    return {};
}

Status RecordApplier::writeBodies(InFlight& exchange, const record::ExchangeEnd& end,
                                  const QueuedRecord& queued) {
    for (int dir = 0; dir < 2; ++dir) {
        if (Status done = writePart(exchange, dir); !done)
            return done;
        const BodyState& state = exchange.bodies[static_cast<std::size_t>(dir)];
        const BodyFate& fate = queued.bodies[static_cast<std::size_t>(dir)];
        const qint64 reported = dir == 0 ? end.requestBodyBytes : end.responseBodyBytes;
        const qint64 size = std::max(reported, state.stored + fate.droppedBytes);
        if (size == 0 && state.stored == 0 && !fate.chunked)
            continue;
        QByteArray truncated;
        if (fate.saturated)
            truncated = kTruncatedSaturated;
        else if (fate.overCap)
            truncated = kTruncatedCap;
        else if (state.stored < size)
            truncated = kTruncatedIncomplete;
        const HeadText head = HeadText::parse(exchange.heads[static_cast<std::size_t>(dir)]);
        auto insert = m_db.cached(QByteArrayLiteral(
            "INSERT OR REPLACE INTO bodies (exchange_id, direction, size, stored, truncated, "
            "chunked, content_encoding) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
        if (!insert)
            return insert.error();
        insert->bind(1, exchange.row);
        insert->bindText(2, QByteArrayView(directionName(directionAt(dir))));
        insert->bind(3, size);
        insert->bind(4, state.stored);
        insert->bindText(5, QByteArrayView(truncated));
        insert->bind(6, qint64{fate.chunked ? 1 : 0});
        insert->bindText(7, QByteArrayView(head.joined("content-encoding")));
        if (Status done = insert->run("cannot record a body"); !done)
            return done;
    }
    return {};
}

Status RecordApplier::writeTimings(qint64 row, const record::Timings& t) {
    auto insert = m_db.cached(QByteArrayLiteral(
        "INSERT OR REPLACE INTO timings (exchange_id, accept_us, connect_request_us, "
        "upstream_connect_start_us, upstream_connected_us, client_tls_start_us, "
        "client_tls_done_us, server_tls_start_us, server_tls_done_us, request_start_us, "
        "request_sent_us, response_start_us, done_us) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"));
    if (!insert)
        return insert.error();
    insert->bind(1, row);
    const qint64 values[] = {
        t.acceptUs,         t.connectRequestUs, t.upstreamConnectStartUs, t.upstreamConnectedUs,
        t.clientTlsStartUs, t.clientTlsDoneUs,  t.serverTlsStartUs,       t.serverTlsDoneUs,
        t.requestStartUs,   t.requestSentUs,    t.responseStartUs,        t.doneUs};
    int parameter = 2;
    for (qint64 value : values) {
        // 0 means "did not happen"; NULL says so in SQL.
        if (value > 0)
            insert->bind(parameter, value);
        else
            insert->bindNull(parameter);
        ++parameter;
    }
    return insert->run("cannot record timings");
}

Status RecordApplier::abandonAll() {
    // Rows first (exchanges that began in this transaction have none yet),
    // then every one of them is marked as never finished.
    if (Status done = prepareCommit(); !done)
        return done;
    auto update =
        m_db.cached(QByteArrayLiteral("UPDATE exchanges SET state = 'incomplete' WHERE id = ?1"));
    if (!update)
        return update.error();
    for (auto& [id, exchange] : m_inFlight) {
        update->bind(1, exchange.row);
        if (Status done = update->run("cannot mark an exchange incomplete"); !done)
            return done;
    }
    m_inFlight.clear();
    return {};
}

} // namespace spyglass::core::store
