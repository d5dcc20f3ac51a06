#include "SpoolRecovery.h"

#include "RecordApplier.h"
#include "RecordCodec.h"
#include "RecordSpool.h"
#include "SessionFile.h"
#include "SqliteConnection.h"

#include <QFileInfo>
#include <cstring>
#include <vector>

namespace spyglass::core::store {

namespace {

// Records applied per transaction while replaying: commits often enough
// that a second crash during recovery loses little, rarely enough to cost
// nothing next to the inserts.
constexpr qint64 kReplayCommitRecords = 20'000;
constexpr qint64 kReplayReadBytes = 1 << 20;

qint64 idAsInteger(quint64 id) {
    qint64 value = 0;
    std::memcpy(&value, &id, sizeof value); // SQLite integers are signed
    return value;
}

Status commitReplayed(SqliteConnection& db, RecordApplier& applier, const RecordSpool& spool) {
    if (Status done = applier.prepareCommit(); !done)
        return done;
    if (Status done = spool_position::save(db, spool.id(), spool.readOffset()); !done)
        return done;
    return db.exec("COMMIT");
}

} // namespace

QString spool_position::pathFor(const QString& sessionPath) {
    return sessionPath + QStringLiteral("-spool");
}

Status spool_position::save(SqliteConnection& db, quint64 spoolId, qint64 appliedOffset) {
    auto save =
        db.cached(QByteArrayLiteral("INSERT OR REPLACE INTO session (key, value) VALUES (?1, ?2)"));
    if (!save)
        return save.error();
    save->bindText(1, QByteArrayView("spool_id"));
    save->bind(2, idAsInteger(spoolId));
    if (Status done = save->run("cannot save the spool position"); !done)
        return done;
    save->bindText(1, QByteArrayView("spool_applied"));
    save->bind(2, appliedOffset);
    return save->run("cannot save the spool position");
}

namespace {

Result<qint64> replay(SqliteConnection& db, RecordSpool& spool) {
    const QString path = spool.path();
    auto savedId = db.queryInt("SELECT value FROM session WHERE key = 'spool_id'");
    auto savedOffset = db.queryInt("SELECT value FROM session WHERE key = 'spool_applied'");
    if (!savedId)
        return savedId.error();
    if (!savedOffset)
        return savedOffset.error();
    // The same spool: continue after what was committed. Another one (the
    // session's last spool was removed, this one never reached a commit):
    // all of it.
    if (savedId.value() == idAsInteger(spool.id()) && savedOffset.value() > 0) {
        if (Status moved = spool.seek(savedOffset.value()); !moved)
            return moved.error();
    }
    RecordApplier applier(db);
    if (Status begun = db.exec("BEGIN IMMEDIATE"); !begun)
        return begun.error();
    qint64 applied = 0;
    qint64 sinceCommit = 0;
    std::vector<QByteArray> frames;
    Status status;
    bool atEnd = false;
    while (status && !atEnd) {
        bool torn = false;
        auto read = spool.read(kReplayReadBytes, frames, &torn);
        if (!read) {
            status = read.error();
            break;
        }
        for (const QByteArray& frame : frames) {
            auto record = decodeRecord(frame);
            if (!record) {
                // A frame whose checksum held but that does not decode: a
                // spool of another build. Stop here rather than guess.
                torn = true;
                break;
            }
            status = applier.apply(record.value());
            if (!status)
                break;
            ++applied;
            ++sinceCommit;
        }
        if (status && sinceCommit >= kReplayCommitRecords) {
            status = commitReplayed(db, applier, spool);
            if (status)
                status = db.exec("BEGIN IMMEDIATE");
            sinceCommit = 0;
        }
        // A torn frame is where the crash cut the last write: nothing after
        // it was acknowledged to anyone.
        atEnd = torn || frames.empty() || spool.atEnd();
    }
    if (status)
        status = applier.abandonAll();
    if (status)
        status = commitReplayed(db, applier, spool);
    if (status) {
        if (Status removed = spool.remove(); !removed)
            return removed.error();
        return applied;
    }
    (void)db.exec("ROLLBACK");
    return Error{QStringLiteral("cannot apply the records spooled in %1: %2")
                     .arg(path, status.errorMessage())};
}

} // namespace

Result<qint64> replayStaleSpool(SqliteConnection& db, const QString& sessionPath) {
    const QString path = spool_position::pathFor(sessionPath);
    if (!QFileInfo::exists(path))
        return qint64{0};
    auto opened = RecordSpool::open(path);
    if (!opened)
        return opened.error();
    if (!opened.value()->isLinked())
        return qint64{0}; // removed by its recorder just now: nothing was left
    return replay(db, *opened.value());
}

Result<qint64> recoverStaleSpool(const QString& sessionPath) {
    const QString path = spool_position::pathFor(sessionPath);
    if (!QFileInfo::exists(path) || RecordSpool::isHeld(path))
        return qint64{0};
    // Locked from here on: no recorder can take this spool back, and one
    // that is still running holds no spool (or a new one under the name).
    auto opened = RecordSpool::open(path);
    if (!opened || !opened.value()->isLinked())
        return qint64{0};
    auto db = SessionFile::openForWriting(sessionPath, SessionFile::Durability::Normal);
    if (!db)
        return db.error();
    // The recorder that left the spool is gone: its open rows cannot finish.
    if (Status swept = SessionFile::markOpenExchangesIncomplete(*db.value()); !swept)
        return swept.error();
    return replay(*db.value(), *opened.value());
}

} // namespace spyglass::core::store
