#include "SessionFile.h"

#include "RecordSpool.h"
#include "SessionHeader.h"
#include "SessionSchema.h"
#include "SpoolRecovery.h"
#include "certs/SecureFile.h"

#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace spyglass::core::store {

namespace {

QString systemError(const QString& what, const QString& path) {
    return QStringLiteral("%1 %2: %3")
        .arg(what, path, QString::fromLocal8Bit(std::strerror(errno)));
}

// Whether SQLite keeps changes to `path` beside it that are not in the file
// yet (a WAL a crash left, or a hot rollback journal).
bool hasPendingJournal(const QString& path) {
    for (const char* suffix : {"-wal", "-journal"}) {
        struct stat info {};
        const QByteArray name = QFile::encodeName(path) + suffix;
        if (::stat(name.constData(), &info) == 0 && info.st_size > 0)
            return true;
    }
    return false;
}

// SQLite creates a missing database file with 0644 (less the umask) and its
// -wal and -shm files with the database file's mode, so creating the file
// ourselves with 0600 first makes all three private. The header is read
// from the same descriptor that was checked to be a regular file.
Status ensurePrivateFile(const QString& path) {
    const QByteArray name = QFile::encodeName(path);
    const int fd =
        ::open(name.constData(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, SessionFile::kFileMode);
    if (fd < 0)
        return Error{systemError(QStringLiteral("cannot create"), path)};
    struct stat info {};
    Status result;
    if (::fstat(fd, &info) != 0) {
        result = Error{systemError(QStringLiteral("cannot inspect"), path)};
    } else if (!S_ISREG(info.st_mode)) {
        result = Error{QStringLiteral("%1 is not a regular file").arg(path)};
    } else if ((info.st_mode & 077) != 0 && ::fchmod(fd, SessionFile::kFileMode) != 0) {
        result = Error{systemError(QStringLiteral("cannot make private (chmod 600)"), path)};
    } else {
        char header[SessionHeader::kPeekBytes];
        const ssize_t got = ::pread(fd, header, sizeof header, 0);
        if (got < 0)
            result = Error{systemError(QStringLiteral("cannot read"), path)};
        else
            result =
                SessionHeader::check(QByteArrayView(header, got), path, !hasPendingJournal(path));
    }
    ::close(fd);
    return result;
}

Status applyWriterPragmas(SqliteConnection& connection, SessionFile::Durability durability) {
    // New files only (SQLite keeps an existing file's page size): 16 KiB
    // pages. Indexing a spooled burst of keep-alive exchanges cost 37-39 µs
    // per exchange with 4 KiB pages, 32.7 with 8 KiB, 29-31 with 16 KiB,
    // 27-29 with 32 or 64 KiB: fewer WAL frames, checksums and b-tree splits
    // per exchange. Not larger, because every commit writes each touched
    // page whole, which a session recording a trickle pays for.
    if (Status done = connection.exec("PRAGMA page_size = 16384"); !done)
        return done;
    auto mode = connection.prepare("PRAGMA journal_mode = WAL");
    if (!mode)
        return mode.error();
    if (mode->step() != SqliteStatement::Step::Row || mode->bytes(0) != "wal")
        return Error{QStringLiteral("cannot switch %1 to WAL mode").arg(connection.path())};
    const char* sync = durability == SessionFile::Durability::Full ? "PRAGMA synchronous = FULL"
                                                                   : "PRAGMA synchronous = NORMAL";
    if (Status done = connection.exec(sync); !done)
        return done;
    // Checkpoints truncate the WAL back to this size, so a long capture does
    // not leave a WAL as large as its biggest burst.
    // A page cache that holds the hot index pages (hosts, status, the
    // full-text index) of a large session: with SQLite's 2 MiB default the
    // writer re-reads them from the file for every exchange. It is part of
    // the proxy's memory and fills as the session grows, so it is kept to
    // 8 MiB: a recording proxy stays near 50 MiB however long it runs.
    return connection.exec("PRAGMA journal_size_limit = 67108864;"
                           "PRAGMA cache_size = -8192;");
}

Status applyReaderPragmas(SqliteConnection& connection) {
    // Memory-mapped reads and a larger page cache make the list queries
    // (count, deep pages, host filters over a million rows) several times
    // faster. The map is capped at 128 MiB: mapped pages count in the
    // process's RSS, and with a 1 GiB map a full-table sort of a 1M-row
    // session (350 MiB file) took the GUI to a 388 MiB peak; at 128 MiB the
    // peak was 258 MiB with the same query times (tests/bench/ui/bench_list).
    return connection.exec("PRAGMA query_only = 1;"
                           "PRAGMA mmap_size = 134217728;"
                           "PRAGMA cache_size = -32768;");
}

Result<std::unique_ptr<SqliteConnection>> openReadOnly(const QString& path) {
    auto connection = SqliteConnection::open(path, SqliteConnection::Access::ReadOnly);
    if (!connection)
        return connection.error();
    return std::move(connection).value();
}

} // namespace

Status SessionFile::prepareForWriting(const QString& path) {
    return ensurePrivateFile(path);
}

Result<std::unique_ptr<SqliteConnection>> SessionFile::openForWriting(const QString& path,
                                                                      Durability durability) {
    if (Status made = prepareForWriting(path); !made)
        return made.error();
    auto connection = SqliteConnection::open(path, SqliteConnection::Access::ReadWrite);
    if (!connection)
        return connection.error();
    if (Status done = applyWriterPragmas(*connection.value(), durability); !done)
        return Error{QStringLiteral("cannot open %1: %2").arg(path, done.errorMessage())};
    if (Status migrated = SessionSchema::migrate(*connection.value()); !migrated)
        return migrated.error();
    // Who made the file and when, for `sqlite3` users and support.
    auto stamp = connection.value()->prepare(
        "INSERT OR IGNORE INTO session (key, value) VALUES ('created_us', ?1), "
        "('created_by', 'Spyglass ' || ?2)");
    if (!stamp)
        return stamp.error();
    stamp->bind(1, QDateTime::currentMSecsSinceEpoch() * 1000);
    stamp->bindText(2, QByteArrayView(SPYGLASS_VERSION));
    if (Status done = stamp->run("cannot write the session table"); !done)
        return Error{QStringLiteral("cannot open %1: %2").arg(path, done.errorMessage())};
    return std::move(connection).value();
}

Result<std::unique_ptr<SqliteConnection>> SessionFile::openForReading(const QString& path) {
    const QFileInfo info(path);
    if (!info.exists())
        return Error{QStringLiteral("no such session file: %1").arg(path)};
    if (!info.isFile())
        return Error{QStringLiteral("%1 is not a file").arg(path)};
    // A lazily opened writer (`spyglass-cli run`) leaves the file empty
    // until the first exchange; SQLite would call that "not a database".
    if (info.size() == 0 && !hasPendingJournal(path))
        return Error{QStringLiteral("%1 is empty: nothing has been recorded yet").arg(path)};
    auto connection = openReadOnly(path);
    if (!connection)
        return connection.error();
    auto version = SessionSchema::readableVersion(*connection.value());
    if (!version)
        return version.error();
    if (version.value() < SessionSchema::kCurrentVersion) {
        connection.value().reset();
        auto writer = SessionFile::openForWriting(path, Durability::Normal);
        if (!writer)
            return Error{QStringLiteral("%1 is a session of format %2 and cannot be upgraded: %3")
                             .arg(path)
                             .arg(version.value())
                             .arg(writer.errorMessage())};
        writer.value().reset();
        connection = openReadOnly(path);
        if (!connection)
            return connection.error();
    }
    if (Status done = applyReaderPragmas(*connection.value()); !done)
        return Error{QStringLiteral("cannot read %1: %2").arg(path, done.errorMessage())};
    return std::move(connection).value();
}

QString SessionFile::defaultDirectory() {
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
           QStringLiteral("/sessions");
}

Result<QString> SessionFile::newDefaultPath(const QDateTime& now) {
    const QString directory = defaultDirectory();
    if (certs::Status made = certs::SecureFile::ensurePrivateDirectory(directory); !made)
        return made.error();
    const QString stem =
        directory + QLatin1Char('/') + now.toString(QStringLiteral("yyyyMMdd-HHmmss"));
    for (int n = 1; n <= 1000; ++n) {
        const QString number = n == 1 ? QString() : QLatin1Char('-') + QString::number(n);
        const QString candidate = stem + number + QLatin1StringView(kSuffix);
        if (!QFileInfo::exists(candidate))
            return candidate;
    }
    return Error{QStringLiteral("no free session file name in %1").arg(directory)};
}

Status SessionFile::markOpenExchangesIncomplete(SqliteConnection& db) {
    return db.exec("UPDATE exchanges SET state = 'incomplete' WHERE state = 'open'");
}

Status SessionFile::saveAs(const QString& source, const QString& destination) {
    // Records a killed recorder left in SOURCE-spool go into the session
    // first. A running recorder's spool holds records that are not in the
    // file yet, and a copy taken now would never get them: refuse, with
    // what to do, rather than save less than was captured.
    (void)recoverStaleSpool(source);
    if (const QString spool = spool_position::pathFor(source); RecordSpool::isHeld(spool))
        return Error{QStringLiteral("not saved yet: the recorder is still indexing exchanges it "
                                    "set aside in %1 while every core was busy, and a copy now "
                                    "would miss them. Save again once the status bar no longer "
                                    "says \"indexing\" (at most about 10 s after the traffic "
                                    "eases)")
                         .arg(spool)};
    auto connection = openForReading(source);
    if (!connection)
        return connection.error();
    // VACUUM INTO wants a missing or empty file; mkstemp makes an empty 0600
    // one beside the destination so the final rename stays on one filesystem.
    QByteArray temp = QFile::encodeName(destination) + ".tmp-XXXXXX";
    const int fd = ::mkstemp(temp.data());
    if (fd < 0)
        return Error{systemError(QStringLiteral("cannot create a file beside"), destination)};
    ::fchmod(fd, kFileMode);
    ::close(fd);
    // query_only forbids VACUUM INTO even though only the copy is written;
    // the connection is read-only at the file level regardless.
    (void)connection.value()->exec("PRAGMA query_only = 0");
    auto vacuum = connection.value()->prepare("VACUUM INTO ?1");
    Status result;
    if (!vacuum) {
        result = vacuum.error();
    } else {
        vacuum->bindText(1, QByteArrayView(temp));
        if (Status done = vacuum->run("cannot write the copy"); !done)
            result = Error{QStringLiteral("cannot save %1 as %2: %3")
                               .arg(source, destination, done.errorMessage())};
    }
    if (result && ::rename(temp.constData(), QFile::encodeName(destination).constData()) != 0)
        result = Error{systemError(QStringLiteral("cannot rename the copy to"), destination)};
    if (!result)
        ::unlink(temp.constData());
    return result;
}

} // namespace spyglass::core::store
