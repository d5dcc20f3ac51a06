// RecordApplier: the end of an exchange (its final row, its details row with
// timings and body metadata, the search index) and exchanges that never end.
#include "HeadText.h"
#include "RecordApplier.h"
#include "SessionNames.h"
#include "SqliteConnection.h"
#include "SqliteStatement.h"

namespace spyglass::core::store {

Status RecordApplier::end(record::ExchangeEnd& end, const QueuedRecord& queued) {
    auto it = m_inFlight.find(end.id);
    if (it == m_inFlight.end())
        return {};
    InFlight& exchange = it->second;
    const record::ExchangeBegin& b = exchange.begin;
    // A body none of which was written yet (it began and ended within this
    // transaction and is below kPartBytes) goes into the details row whole.
    std::array<QByteArray, 2> inlineBodies;
    for (int dir = 0; dir < 2; ++dir) {
        BodyState& state = exchange.bodies[static_cast<std::size_t>(dir)];
        if (state.seq == 0 && !state.pending.isEmpty()) {
            state.stored += state.pending.size();
            inlineBodies[static_cast<std::size_t>(dir)] = std::move(state.pending);
            state.pending = QByteArray();
        } else if (Status done = writePart(exchange, dir); !done) {
            return done;
        }
    }
    QByteArray contentType = end.contentType;
    if (contentType.isEmpty())
        contentType =
            HeadText::parse(exchange.heads[1]).value("content-type").value_or(QByteArray());
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
    if (Status done = writeDetails(exchange, end, queued, inlineBodies); !done)
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

namespace {

// Binds the last head of each direction to `first` .. `first + 6` (the
// head columns of `details`, in their order).
void bindHeads(SqliteStatement& insert, int first, const std::array<QByteArray, 2>& raw,
               const std::array<QByteArray, 2>& forwarded, const std::array<int, 2>& seq,
               int responseStatus) {
    for (std::size_t dir = 0; dir < 2; ++dir) {
        const int column = first + (dir == 0 ? 0 : 3);
        if (seq[dir] == 0) {
            insert.bindNull(column);
            insert.bindNull(column + 1);
            insert.bindNull(column + 2);
            continue;
        }
        insert.bindBlobNoCopy(column, raw[dir]);
        insert.bindBlobNoCopy(column + 1, forwarded[dir]);
        insert.bind(column + 2, qint64{seq[dir] - 1});
    }
    if (seq[1] == 0)
        insert.bindNull(first + 6);
    else
        insert.bind(first + 6, qint64{responseStatus});
}

constexpr QByteArrayView kHeadColumns =
    "request_head, request_head_forwarded, request_head_seq, response_head, "
    "response_head_forwarded, response_head_seq, response_head_status";

} // namespace

// The one `details` row of an ended exchange: its numbers, timings, TLS
// references, its last heads and, per message with content, what was
// stored of the body (the body itself when it is inline).
Status RecordApplier::writeDetails(InFlight& exchange, const record::ExchangeEnd& end,
                                   const QueuedRecord& queued,
                                   const std::array<QByteArray, 2>& inlineBodies) {
    static const QByteArray kSql =
        "INSERT OR REPLACE INTO details (exchange_id, sni, note, request_wire_bytes, "
        "response_wire_bytes, request_body_bytes, response_body_bytes, damaged, accept_us, "
        "connect_request_us, upstream_connect_start_us, upstream_connected_us, "
        "client_tls_start_us, client_tls_done_us, server_tls_start_us, server_tls_done_us, "
        "request_start_us, request_sent_us, response_start_us, done_us, client_tls, server_tls, "
        "request_body_size, request_body_stored, request_body_truncated, request_body_chunked, "
        "request_content_encoding, response_body_size, response_body_stored, "
        "response_body_truncated, response_body_chunked, response_content_encoding, " +
        kHeadColumns.toByteArray() +
        ", request_body, response_body) VALUES "
        "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, "
        "?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33, ?34, ?35, ?36, "
        "?37, ?38, ?39, ?40, ?41)";
    auto insert = m_db.cached(kSql);
    if (!insert)
        return insert.error();
    insert->bind(1, exchange.row);
    insert->bindText(2, QByteArrayView(exchange.begin.sni));
    insert->bindText(3, end.note);
    insert->bind(4, end.requestWireBytes);
    insert->bind(5, end.responseWireBytes);
    insert->bind(6, end.requestBodyBytes);
    insert->bind(7, end.responseBodyBytes);
    insert->bind(8, qint64{queued.damaged ? 1 : 0});
    const record::Timings& t = end.timings;
    const qint64 times[] = {
        t.acceptUs,         t.connectRequestUs, t.upstreamConnectStartUs, t.upstreamConnectedUs,
        t.clientTlsStartUs, t.clientTlsDoneUs,  t.serverTlsStartUs,       t.serverTlsDoneUs,
        t.requestStartUs,   t.requestSentUs,    t.responseStartUs,        t.doneUs};
    int parameter = 9;
    for (qint64 value : times) {
        // 0 means "did not happen"; NULL says so in SQL.
        if (value > 0)
            insert->bind(parameter, value);
        else
            insert->bindNull(parameter);
        ++parameter;
    }
    for (int leg = 0; leg < 2; ++leg) {
        if (const qint64 id = exchange.tlsIds[static_cast<std::size_t>(leg)]; id > 0)
            insert->bind(21 + leg, id);
        else
            insert->bindNull(21 + leg);
    }
    for (int dir = 0; dir < 2; ++dir) {
        const int first = dir == 0 ? 23 : 28;
        const BodyState& state = exchange.bodies[static_cast<std::size_t>(dir)];
        const BodyFate& fate = queued.bodies[static_cast<std::size_t>(dir)];
        const qint64 reported = dir == 0 ? end.requestBodyBytes : end.responseBodyBytes;
        const qint64 size = std::max(reported, state.stored + fate.droppedBytes);
        if (size == 0 && state.stored == 0 && !fate.chunked) {
            for (int column = first; column < first + 5; ++column)
                insert->bindNull(column); // no content: no `bodies` row
            continue;
        }
        const char* truncated = "";
        if (fate.saturated)
            truncated = kTruncatedSaturated;
        else if (fate.overCap)
            truncated = kTruncatedCap;
        else if (state.stored < size)
            truncated = kTruncatedIncomplete;
        const QByteArray encoding = HeadText::parse(exchange.heads[static_cast<std::size_t>(dir)])
                                        .joined("content-encoding");
        insert->bind(first, size);
        insert->bind(first + 1, state.stored);
        insert->bindText(first + 2, QByteArrayView(truncated));
        insert->bind(first + 3, qint64{fate.chunked ? 1 : 0});
        insert->bindText(first + 4, QByteArrayView(encoding)); // copied by SQLite
    }
    bindHeads(insert.value(), 33, exchange.heads, exchange.forwardedHeads, exchange.headSeq,
              exchange.headStatus[1]);
    for (std::size_t dir = 0; dir < 2; ++dir) {
        const int column = 40 + static_cast<int>(dir);
        if (inlineBodies[dir].isEmpty())
            insert->bindNull(column);
        else
            insert->bindBlobNoCopy(column, inlineBodies[dir]);
    }
    return insert->run("cannot record exchange details");
}

// What is known of an exchange still in flight at a commit, or that never
// ended: its SNI, TLS legs and heads (its body is in `body_parts`). The
// end replaces the row.
Status RecordApplier::writeOpenDetails(InFlight& exchange) {
    static const QByteArray kSql =
        "INSERT OR REPLACE INTO details (exchange_id, sni, client_tls, server_tls, " +
        kHeadColumns.toByteArray() + ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
    auto insert = m_db.cached(kSql);
    if (!insert)
        return insert.error();
    insert->bind(1, exchange.row);
    insert->bindText(2, QByteArrayView(exchange.begin.sni));
    for (int leg = 0; leg < 2; ++leg) {
        if (const qint64 id = exchange.tlsIds[static_cast<std::size_t>(leg)]; id > 0)
            insert->bind(3 + leg, id);
        else
            insert->bindNull(3 + leg);
    }
    bindHeads(insert.value(), 5, exchange.heads, exchange.forwardedHeads, exchange.headSeq,
              exchange.headStatus[1]);
    if (Status done = insert->run("cannot record exchange details"); !done)
        return done;
    exchange.detailsDirty = false;
    return {};
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
        if (Status done = writeOpenDetails(exchange); !done)
            return done;
    }
    m_inFlight.clear();
    return {};
}

} // namespace spyglass::core::store
