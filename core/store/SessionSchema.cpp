#include "SessionSchema.h"

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

constexpr Migration kMigrations[] = {
    {1, kVersion1},
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
    if (!empty && identity.applicationId != SessionSchema::kApplicationId)
        return Error{
            QStringLiteral("%1 is an SQLite database but not a Spyglass session").arg(path)};
    if (identity.version > newest)
        return Error{QStringLiteral("%1 is a session of format %2, written by a newer Spyglass; "
                                    "this one reads formats up to %3")
                         .arg(path)
                         .arg(identity.version)
                         .arg(newest)};
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
