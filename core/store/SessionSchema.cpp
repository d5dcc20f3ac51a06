#include "SessionSchema.h"

#include "SessionHeader.h"
#include "SqliteConnection.h"

namespace spyglass::core::store {

namespace {

// Version 1. Text columns hold bytes as they were on the wire (SQLite does
// not check UTF-8); times are microseconds since the Unix epoch.
constexpr const char* kVersion1 = R"sql(
CREATE TABLE session (
    key TEXT PRIMARY KEY,
    value ANY
) STRICT;

CREATE TABLE exchanges (
    id INTEGER PRIMARY KEY,
    start_us INTEGER NOT NULL,
    duration_us INTEGER,
    mode TEXT NOT NULL CHECK (mode IN ('forward', 'intercepted', 'tunnel')),
    client TEXT NOT NULL,
    method TEXT NOT NULL,
    scheme TEXT NOT NULL,
    host TEXT NOT NULL,
    port INTEGER NOT NULL,
    path TEXT NOT NULL,
    status INTEGER NOT NULL DEFAULT 0,
    request_size INTEGER NOT NULL DEFAULT 0,
    response_size INTEGER NOT NULL DEFAULT 0,
    content_type TEXT NOT NULL DEFAULT '',
    tls_version TEXT NOT NULL DEFAULT '',
    error TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'complete', 'incomplete'))
) STRICT;
CREATE INDEX exchanges_host ON exchanges (host);
CREATE INDEX exchanges_status ON exchanges (status);
CREATE INDEX exchanges_open ON exchanges (id) WHERE state = 'open';

CREATE TABLE hosts (
    name TEXT PRIMARY KEY,
    exchanges INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE details (
    exchange_id INTEGER PRIMARY KEY REFERENCES exchanges (id),
    sni TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    request_wire_bytes INTEGER NOT NULL DEFAULT 0,
    response_wire_bytes INTEGER NOT NULL DEFAULT 0,
    request_body_bytes INTEGER NOT NULL DEFAULT 0,
    response_body_bytes INTEGER NOT NULL DEFAULT 0,
    damaged INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE timings (
    exchange_id INTEGER PRIMARY KEY REFERENCES exchanges (id),
    accept_us INTEGER,
    connect_request_us INTEGER,
    upstream_connect_start_us INTEGER,
    upstream_connected_us INTEGER,
    client_tls_start_us INTEGER,
    client_tls_done_us INTEGER,
    server_tls_start_us INTEGER,
    server_tls_done_us INTEGER,
    request_start_us INTEGER,
    request_sent_us INTEGER,
    response_start_us INTEGER,
    done_us INTEGER
) STRICT;

CREATE TABLE heads (
    exchange_id INTEGER NOT NULL REFERENCES exchanges (id),
    direction TEXT NOT NULL CHECK (direction IN ('request', 'response')),
    seq INTEGER NOT NULL,
    status INTEGER NOT NULL DEFAULT 0,
    raw BLOB NOT NULL,
    forwarded BLOB NOT NULL,
    PRIMARY KEY (exchange_id, direction, seq)
) STRICT;

CREATE TABLE bodies (
    exchange_id INTEGER NOT NULL REFERENCES exchanges (id),
    direction TEXT NOT NULL CHECK (direction IN ('request', 'response')),
    size INTEGER NOT NULL,
    stored INTEGER NOT NULL,
    truncated TEXT NOT NULL DEFAULT '',
    chunked INTEGER NOT NULL DEFAULT 0,
    content_encoding TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (exchange_id, direction)
) STRICT;

CREATE TABLE body_parts (
    exchange_id INTEGER NOT NULL REFERENCES exchanges (id),
    direction TEXT NOT NULL CHECK (direction IN ('request', 'response')),
    seq INTEGER NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (exchange_id, direction, seq)
) STRICT;

CREATE TABLE tls (
    exchange_id INTEGER NOT NULL REFERENCES exchanges (id),
    leg TEXT NOT NULL CHECK (leg IN ('client', 'server')),
    version TEXT NOT NULL,
    cipher TEXT NOT NULL,
    alpn TEXT NOT NULL,
    sni TEXT NOT NULL,
    verified INTEGER NOT NULL,
    insecure_exception INTEGER NOT NULL,
    PRIMARY KEY (exchange_id, leg)
) STRICT;

CREATE TABLE certificates (
    id INTEGER PRIMARY KEY,
    sha256 BLOB NOT NULL UNIQUE,
    der BLOB NOT NULL
) STRICT;

CREATE TABLE tls_chains (
    exchange_id INTEGER NOT NULL REFERENCES exchanges (id),
    leg TEXT NOT NULL CHECK (leg IN ('client', 'server')),
    position INTEGER NOT NULL,
    certificate_id INTEGER NOT NULL REFERENCES certificates (id),
    PRIMARY KEY (exchange_id, leg, position)
) STRICT;

CREATE VIRTUAL TABLE search USING fts5 (url, headers, content = '', tokenize = 'unicode61');
)sql";

// Version 2: fewer rows per exchange, so recording keeps up with the proxy.
// `timings` and `bodies` fold into the one `details` row an exchange gets;
// TLS parameters and chains, the same for every exchange on a connection,
// are stored once (`tls_parameters`, `tls_parameter_chains`) and referenced
// from `details`. Views with the old names and columns (`timings`,
// `bodies`, `tls`, `tls_chains`) keep queries written for format 1 working.
// Existing rows are copied over (TLS rows one-to-one, not deduplicated).
constexpr const char* kVersion2 = R"sql(
CREATE TABLE tls_parameters (
    id INTEGER PRIMARY KEY,
    leg TEXT NOT NULL CHECK (leg IN ('client', 'server')),
    version TEXT NOT NULL,
    cipher TEXT NOT NULL,
    alpn TEXT NOT NULL,
    sni TEXT NOT NULL,
    verified INTEGER NOT NULL,
    insecure_exception INTEGER NOT NULL
) STRICT;

CREATE TABLE tls_parameter_chains (
    tls_id INTEGER NOT NULL REFERENCES tls_parameters (id),
    position INTEGER NOT NULL,
    certificate_id INTEGER NOT NULL REFERENCES certificates (id),
    PRIMARY KEY (tls_id, position)
) STRICT, WITHOUT ROWID;

INSERT INTO tls_parameters (id, leg, version, cipher, alpn, sni, verified, insecure_exception)
    SELECT rowid, leg, version, cipher, alpn, sni, verified, insecure_exception FROM tls;
INSERT INTO tls_parameter_chains (tls_id, position, certificate_id)
    SELECT t.rowid, c.position, c.certificate_id FROM tls_chains c
    JOIN tls t ON t.exchange_id = c.exchange_id AND t.leg = c.leg;

CREATE TABLE details_v2 (
    exchange_id INTEGER PRIMARY KEY REFERENCES exchanges (id),
    sni TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    request_wire_bytes INTEGER NOT NULL DEFAULT 0,
    response_wire_bytes INTEGER NOT NULL DEFAULT 0,
    request_body_bytes INTEGER NOT NULL DEFAULT 0,
    response_body_bytes INTEGER NOT NULL DEFAULT 0,
    damaged INTEGER NOT NULL DEFAULT 0,
    accept_us INTEGER,
    connect_request_us INTEGER,
    upstream_connect_start_us INTEGER,
    upstream_connected_us INTEGER,
    client_tls_start_us INTEGER,
    client_tls_done_us INTEGER,
    server_tls_start_us INTEGER,
    server_tls_done_us INTEGER,
    request_start_us INTEGER,
    request_sent_us INTEGER,
    response_start_us INTEGER,
    done_us INTEGER,
    client_tls INTEGER REFERENCES tls_parameters (id),
    server_tls INTEGER REFERENCES tls_parameters (id),
    request_body_size INTEGER,
    request_body_stored INTEGER,
    request_body_truncated TEXT,
    request_body_chunked INTEGER,
    request_content_encoding TEXT,
    response_body_size INTEGER,
    response_body_stored INTEGER,
    response_body_truncated TEXT,
    response_body_chunked INTEGER,
    response_content_encoding TEXT
) STRICT;

INSERT INTO details_v2
    SELECT e.id, ifnull(d.sni, ''), ifnull(d.note, ''), ifnull(d.request_wire_bytes, 0),
        ifnull(d.response_wire_bytes, 0), ifnull(d.request_body_bytes, 0),
        ifnull(d.response_body_bytes, 0), ifnull(d.damaged, 0),
        t.accept_us, t.connect_request_us, t.upstream_connect_start_us, t.upstream_connected_us,
        t.client_tls_start_us, t.client_tls_done_us, t.server_tls_start_us, t.server_tls_done_us,
        t.request_start_us, t.request_sent_us, t.response_start_us, t.done_us,
        ct.rowid, st.rowid,
        qb.size, qb.stored, qb.truncated, qb.chunked, qb.content_encoding,
        sb.size, sb.stored, sb.truncated, sb.chunked, sb.content_encoding
    FROM exchanges e
    LEFT JOIN details d ON d.exchange_id = e.id
    LEFT JOIN timings t ON t.exchange_id = e.id
    LEFT JOIN tls ct ON ct.exchange_id = e.id AND ct.leg = 'client'
    LEFT JOIN tls st ON st.exchange_id = e.id AND st.leg = 'server'
    LEFT JOIN bodies qb ON qb.exchange_id = e.id AND qb.direction = 'request'
    LEFT JOIN bodies sb ON sb.exchange_id = e.id AND sb.direction = 'response'
    WHERE d.exchange_id IS NOT NULL OR t.exchange_id IS NOT NULL OR ct.rowid IS NOT NULL
        OR st.rowid IS NOT NULL OR qb.exchange_id IS NOT NULL OR sb.exchange_id IS NOT NULL;

DROP TABLE details;
DROP TABLE timings;
DROP TABLE tls_chains;
DROP TABLE tls;
DROP TABLE bodies;
ALTER TABLE details_v2 RENAME TO details;

CREATE VIEW timings AS
    SELECT exchange_id, accept_us, connect_request_us, upstream_connect_start_us,
        upstream_connected_us, client_tls_start_us, client_tls_done_us, server_tls_start_us,
        server_tls_done_us, request_start_us, request_sent_us, response_start_us, done_us
    FROM details;

CREATE VIEW bodies AS
    SELECT exchange_id, 'request' AS direction, request_body_size AS size,
        request_body_stored AS stored, request_body_truncated AS truncated,
        request_body_chunked AS chunked, request_content_encoding AS content_encoding
    FROM details WHERE request_body_size IS NOT NULL
    UNION ALL
    SELECT exchange_id, 'response', response_body_size, response_body_stored,
        response_body_truncated, response_body_chunked, response_content_encoding
    FROM details WHERE response_body_size IS NOT NULL;

CREATE VIEW tls AS
    SELECT d.exchange_id, p.leg, p.version, p.cipher, p.alpn, p.sni, p.verified,
        p.insecure_exception
    FROM details d JOIN tls_parameters p ON p.id = d.client_tls
    UNION ALL
    SELECT d.exchange_id, p.leg, p.version, p.cipher, p.alpn, p.sni, p.verified,
        p.insecure_exception
    FROM details d JOIN tls_parameters p ON p.id = d.server_tls;

CREATE VIEW tls_chains AS
    SELECT d.exchange_id, 'client' AS leg, c.position, c.certificate_id
    FROM details d JOIN tls_parameter_chains c ON c.tls_id = d.client_tls
    UNION ALL
    SELECT d.exchange_id, 'server', c.position, c.certificate_id
    FROM details d JOIN tls_parameter_chains c ON c.tls_id = d.server_tls;
)sql";

// Version 3: fewer rows still (issue 7: recording ≤ 100 µs of proxy CPU per
// exchange). An exchange's request head and its last response head, and
// bodies small enough to be stored whole at the end (RecordApplier), go
// into the exchange's `details` row: the two `heads` rows and one
// `body_parts` row an exchange had cost six b-tree inserts with their
// primary-key indexes. Heads before the last of a direction (1xx interim
// responses) stay rows, in `interim_heads`; `heads` is now a view of both,
// with format 2's columns. Large bodies, and bodies of exchanges still in
// flight at a commit, are stored in parts as before, in `body_chunks`;
// `body_parts` is now a view of those and the inline bodies (as part 0), so
// queries written for format 2 read every body. The inline body columns
// come last so that reading the other columns of a row never walks a large
// body's overflow pages.
// It also records that exchange ids are dense (the writer hands them out as
// max + 1 and never deletes), so readers count a million rows as
// max - min + 1 instead of walking an index (issue 5: count < 50 ms). Any
// delete or renumbering, by anyone (sqlite3 included), clears the mark
// through triggers, which cost the writer nothing: it never deletes and
// never sets `id`; they also count such edits (`hand_edits`), so a reader
// that is open knows its cached count cannot be updated by counting only
// the new ids.
constexpr const char* kVersion3 = R"sql(
ALTER TABLE details ADD COLUMN request_head BLOB;
ALTER TABLE details ADD COLUMN request_head_forwarded BLOB;
ALTER TABLE details ADD COLUMN request_head_seq INTEGER;
ALTER TABLE details ADD COLUMN response_head BLOB;
ALTER TABLE details ADD COLUMN response_head_forwarded BLOB;
ALTER TABLE details ADD COLUMN response_head_seq INTEGER;
ALTER TABLE details ADD COLUMN response_head_status INTEGER;
ALTER TABLE details ADD COLUMN request_body BLOB;
ALTER TABLE details ADD COLUMN response_body BLOB;

CREATE TABLE interim_heads (
    exchange_id INTEGER NOT NULL REFERENCES exchanges (id),
    direction TEXT NOT NULL CHECK (direction IN ('request', 'response')),
    seq INTEGER NOT NULL,
    status INTEGER NOT NULL DEFAULT 0,
    raw BLOB NOT NULL,
    forwarded BLOB NOT NULL,
    PRIMARY KEY (exchange_id, direction, seq)
) STRICT;

-- An exchange that was still open when a format-2 recorder crashed has
-- heads and no details row yet.
INSERT OR IGNORE INTO details (exchange_id) SELECT DISTINCT exchange_id FROM heads;
CREATE TEMP TABLE last_heads AS
    SELECT exchange_id, direction, max(seq) AS seq FROM heads GROUP BY exchange_id, direction;
UPDATE details SET request_head = h.raw, request_head_forwarded = h.forwarded,
        request_head_seq = h.seq
    FROM heads h JOIN last_heads l USING (exchange_id, direction, seq)
    WHERE h.exchange_id = details.exchange_id AND h.direction = 'request';
UPDATE details SET response_head = h.raw, response_head_forwarded = h.forwarded,
        response_head_seq = h.seq, response_head_status = h.status
    FROM heads h JOIN last_heads l USING (exchange_id, direction, seq)
    WHERE h.exchange_id = details.exchange_id AND h.direction = 'response';
INSERT INTO interim_heads (exchange_id, direction, seq, status, raw, forwarded)
    SELECT h.exchange_id, h.direction, h.seq, h.status, h.raw, h.forwarded FROM heads h
    WHERE NOT EXISTS (SELECT 1 FROM last_heads l WHERE l.exchange_id = h.exchange_id
        AND l.direction = h.direction AND l.seq = h.seq);
DROP TABLE last_heads;
DROP TABLE heads;

ALTER TABLE body_parts RENAME TO body_chunks;
CREATE VIEW body_parts AS
    SELECT exchange_id, direction, seq, data FROM body_chunks
    UNION ALL
    SELECT exchange_id, 'request', 0, request_body FROM details WHERE request_body IS NOT NULL
    UNION ALL
    SELECT exchange_id, 'response', 0, response_body FROM details
    WHERE response_body IS NOT NULL;

INSERT OR REPLACE INTO session (key, value)
    SELECT 'ids_dense', count(*) = ifnull(max(id) - min(id) + 1, 0) FROM exchanges;
INSERT OR REPLACE INTO session (key, value) VALUES ('hand_edits', 0);
CREATE TRIGGER exchanges_deleted AFTER DELETE ON exchanges BEGIN
    INSERT OR REPLACE INTO session (key, value) VALUES ('ids_dense', 0);
    UPDATE session SET value = value + 1 WHERE key = 'hand_edits';
END;
CREATE TRIGGER exchanges_renumbered AFTER UPDATE OF id ON exchanges BEGIN
    INSERT OR REPLACE INTO session (key, value) VALUES ('ids_dense', 0);
    UPDATE session SET value = value + 1 WHERE key = 'hand_edits';
END;

CREATE VIEW heads AS
    SELECT exchange_id, direction, seq, status, raw, forwarded FROM interim_heads
    UNION ALL
    SELECT exchange_id, 'request', request_head_seq, 0, request_head, request_head_forwarded
    FROM details WHERE request_head IS NOT NULL
    UNION ALL
    SELECT exchange_id, 'response', response_head_seq, response_head_status, response_head,
        response_head_forwarded
    FROM details WHERE response_head IS NOT NULL;
)sql";

constexpr Migration kMigrations[] = {
    {1, kVersion1},
    {2, kVersion2},
    {3, kVersion3},
};

struct FileIdentity {
    qint64 applicationId = 0;
    qint64 version = 0;
    qint64 objects = 0;
};

Result<FileIdentity> identify(SqliteConnection& connection) {
    FileIdentity identity;
    auto applicationId = connection.queryInt("PRAGMA application_id");
    if (!applicationId)
        return applicationId.error();
    auto version = connection.queryInt("PRAGMA user_version");
    if (!version)
        return version.error();
    auto objects = connection.queryInt("SELECT count(*) FROM sqlite_schema");
    if (!objects)
        return objects.error();
    return FileIdentity{applicationId.value(), version.value(), objects.value()};
}

Status checkIdentity(const FileIdentity& identity, const QString& path, int newest) {
    const bool empty = identity.objects == 0 && identity.version == 0;
    // The same words as the check without SQLite (SessionHeader).
    if (!empty && identity.applicationId != SessionSchema::kApplicationId)
        return Error{SessionHeader::foreignDatabaseError(path)};
    if (identity.version > newest)
        return Error{
            SessionHeader::newerFormatError(path, static_cast<int>(identity.version), newest)};
    return {};
}

} // namespace

std::span<const Migration> SessionSchema::migrations() {
    return kMigrations;
}

Status SessionSchema::migrate(SqliteConnection& connection, std::span<const Migration> steps) {
    const int target = steps.empty() ? 0 : steps.back().version;
    // IMMEDIATE: two processes opening one new file must not both create it.
    if (Status begun = connection.exec("BEGIN IMMEDIATE"); !begun)
        return Error{
            QStringLiteral("cannot open %1: %2").arg(connection.path(), begun.errorMessage())};
    auto fail = [&](const Error& error) -> Status {
        (void)connection.exec("ROLLBACK");
        return error;
    };
    auto identity = identify(connection);
    if (!identity)
        return fail(Error{
            QStringLiteral("cannot read %1: %2").arg(connection.path(), identity.errorMessage())});
    if (Status ok = checkIdentity(identity.value(), connection.path(), target); !ok)
        return fail(ok.error());
    for (const Migration& step : steps) {
        if (step.version <= identity->version)
            continue;
        if (Status done = connection.exec(step.sql); !done)
            return fail(Error{QStringLiteral("cannot upgrade %1 to format %2: %3")
                                  .arg(connection.path())
                                  .arg(step.version)
                                  .arg(done.errorMessage())});
        const QByteArray setVersion = "PRAGMA user_version = " + QByteArray::number(step.version);
        if (Status done = connection.exec(setVersion); !done)
            return fail(done.error());
    }
    const QByteArray setId =
        "PRAGMA application_id = " + QByteArray::number(SessionSchema::kApplicationId);
    if (Status done = connection.exec(setId); !done)
        return fail(done.error());
    if (Status done = connection.exec("COMMIT"); !done)
        return fail(Error{
            QStringLiteral("cannot write %1: %2").arg(connection.path(), done.errorMessage())});
    return {};
}

Result<int> SessionSchema::readableVersion(SqliteConnection& connection) {
    auto identity = identify(connection);
    if (!identity)
        return Error{
            QStringLiteral("cannot read %1: %2").arg(connection.path(), identity.errorMessage())};
    if (identity->objects == 0 && identity->version == 0)
        return Error{
            QStringLiteral("%1 is not a Spyglass session (it is empty)").arg(connection.path())};
    if (Status ok = checkIdentity(identity.value(), connection.path(), kCurrentVersion); !ok)
        return ok.error();
    return static_cast<int>(identity->version);
}

} // namespace spyglass::core::store
