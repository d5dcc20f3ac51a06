// SessionReader: one exchange in full, and bodies.
#include "BodyParts.h"
#include "SessionNames.h"
#include "SessionReader.h"

namespace spyglass::core::store {

namespace {

record::Direction directionFrom(QByteArrayView name) {
    return name == "response" ? record::Direction::Response : record::Direction::Request;
}

template <typename Fn> Status eachRow(SqliteStatement& statement, const QString& what, Fn fn) {
    for (;;) {
        switch (statement.step()) {
        case SqliteStatement::Step::Row:
            fn(statement);
            continue;
        case SqliteStatement::Step::Done:
            return {};
        case SqliteStatement::Step::Error:
            return statement.error(what);
        }
    }
}

} // namespace

Result<std::optional<ExchangeDetail>> SessionReader::exchange(qint64 id) {
    auto found = rows({id});
    if (!found)
        return found.error();
    if (found->isEmpty())
        return std::optional<ExchangeDetail>();
    ExchangeDetail detail;
    detail.row = found->constFirst();

    auto details = m_db->cached(
        "SELECT sni, note, request_wire_bytes, response_wire_bytes, request_body_bytes, "
        "response_body_bytes, damaged FROM details WHERE exchange_id = ?1");
    if (!details)
        return details.error();
    details->bind(1, id);
    if (Status s = eachRow(details.value(), QStringLiteral("cannot read details"),
                           [&](const SqliteStatement& r) {
                               detail.sni = r.bytes(0);
                               detail.note = r.text(1);
                               detail.requestWireBytes = r.int64(2);
                               detail.responseWireBytes = r.int64(3);
                               detail.requestBodyBytes = r.int64(4);
                               detail.responseBodyBytes = r.int64(5);
                               detail.damaged = r.int64(6) != 0;
                           });
        !s)
        return s.error();

    auto timings = m_db->cached(
        "SELECT accept_us, connect_request_us, upstream_connect_start_us, upstream_connected_us, "
        "client_tls_start_us, client_tls_done_us, server_tls_start_us, server_tls_done_us, "
        "request_start_us, request_sent_us, response_start_us, done_us FROM timings "
        "WHERE exchange_id = ?1");
    if (!timings)
        return timings.error();
    timings->bind(1, id);
    if (Status s = eachRow(timings.value(), QStringLiteral("cannot read timings"),
                           [&](const SqliteStatement& r) {
                               record::Timings& t = detail.timings;
                               qint64* fields[] = {&t.acceptUs,
                                                   &t.connectRequestUs,
                                                   &t.upstreamConnectStartUs,
                                                   &t.upstreamConnectedUs,
                                                   &t.clientTlsStartUs,
                                                   &t.clientTlsDoneUs,
                                                   &t.serverTlsStartUs,
                                                   &t.serverTlsDoneUs,
                                                   &t.requestStartUs,
                                                   &t.requestSentUs,
                                                   &t.responseStartUs,
                                                   &t.doneUs};
                               for (int i = 0; i < 12; ++i)
                                   *fields[i] = r.isNull(i) ? 0 : r.int64(i);
                               detail.hasTimings = true;
                           });
        !s)
        return s.error();

    auto heads = m_db->cached(
        "SELECT direction, seq, status, raw, forwarded FROM heads WHERE exchange_id = ?1 "
        "ORDER BY direction = 'response', seq");
    if (!heads)
        return heads.error();
    heads->bind(1, id);
    if (Status s = eachRow(heads.value(), QStringLiteral("cannot read heads"),
                           [&](const SqliteStatement& r) {
                               detail.heads.append(StoredHead{
                                   directionFrom(r.bytes(0)), static_cast<int>(r.int64(1)),
                                   static_cast<int>(r.int64(2)), r.bytes(3), r.bytes(4)});
                           });
        !s)
        return s.error();

    auto bodies = m_db->cached(
        "SELECT direction, size, stored, truncated, chunked, content_encoding FROM bodies "
        "WHERE exchange_id = ?1 ORDER BY direction = 'response'");
    if (!bodies)
        return bodies.error();
    bodies->bind(1, id);
    if (Status s = eachRow(bodies.value(), QStringLiteral("cannot read bodies"),
                           [&](const SqliteStatement& r) {
                               detail.bodies.append(StoredBody{directionFrom(r.bytes(0)),
                                                               r.int64(1), r.int64(2), r.bytes(3),
                                                               r.int64(4) != 0, r.bytes(5)});
                           });
        !s)
        return s.error();

    auto tls = m_db->cached(
        "SELECT leg, version, cipher, alpn, sni, verified, insecure_exception FROM tls "
        "WHERE exchange_id = ?1 ORDER BY leg");
    if (!tls)
        return tls.error();
    tls->bind(1, id);
    if (Status s = eachRow(tls.value(), QStringLiteral("cannot read TLS details"),
                           [&](const SqliteStatement& r) {
                               StoredTls leg;
                               leg.leg = r.bytes(0) == "server" ? record::TlsLeg::Server
                                                                : record::TlsLeg::Client;
                               leg.version = r.bytes(1);
                               leg.cipher = r.bytes(2);
                               leg.alpn = r.bytes(3);
                               leg.sni = r.bytes(4);
                               leg.verified = r.int64(5) != 0;
                               leg.insecureException = r.int64(6) != 0;
                               detail.tls.append(leg);
                           });
        !s)
        return s.error();
    for (StoredTls& leg : detail.tls) {
        auto chain = m_db->cached(
            "SELECT c.der FROM tls_chains t JOIN certificates c ON c.id = t.certificate_id "
            "WHERE t.exchange_id = ?1 AND t.leg = ?2 ORDER BY t.position");
        if (!chain)
            return chain.error();
        chain->bind(1, id);
        chain->bindText(2, QByteArrayView(legName(leg.leg)));
        if (Status s = eachRow(chain.value(), QStringLiteral("cannot read certificates"),
                               [&](const SqliteStatement& r) { leg.chainDer.append(r.bytes(0)); });
            !s)
            return s.error();
    }
    return std::optional<ExchangeDetail>(std::move(detail));
}

Result<BodyContent> SessionReader::streamBody(qint64 id, record::Direction direction, bool decode,
                                              const DecodeLimits& limits,
                                              const std::function<bool(QByteArrayView)>& sink) {
    BodyContent content;
    auto meta = m_db->cached("SELECT size, stored, truncated, content_encoding FROM bodies "
                             "WHERE exchange_id = ?1 AND direction = ?2");
    if (!meta)
        return meta.error();
    meta->bind(1, id);
    meta->bindText(2, QByteArrayView(directionName(direction)));
    const SqliteStatement::Step step = meta->step();
    if (step == SqliteStatement::Step::Error)
        return meta->error(QStringLiteral("cannot read a body"));
    if (step == SqliteStatement::Step::Done)
        return content; // no body
    content.size = meta->int64(0);
    content.stored = meta->int64(1);
    content.truncated = meta->bytes(2);
    content.contentEncoding = meta->bytes(3);
    meta->reset();

    ContentDecoder decoder(decode ? QByteArrayView(content.contentEncoding) : QByteArrayView(),
                           limits);
    if (decoder.outcome() == ContentDecoder::Outcome::Unsupported) {
        // Shown as stored, with the reason.
        content.outcome = decoder.outcome();
        content.message = decoder.message();
        Status read = BodyParts::read(m_db->handle(), id, directionName(direction), sink);
        if (!read)
            return read.error();
        return content;
    }
    content.decoded = decode && !decoder.isIdentity();
    Status read = BodyParts::read(m_db->handle(), id, directionName(direction),
                                  [&](QByteArrayView part) { return decoder.feed(part, sink); });
    if (!read)
        return read.error();
    decoder.finish();
    content.outcome = decoder.outcome();
    content.message = decoder.message();
    // A body cut by the cap cannot end its compressed stream; say why.
    if (content.outcome == ContentDecoder::Outcome::Truncated && !content.truncated.isEmpty())
        content.message = QStringLiteral("the stored body was truncated (%1); showing what decoded")
                              .arg(QString::fromUtf8(content.truncated));
    return content;
}

Result<BodyContent> SessionReader::body(qint64 id, record::Direction direction, bool decode,
                                        const DecodeLimits& limits) {
    QByteArray data;
    // The decoder enforces limits.maxOutput (and says so in the outcome).
    auto content = streamBody(id, direction, decode, limits, [&](QByteArrayView piece) {
        data.append(piece);
        return true;
    });
    if (!content)
        return content;
    content->data = std::move(data);
    return content;
}

} // namespace spyglass::core::store
