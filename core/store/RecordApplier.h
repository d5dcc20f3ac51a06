#pragma once

#include "QueuedRecord.h"
#include "StoreResult.h"

#include <QByteArray>
#include <QHash>
#include <array>
#include <unordered_map>
#include <vector>

namespace spyglass::core::store {

class SqliteConnection;

// Turns queued records into rows, on the writer thread, inside the
// transaction the writer opened. Holds what an exchange needs until its
// end: its row id (the proxy's ids restart each run; the file's ids are its
// own, dense and increasing, assigned here in Begin order), the heads for
// the search index, and body bytes not yet written (flushed in parts of
// kPartBytes and before every commit, so memory stays bounded however large
// or slow a body is).
//
// Few rows per exchange (formats 2 and 3): the list row and one `details`
// row (timings, body metadata, TLS references, the request head and the
// last response head, and bodies of up to kPartBytes stored whole) are
// written once, at the end, with their final values: most exchanges begin
// and end inside one transaction, and a row inserted early and updated
// twice costs three writes to the table and each index. Exchanges still in
// flight when a transaction commits get an 'open' row and a details row
// with what is known then (prepareCommit), so readers see them; their body
// bytes go to `body_parts`. TLS parameters and chains repeat for every exchange on a
// connection (and every connection to a host): they are stored once and
// referenced. Host counts are summed in memory and written per commit.
class RecordApplier {
public:
    static constexpr qsizetype kPartBytes = 256 * 1024;

    explicit RecordApplier(SqliteConnection& db);

    [[nodiscard]] Status apply(QueuedRecord& record);
    // Before a commit: writes buffered body bytes and the 'open' rows of
    // exchanges still in flight.
    [[nodiscard]] Status prepareCommit();
    // Marks every exchange still in flight incomplete (the proxy stopped, or
    // recording paused) and forgets it.
    [[nodiscard]] Status abandonAll();
    // After a rollback: the rows of exchanges in flight may be gone.
    void forgetAll();

    // Proxy ids of exchanges whose end was applied since the last call.
    [[nodiscard]] std::vector<record::ExchangeId> takeCompleted();
    [[nodiscard]] qint64 recordedExchanges() const { return m_recorded; }
    [[nodiscard]] std::size_t inFlight() const { return m_inFlight.size(); }

private:
    struct BodyState {
        int seq = 0;
        qint64 stored = 0;
        QByteArray pending;
    };
    struct InFlight {
        qint64 row = 0;
        bool rowWritten = false; // the exchanges row exists (in flight at a commit)
        record::ExchangeBegin begin;
        int status = 0;
        QByteArray tlsVersion;
        QByteArray url;
        std::array<QByteArray, 2> heads; // last head per direction, raw
        std::array<QByteArray, 2> forwardedHeads;
        std::array<int, 2> headStatus{};
        std::array<int, 2> headSeq{}; // heads seen per direction
        bool detailsDirty = false;    // heads or TLS changed since the open details row
        std::array<BodyState, 2> bodies;
        std::array<qint64, 2> tlsIds{}; // tls_parameters.id per leg; 0 = none
        bool hasClientTls = false;
    };

    Status begin(record::ExchangeBegin& begin);
    Status head(record::HeadRecord& head);
    Status body(record::BodyChunk& chunk);
    Status tls(record::TlsRecord& tls);
    Status end(record::ExchangeEnd& end, const QueuedRecord& queued);
    Status writePart(InFlight& exchange, int direction);
    Status writeOpenRow(InFlight& exchange);
    Status updateRow(InFlight& exchange, const char* sql, qint64 value, QByteArrayView text);
    Result<qint64> nextRowId();
    Status writeDetails(InFlight& exchange, const record::ExchangeEnd& end,
                        const QueuedRecord& queued, const std::array<QByteArray, 2>& inlineBodies);
    Status writeOpenDetails(InFlight& exchange);
    Status writeInterimHead(const InFlight& exchange, int direction);
    Status flushHostCounts();
    Result<qint64> tlsParametersId(const record::TlsRecord& tls);
    Result<qint64> storedTlsParametersId(const record::TlsRecord& tls);
    Result<qint64> certificateId(const QByteArray& der);

    SqliteConnection& m_db;
    std::unordered_map<record::ExchangeId, InFlight> m_inFlight;
    std::vector<record::ExchangeId> m_completed;
    // sha256 → certificates.id: chains repeat for every exchange with a host.
    QHash<QByteArray, qint64> m_certificateIds;
    // Everything a TlsRecord says (chain included) → tls_parameters.id.
    QHash<QByteArray, qint64> m_tlsIds;
    // The last few legs seen, compared field by field before building the
    // key above: the same few repeat for every exchange of busy connections.
    struct RecentTls {
        record::TlsRecord tls;
        qint64 id = 0;
    };
    std::array<RecentTls, 8> m_recentTls{};
    std::size_t m_nextRecentTls = 0;
    // Exchanges begun per host in this transaction, not yet in `hosts`.
    QHash<QByteArray, qint64> m_hostCounts;
    qint64 m_recorded = 0;
    qint64 m_nextRow = 0; // 0 = read max(id) + 1 from the file first
};

} // namespace spyglass::core::store
