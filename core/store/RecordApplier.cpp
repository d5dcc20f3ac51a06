#include "RecordApplier.h"

#include "SessionNames.h"
#include "SqliteConnection.h"
#include "core/proxy/Overloaded.h"

#include <QCryptographicHash>

namespace spyglass::core::store {

namespace {

constexpr qsizetype kMaxCachedCertificates = 4096;

bool sameTls(const record::TlsRecord& a, const record::TlsRecord& b) {
    if (a.leg != b.leg || a.verified != b.verified || a.insecureException != b.insecureException ||
        a.version != b.version || a.cipher != b.cipher || a.alpn != b.alpn || a.sni != b.sni ||
        a.chainDer.size() != b.chainDer.size())
        return false;
    for (qsizetype i = 0; i < a.chainDer.size(); ++i) {
        const QByteArray& x = a.chainDer.at(i);
        const QByteArray& y = b.chainDer.at(i);
        // The proxy hands on one parsed chain per connection: mostly shared.
        if (!x.isSharedWith(y) && x != y)
            return false;
    }
    return true;
}

int index(record::Direction direction) {
    return direction == record::Direction::Request ? 0 : 1;
}

record::Direction directionAt(int index) {
    return index == 0 ? record::Direction::Request : record::Direction::Response;
}

QByteArray urlOf(const record::ExchangeBegin& begin) {
    const QByteArray host = begin.host.contains(':') ? '[' + begin.host + ']' : begin.host;
    if (begin.mode == record::Mode::Tunnel || begin.scheme.isEmpty())
        return host + ':' + QByteArray::number(begin.port);
    const bool defaultPort = (begin.scheme == "http" && begin.port == 80) ||
                             (begin.scheme == "https" && begin.port == 443);
    return begin.scheme + "://" + host +
           (defaultPort ? QByteArray() : ':' + QByteArray::number(begin.port)) + begin.path;
}

} // namespace

RecordApplier::RecordApplier(SqliteConnection& db)
    : m_db(db) {}

Status RecordApplier::apply(QueuedRecord& record) {
    return std::visit(Overloaded{
                          [&](record::ExchangeBegin& e) { return begin(e); },
                          [&](record::HeadRecord& e) { return head(e); },
                          [&](record::BodyChunk& e) { return body(e); },
                          [&](record::TlsRecord& e) { return tls(e); },
                          [&](record::ExchangeEnd& e) { return end(e, record); },
                      },
                      record.event);
}

Result<qint64> RecordApplier::nextRowId() {
    if (m_nextRow == 0) {
        auto last = m_db.queryInt("SELECT ifnull(max(id), 0) FROM exchanges");
        if (!last)
            return last.error();
        m_nextRow = last.value() + 1;
    }
    return m_nextRow++;
}

Status RecordApplier::begin(record::ExchangeBegin& begin) {
    if (m_inFlight.contains(begin.id))
        return {};
    auto row = nextRowId();
    if (!row)
        return row.error();
    // Summed here, written once per host and commit (flushHostCounts): a
    // busy host would otherwise rewrite its `hosts` row for every exchange.
    ++m_hostCounts[begin.host];
    InFlight exchange;
    exchange.row = row.value();
    exchange.url = urlOf(begin);
    exchange.begin = begin; // shared, not moved: see RecordQueue::giveBack
    m_inFlight.emplace(exchange.begin.id, std::move(exchange));
    return {};
}

Status RecordApplier::flushHostCounts() {
    if (m_hostCounts.isEmpty())
        return {};
    auto upsert = m_db.cached(
        QByteArrayLiteral("INSERT INTO hosts (name, exchanges) VALUES (?1, ?2) "
                          "ON CONFLICT (name) DO UPDATE SET exchanges = exchanges + ?2"));
    if (!upsert)
        return upsert.error();
    for (auto it = m_hostCounts.cbegin(); it != m_hostCounts.cend(); ++it) {
        upsert->bindText(1, QByteArrayView(it.key()));
        upsert->bind(2, it.value());
        if (Status done = upsert->run("cannot record a host"); !done)
            return done;
    }
    m_hostCounts.clear();
    return {};
}

Status RecordApplier::head(record::HeadRecord& head) {
    auto it = m_inFlight.find(head.id);
    if (it == m_inFlight.end())
        return {};
    InFlight& exchange = it->second;
    const auto dir = static_cast<std::size_t>(index(head.direction));
    // Only the last head of a direction goes into `details`: an earlier one
    // (a 1xx interim response) becomes a row of its own now.
    if (exchange.headSeq[dir] > 0) {
        if (Status done = writeInterimHead(exchange, static_cast<int>(dir)); !done)
            return done;
    }
    exchange.heads[dir] = head.raw; // shared, not moved: see RecordQueue::giveBack
    exchange.forwardedHeads[dir] = head.forwarded;
    exchange.headStatus[dir] = head.status;
    ++exchange.headSeq[dir];
    exchange.detailsDirty = true;
    // The final status shows in the list while the body is still streaming.
    if (head.direction == record::Direction::Response && head.status >= 200) {
        exchange.status = head.status;
        return updateRow(exchange, "UPDATE exchanges SET status = ?2 WHERE id = ?1", head.status,
                         {});
    }
    return {};
}

Status RecordApplier::writeInterimHead(const InFlight& exchange, int dir) {
    const auto d = static_cast<std::size_t>(dir);
    auto insert = m_db.cached(QByteArrayLiteral(
        "INSERT INTO interim_heads (exchange_id, direction, seq, status, raw, forwarded) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
    if (!insert)
        return insert.error();
    insert->bind(1, exchange.row);
    insert->bindText(2, QByteArrayView(directionName(directionAt(dir))));
    insert->bind(3, qint64{exchange.headSeq[d] - 1});
    insert->bind(4, qint64{exchange.headStatus[d]});
    insert->bindBlobNoCopy(5, exchange.heads[d]);
    insert->bindBlobNoCopy(6, exchange.forwardedHeads[d]);
    return insert->run("cannot record a head");
}

Status RecordApplier::updateRow(InFlight& exchange, const char* sql, qint64 value,
                                QByteArrayView text) {
    if (!exchange.rowWritten)
        return {}; // written with its current values when it is written
    auto update = m_db.cached(QByteArray(sql));
    if (!update)
        return update.error();
    update->bind(1, exchange.row);
    if (text.data())
        update->bindText(2, text);
    else
        update->bind(2, value);
    return update->run("cannot update an exchange");
}

Status RecordApplier::body(record::BodyChunk& chunk) {
    auto it = m_inFlight.find(chunk.id);
    if (it == m_inFlight.end() || chunk.data.isEmpty())
        return {};
    const int dir = index(chunk.direction);
    BodyState& state = it->second.bodies[static_cast<std::size_t>(dir)];
    if (state.pending.isEmpty() && chunk.data.size() >= kPartBytes) {
        state.pending = chunk.data; // shared: no copy for large reads
    } else {
        state.pending += chunk.data;
    }
    if (state.pending.size() >= kPartBytes)
        return writePart(it->second, dir);
    return {};
}

Status RecordApplier::writePart(InFlight& exchange, int dir) {
    BodyState& state = exchange.bodies[static_cast<std::size_t>(dir)];
    if (state.pending.isEmpty())
        return {};
    auto insert = m_db.cached(QByteArrayLiteral(
        "INSERT INTO body_chunks (exchange_id, direction, seq, data) VALUES (?1, ?2, ?3, ?4)"));
    if (!insert)
        return insert.error();
    insert->bind(1, exchange.row);
    insert->bindText(2, QByteArrayView(directionName(directionAt(dir))));
    insert->bind(3, qint64{state.seq});
    insert->bindBlobNoCopy(4, state.pending);
    if (Status done = insert->run("cannot record a body"); !done)
        return done;
    ++state.seq;
    state.stored += state.pending.size();
    state.pending.clear();
    return {};
}

Status RecordApplier::prepareCommit() {
    if (Status done = flushHostCounts(); !done)
        return done;
    for (auto& [id, exchange] : m_inFlight) {
        for (int dir = 0; dir < 2; ++dir) {
            if (Status done = writePart(exchange, dir); !done)
                return done;
        }
        if (!exchange.rowWritten) {
            if (Status done = writeOpenRow(exchange); !done)
                return done;
        }
        if (exchange.detailsDirty) {
            if (Status done = writeOpenDetails(exchange); !done)
                return done;
        }
    }
    return {};
}

Status RecordApplier::writeOpenRow(InFlight& exchange) {
    const record::ExchangeBegin& b = exchange.begin;
    auto insert = m_db.cached(QByteArrayLiteral(
        "INSERT INTO exchanges (id, start_us, mode, client, method, scheme, host, port, path, "
        "status, tls_version, state) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
        "'open')"));
    if (!insert)
        return insert.error();
    insert->bind(1, exchange.row);
    insert->bind(2, b.startUs);
    insert->bindText(3, QByteArrayView(modeName(b.mode)));
    insert->bindText(4, b.client);
    insert->bindText(5, QByteArrayView(b.method));
    insert->bindText(6, QByteArrayView(b.scheme));
    insert->bindText(7, QByteArrayView(b.host));
    insert->bind(8, qint64{b.port});
    insert->bindText(9, QByteArrayView(b.path));
    insert->bind(10, qint64{exchange.status});
    insert->bindText(11, QByteArrayView(exchange.tlsVersion));
    if (Status done = insert->run("cannot record an exchange"); !done)
        return done;
    exchange.rowWritten = true;
    return {};
}

Status RecordApplier::tls(record::TlsRecord& tls) {
    auto it = m_inFlight.find(tls.id);
    if (it == m_inFlight.end())
        return {};
    InFlight& exchange = it->second;
    auto parameters = tlsParametersId(tls);
    if (!parameters)
        return parameters.error();
    const bool client = tls.leg == record::TlsLeg::Client;
    exchange.tlsIds[client ? 0 : 1] = parameters.value();
    exchange.detailsDirty = true;
    // The list shows the client leg's version (what the client negotiated
    // with us); the server leg's when there is no client leg.
    if (client || !exchange.hasClientTls) {
        exchange.hasClientTls = exchange.hasClientTls || client;
        exchange.tlsVersion = tls.version;
        return updateRow(exchange, "UPDATE exchanges SET tls_version = ?2 WHERE id = ?1", 0,
                         QByteArrayView(exchange.tlsVersion));
    }
    return {};
}

Result<qint64> RecordApplier::tlsParametersId(const record::TlsRecord& tls) {
    for (const RecentTls& recent : m_recentTls) {
        if (recent.id > 0 && sameTls(recent.tls, tls))
            return recent.id;
    }
    auto id = storedTlsParametersId(tls);
    if (id) {
        RecentTls& slot = m_recentTls[m_nextRecentTls];
        m_nextRecentTls = (m_nextRecentTls + 1) % m_recentTls.size();
        slot.tls = tls;
        slot.tls.id = 0;
        slot.id = id.value();
    }
    return id;
}

Result<qint64> RecordApplier::storedTlsParametersId(const record::TlsRecord& tls) {
    // The whole record is the key: building and hashing a few KiB costs far
    // less than the two rows and chain links per exchange it saves.
    QByteArray key;
    key.reserve(64 + tls.version.size() + tls.cipher.size() + tls.alpn.size() + tls.sni.size() +
                tls.chainDer.size() * 2048);
    key += legName(tls.leg);
    for (const QByteArray* part : {&tls.version, &tls.cipher, &tls.alpn, &tls.sni})
        key += QByteArray::number(part->size()) + ':' + *part;
    key += tls.verified ? 'v' : '-';
    key += tls.insecureException ? 'i' : '-';
    for (const QByteArray& der : tls.chainDer)
        key += QByteArray::number(der.size()) + ':' + der;
    if (auto found = m_tlsIds.constFind(key); found != m_tlsIds.constEnd())
        return found.value();

    auto insert = m_db.cached(
        QByteArrayLiteral("INSERT INTO tls_parameters (leg, version, cipher, alpn, sni, verified, "
                          "insecure_exception) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
    if (!insert)
        return insert.error();
    insert->bindText(1, QByteArrayView(legName(tls.leg)));
    insert->bindText(2, QByteArrayView(tls.version));
    insert->bindText(3, QByteArrayView(tls.cipher));
    insert->bindText(4, QByteArrayView(tls.alpn));
    insert->bindText(5, QByteArrayView(tls.sni));
    insert->bind(6, qint64{tls.verified ? 1 : 0});
    insert->bind(7, qint64{tls.insecureException ? 1 : 0});
    if (Status done = insert->run("cannot record TLS details"); !done)
        return done.error();
    const qint64 id = m_db.lastInsertRowId();
    for (qsizetype position = 0; position < tls.chainDer.size(); ++position) {
        auto certificate = certificateId(tls.chainDer.at(position));
        if (!certificate)
            return certificate.error();
        auto link =
            m_db.cached(QByteArrayLiteral("INSERT INTO tls_parameter_chains (tls_id, position, "
                                          "certificate_id) VALUES (?1, ?2, ?3)"));
        if (!link)
            return link.error();
        link->bind(1, id);
        link->bind(2, qint64{position});
        link->bind(3, certificate.value());
        if (Status done = link->run("cannot record a certificate chain"); !done)
            return done.error();
    }
    if (m_tlsIds.size() >= kMaxCachedCertificates)
        m_tlsIds.clear();
    m_tlsIds.insert(key, id);
    return id;
}

Result<qint64> RecordApplier::certificateId(const QByteArray& der) {
    const QByteArray sha = QCryptographicHash::hash(der, QCryptographicHash::Sha256);
    if (auto it = m_certificateIds.constFind(sha); it != m_certificateIds.constEnd())
        return it.value();
    auto insert = m_db.cached(QByteArrayLiteral(
        "INSERT INTO certificates (sha256, der) VALUES (?1, ?2) ON CONFLICT (sha256) DO NOTHING"));
    if (!insert)
        return insert.error();
    insert->bindBlob(1, sha);
    insert->bindBlobNoCopy(2, der);
    if (Status done = insert->run("cannot record a certificate"); !done)
        return done.error();
    auto select = m_db.cached(QByteArrayLiteral("SELECT id FROM certificates WHERE sha256 = ?1"));
    if (!select)
        return select.error();
    select->bindBlob(1, sha);
    if (select->step() != SqliteStatement::Step::Row)
        return select->error(QStringLiteral("cannot find a recorded certificate"));
    const qint64 id = select->int64(0);
    if (m_certificateIds.size() >= kMaxCachedCertificates)
        m_certificateIds.clear();
    m_certificateIds.insert(sha, id);
    return id;
}

void RecordApplier::forgetAll() {
    m_inFlight.clear();
    m_certificateIds.clear();
    m_tlsIds.clear(); // their rows may have been rolled back
    m_recentTls = {};
    m_hostCounts.clear();
    m_completed.clear();
    m_nextRow = 0; // ids handed out in the rolled-back transaction are free again
}

std::vector<record::ExchangeId> RecordApplier::takeCompleted() {
    std::vector<record::ExchangeId> completed;
    completed.swap(m_completed);
    return completed;
}

} // namespace spyglass::core::store
