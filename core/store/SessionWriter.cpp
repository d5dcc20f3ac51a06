#include "SessionWriter.h"

#include "CpuPressure.h"
#include "RecordApplier.h"
#include "RecordCodec.h"
#include "RecordSpool.h"
#include "SpoolRecovery.h"
#include "SqliteConnection.h"

#include <QDateTime>
#include <algorithm>
#include <malloc.h>
#include <pthread.h>
#include <sqlite3.h>

namespace spyglass::core::store {

namespace {

// SQLite's own ceiling (SQLITE_MAX_PAGE_COUNT in Debian's build): what
// max_page_count returns to when a test lifts its limit.
constexpr qint64 kDefaultMaxPageCount = 1073741823;
// After this long without records the writer sleeps until the next one
// instead of polling (no wakeups while the proxy is idle).
constexpr std::chrono::milliseconds kIdleAfter{200};
constexpr std::chrono::milliseconds kIdleWait{1000};
// Room a paused writer must be able to write before it resumes.
constexpr qint64 kResumeProbeBytes = 1 << 20;
// Records' slots the writer keeps once the queue drained; a burst's larger
// vector is freed then (the queue's and the writer's vectors swap, so each
// would otherwise keep the largest burst's capacity for good).
constexpr std::size_t kKeptBatchCapacity = 4096;
// At most this often the writer hands freed memory back to the system.
constexpr std::chrono::seconds kTrimInterval{1};
// The window SpoolPolicy decides on: long enough to average the bursts of
// a keep-alive benchmark, short enough that a burst's end is seen at once.
constexpr std::chrono::milliseconds kLoadWindow{100};
// Spooled records are read back in batches of about this many bytes; a
// commit always falls between two batches.
constexpr qint64 kDrainReadBytes = 256 * 1024;
// A drain slice between two looks at the queue (new records are spooled
// behind it) and at the load.
constexpr std::chrono::milliseconds kDrainSlice{20};

QString describeFailure(int code) {
    if (code == SQLITE_FULL)
        return QStringLiteral("disk full");
    if ((code & 0xff) == SQLITE_IOERR)
        return QStringLiteral("I/O error");
    if ((code & 0xff) == SQLITE_READONLY)
        return QStringLiteral("the file became read-only");
    if ((code & 0xff) == SQLITE_CORRUPT)
        return QStringLiteral("the file is damaged");
    return QStringLiteral("storage error");
}

qint64 nowUs() {
    return QDateTime::currentMSecsSinceEpoch() * 1000;
}

} // namespace

Result<std::unique_ptr<SessionWriter>> SessionWriter::open(WriterOptions options) {
    if (options.openOnFirstRecord) {
        if (Status usable = SessionFile::prepareForWriting(options.path); !usable)
            return usable.error();
        return std::unique_ptr<SessionWriter>(new SessionWriter(std::move(options), nullptr));
    }
    auto db = openConnection(options);
    if (!db)
        return db.error();
    return std::unique_ptr<SessionWriter>(
        new SessionWriter(std::move(options), std::move(db).value()));
}

Result<std::unique_ptr<SqliteConnection>>
SessionWriter::openConnection(const WriterOptions& options) {
    auto db = SessionFile::openForWriting(options.path, options.durability);
    if (!db)
        return db.error();
    // Exchanges a crashed or killed run left open can never finish now.
    if (Status swept = SessionFile::markOpenExchangesIncomplete(*db.value()); !swept)
        return Error{QStringLiteral("cannot write %1: %2").arg(options.path, swept.errorMessage())};
    // Records a killed run left in its spool, not yet in the file.
    if (auto replayed = replayStaleSpool(*db.value(), options.path); !replayed)
        return replayed.error();
    return std::move(db).value();
}

Status SessionWriter::openSession() {
    auto db = openConnection(m_options);
    if (!db)
        return db.error();
    m_db = std::move(db).value();
    m_applier = std::make_unique<RecordApplier>(*m_db);
    return {};
}

SessionWriter::SessionWriter(WriterOptions options, std::unique_ptr<SqliteConnection> db)
    : m_options(std::move(options))
    , m_db(std::move(db))
    , m_applier(m_db ? std::make_unique<RecordApplier>(*m_db) : nullptr)
    , m_queue(m_options.queue)
    , m_policy(m_options.spool)
    , m_appliedSynchronous(m_options.durability == SessionFile::Durability::Full ? 2 : 1) {}

SessionWriter::~SessionWriter() {
    stop();
}

void SessionWriter::start() {
    if (m_started.exchange(true))
        return;
    {
        std::lock_guard lock(m_statusMutex);
        m_state = RecorderStatus::State::Recording;
    }
    m_thread = std::thread([this] { run(); });
    // Named for top/perf: "which thread is busy" is the first question.
    pthread_setname_np(m_thread.native_handle(), "sg-recorder");
}

void SessionWriter::stop() {
    m_queue.close();
    if (m_thread.joinable())
        m_thread.join();
    else if (!m_started.load())
        finish(); // never started: still close the file cleanly
    std::lock_guard lock(m_statusMutex);
    m_state = RecorderStatus::State::Stopped;
}

void SessionWriter::record(record::RecordEvent event) {
    m_queue.push(std::move(event));
}

void SessionWriter::resume() {
    m_resumeRequested = true;
    m_queue.wake();
}

RecorderStatus SessionWriter::status() const {
    RecorderStatus status;
    const QueueCounters counters = m_queue.counters();
    {
        std::lock_guard lock(m_statusMutex);
        status.state = m_state;
        status.message = m_message;
    }
    status.path = m_options.path;
    status.recordedExchanges = m_recorded.load();
    status.droppedExchanges = counters.droppedExchanges;
    status.lostWhilePaused = m_lostWhilePaused.load();
    status.saturatedBodies = counters.saturatedBodies;
    status.droppedBodyBytes = counters.droppedBodyBytes;
    status.damagedExchanges = counters.damagedExchanges;
    status.pauses = m_pauses.load();
    status.spooledRecords = m_spoolAppended.load() - m_spoolApplied.load();
    return status;
}

void SessionWriter::run() {
    std::vector<QueuedRecord> batch;
    m_windowStart = Clock::now();
    for (;;) {
        applySettings();
        const bool paused = m_state == RecorderStatus::State::Paused; // only this thread writes it
        // Idle (nothing for a while): sleep until the first record. Busy:
        // poll every `settle` without making the proxy wake us per record.
        const bool idle = Clock::now() - m_lastRecordAt > kIdleAfter;
        std::chrono::milliseconds wait = idle ? kIdleWait : m_options.settle;
        if (paused) {
            wait = m_options.retryInterval;
        } else if (mayDrain(false)) {
            wait = std::chrono::milliseconds{0}; // work waits in the spool
        } else if (m_inTransaction) {
            const auto left =
                m_options.commitInterval - std::chrono::duration_cast<std::chrono::milliseconds>(
                                               Clock::now() - m_transactionStart);
            wait = std::clamp(left, std::chrono::milliseconds{0}, m_options.settle);
        }
        // A spool waiting for room: look at the load again every window.
        if (!paused && spoolPending())
            wait = std::min(wait, kLoadWindow);
        const bool more = m_queue.takeAll(batch, wait, (idle || paused) && !spoolPending());
        const qint64 iterationStart = CpuPressure::threadCpuUs();
        if (!batch.empty())
            m_lastRecordAt = Clock::now();
        if (!paused)
            sampleLoad(batch.size());
        if (paused) {
            discard(batch, 0);
            if (m_resumeRequested.exchange(false) ||
                Clock::now() - m_pausedAt >= m_options.retryInterval)
                tryResume();
            if (!more)
                break;
            continue;
        }
        // The queue drained and stayed empty for `settle`: commit. Waiting
        // that little groups the exchanges of a busy moment into one
        // commit, which writes each touched page once instead of once per
        // exchange (measured: the writer's cost per exchange halves).
        // Not while the spool drains: the queue is empty after every slice,
        // and a commit per slice cost more than the drain itself.
        if (batch.empty() && m_inTransaction && !spoolPending()) {
            commit();
            releaseMemory(batch);
        }
        // A lazy writer's first records: open the file now. If that fails,
        // recording pauses like on any storage error; the retry opens again.
        if (!batch.empty() && !m_db) {
            if (Status opened = openSession(); !opened) {
                pause(opened);
                discard(batch, 0);
                m_queue.giveBack(batch);
                if (!more)
                    break;
                continue;
            }
        }
        if (!batch.empty()) {
            // Behind what waits in the spool, whatever the setting; a durable
            // capture starts no spool (it is not synced).
            const bool durable = m_appliedSynchronous.load() == 2;
            if (spoolPending() || (!durable && m_policy.spill(true)))
                spillBatch(batch);
            else
                applyBatch(batch);
        }
        m_queue.giveBack(batch); // freed by the thread that allocated it
        if (mayDrain(false))
            drainSpool(kDrainSlice);
        if (m_inTransaction && Clock::now() - m_transactionStart >= m_options.commitInterval)
            commit();
        noteApplyCost(CpuPressure::threadCpuUs() - iterationStart);
        if (!more)
            break;
    }
    // Stopping: everything spooled goes into the session first.
    while (mayDrain(true))
        drainSpool(std::chrono::milliseconds{1000});
    finish();
}

void SessionWriter::applyBatch(std::vector<QueuedRecord>& batch) {
    std::size_t i = 0;
    for (; i < batch.size(); ++i) {
        Status done =
            m_inTransaction || beginTransaction() ? m_applier->apply(batch[i]) : Status(Error{});
        if (!done) {
            if (m_state != RecorderStatus::State::Paused)
                pause(done);
            // What was taken but not applied is lost like later records.
            discard(batch, i);
            break;
        }
        if (const qint64 delay = m_applyDelayUs.load(); delay > 0)
            std::this_thread::sleep_for(std::chrono::microseconds(delay));
        if (Clock::now() - m_transactionStart >= m_options.commitInterval)
            commit();
    }
    m_costRecords += static_cast<qint64>(i);
}

void SessionWriter::spillBatch(std::vector<QueuedRecord>& batch) {
    const qint64 cpuBefore = CpuPressure::threadCpuUs();
    spillInto(batch);
    m_spillCpuUs += CpuPressure::threadCpuUs() - cpuBefore;
}

void SessionWriter::spillInto(std::vector<QueuedRecord>& batch) {
    if (!m_spool) {
        // What was applied at once goes into the file before the spool
        // starts, so the spool holds only what comes after the last commit.
        commit();
        if (m_state == RecorderStatus::State::Paused) {
            discard(batch, 0);
            return;
        }
        auto created = RecordSpool::create(spool_position::pathFor(m_options.path));
        if (!created) {
            pause(created.error());
            discard(batch, 0);
            return;
        }
        m_spool = std::move(created).value();
        m_spoolCommittedOffset = m_spool->readOffset();
        m_spoolAppended = 0;
        m_spoolApplied = 0;
        m_spoolAppliedCommitted = 0;
    }
    for (const QueuedRecord& record : batch) {
        encodeRecord(record, m_spool->beginFrame());
        m_spool->endFrame();
    }
    // A failed write keeps the frames buffered in the spool: the flush after
    // the pause writes them, so they are late, not lost.
    m_spoolAppended += static_cast<qint64>(batch.size());
    if (Status flushed = m_spool->flush(); !flushed) {
        pause(flushed);
        return;
    }
    m_spoolBatches.emplace_back(m_spool->endOffset(), Clock::now());
}

void SessionWriter::drainSpool(std::chrono::milliseconds budget) {
    const auto until = Clock::now() + budget;
    qint64 applied = 0;
    while (m_spool && m_state != RecorderStatus::State::Paused) {
        bool torn = false;
        auto read = m_spool->read(kDrainReadBytes, m_spoolFrames, &torn);
        if (!read) {
            pause(read.error());
            break;
        }
        if (torn) {
            pause(Error{QStringLiteral("the spool %1 is damaged").arg(m_spool->path())});
            break;
        }
        bool failed = false;
        for (const QByteArray& frame : m_spoolFrames) {
            auto record = decodeRecord(frame);
            Status done = record ? Status() : Status(record.error());
            if (done && !m_inTransaction && !beginTransaction())
                return; // paused by beginTransaction
            if (done)
                done = m_applier->apply(record.value());
            if (!done) {
                pause(done);
                failed = true;
                break;
            }
            ++applied;
            if (const qint64 delay = m_applyDelayUs.load(); delay > 0)
                std::this_thread::sleep_for(std::chrono::microseconds(delay));
        }
        if (failed)
            break;
        m_spoolApplied += static_cast<qint64>(m_spoolFrames.size());
        if (m_spool->atEnd()) {
            // All of it is in the session: commit (with the spool's end as
            // its position), then the file can go.
            commit();
            if (m_state == RecorderStatus::State::Paused)
                break;
            if (Status removed = m_spool->remove(); !removed)
                pause(removed);
            m_spool.reset();
            m_spoolBatches.clear();
            m_spoolAppended = 0;
            m_spoolApplied = 0;
            m_policy.spoolDrained();
            break;
        }
        if (Clock::now() - m_transactionStart >= m_options.commitInterval)
            commit();
        if (Clock::now() >= until)
            break;
    }
    m_costRecords += applied;
}

void SessionWriter::rewindSpool() {
    // The rolled-back transaction's spooled records are still in the file:
    // read them again after the pause.
    if (!m_spool)
        return;
    (void)m_spool->seek(m_spoolCommittedOffset);
    m_spoolApplied = m_spoolAppliedCommitted;
}

bool SessionWriter::spoolPending() const {
    return m_spool != nullptr;
}

bool SessionWriter::mayDrain(bool stopping) {
    if (!m_spool || !m_db || m_state == RecorderStatus::State::Paused)
        return false;
    // A durable capture wants its records synced: drain at once.
    const bool durable = m_appliedSynchronous.load() == 2;
    return m_policy.drain(m_spool->atEnd(), m_spool->endOffset(), spoolLagSeconds(),
                          stopping || durable);
}

double SessionWriter::spoolLagSeconds() {
    const qint64 read = m_spool ? m_spool->readOffset() : 0;
    while (!m_spoolBatches.empty() && m_spoolBatches.front().first <= read)
        m_spoolBatches.pop_front();
    if (m_spoolBatches.empty())
        return 0;
    return std::chrono::duration<double>(Clock::now() - m_spoolBatches.front().second).count();
}

void SessionWriter::sampleLoad(std::size_t arrived) {
    m_windowArrivals += static_cast<qint64>(arrived);
    const Clock::time_point now = Clock::now();
    const auto elapsed = now - m_windowStart;
    if (elapsed < kLoadWindow)
        return;
    const double seconds = std::chrono::duration<double>(elapsed).count();
    WriterLoad load;
    std::optional<qint64> stalled;
    if (m_policy.use() == SpoolUse::WhenContended) {
        stalled = CpuPressure::someStalledUs();
        if (stalled && m_windowStalledUs)
            load.cpuPressure = static_cast<double>(*stalled - *m_windowStalledUs) / 1e6 / seconds;
    }
    load.demandCores = static_cast<double>(m_windowArrivals) / seconds * m_applyCostUs / 1e6;
    m_policy.observe(load, spoolPending());
    m_windowStart = now;
    m_windowStalledUs = stalled;
    m_windowArrivals = 0;
}

void SessionWriter::noteApplyCost(qint64 iterationCpuUs) {
    // The writer's CPU per applied record, commits included, summed over a
    // few thousand records (a small batch ending in a commit would read as
    // 20-30 µs per record); what spooling cost is not part of it.
    m_costCpuUs += std::max<qint64>(0, iterationCpuUs - m_spillCpuUs);
    m_spillCpuUs = 0;
    if (m_costRecords < 2000)
        return;
    const double cost = static_cast<double>(m_costCpuUs) / static_cast<double>(m_costRecords);
    m_applyCostUs = 0.7 * m_applyCostUs + 0.3 * cost;
    m_costCpuUs = 0;
    m_costRecords = 0;
}

void SessionWriter::releaseMemory(std::vector<QueuedRecord>& batch) {
    // The records were allocated by the proxy's thread and freed here; glibc
    // keeps freed memory in its arenas, so a burst would leave the process
    // at its peak size for good. Returning it after each burst keeps the
    // RSS near what is in use; at most once a second, when the queue drained.
    if (Clock::now() - m_lastTrim < kTrimInterval)
        return;
    m_lastTrim = Clock::now();
    m_queue.reclaimGivenBack();
    if (batch.capacity() > kKeptBatchCapacity) {
        batch.clear();
        batch.shrink_to_fit();
    }
    malloc_trim(0);
}

bool SessionWriter::beginTransaction() {
    if (Status done = m_db->exec("BEGIN"); !done) {
        pause(done);
        return false;
    }
    m_inTransaction = true;
    m_transactionStart = Clock::now();
    return true;
}

void SessionWriter::commit() {
    if (!m_inTransaction)
        return;
    Status done = m_applier->prepareCommit();
    if (done)
        done = saveCounters();
    if (done && m_spool)
        done = spool_position::save(*m_db, m_spool->id(), m_spool->readOffset());
    if (done)
        done = m_db->exec("COMMIT");
    if (!done) {
        pause(done);
        return;
    }
    m_inTransaction = false;
    if (m_spool) {
        m_spoolCommittedOffset = m_spool->readOffset();
        m_spoolAppliedCommitted = m_spoolApplied.load();
    }
    m_inFlightAtCommit = static_cast<qint64>(m_applier->inFlight());
    applySettings();
    const std::vector<record::ExchangeId> completed = m_applier->takeCompleted();
    m_recorded += static_cast<qint64>(completed.size());
    if (m_commitListener && !completed.empty())
        m_commitListener(completed);
}

Status SessionWriter::saveCounters() {
    // Kept in the file so that `spyglass-cli list` can say what is missing.
    const QueueCounters counters = m_queue.counters();
    const qint64 lost = m_lostWhilePaused.load();
    if (counters.droppedExchanges == m_savedCounters.droppedExchanges &&
        counters.saturatedBodies == m_savedCounters.saturatedBodies &&
        counters.damagedExchanges == m_savedCounters.damagedExchanges && lost == m_savedLost)
        return {};
    auto save = m_db->cached(
        QByteArrayLiteral("INSERT OR REPLACE INTO session (key, value) VALUES (?1, ?2)"));
    if (!save)
        return save.error();
    const std::pair<const char*, qint64> values[] = {
        {"recorder_dropped_exchanges", counters.droppedExchanges},
        {"recorder_saturated_bodies", counters.saturatedBodies},
        {"recorder_damaged_exchanges", counters.damagedExchanges},
        {"recorder_lost_while_paused", lost},
    };
    for (const auto& [key, value] : values) {
        save->bindText(1, QByteArrayView(key));
        save->bind(2, value);
        if (Status done = save->run("cannot save recorder counters"); !done)
            return done;
    }
    m_savedCounters = counters;
    m_savedLost = lost;
    return {};
}

void SessionWriter::pause(const Status& failure) {
    // Before the ROLLBACK, which may fail and note its own code.
    const int code = m_db ? m_db->lastErrorCode() : 0;
    // No connection: a lazy open failed, and nothing was applied yet.
    if (m_db) {
        if (m_inTransaction || sqlite3_get_autocommit(m_db->handle()) == 0)
            (void)m_db->exec("ROLLBACK");
        // Exchanges in flight will never be whole, and those that ended in
        // the rolled-back transaction are gone. From the spool, everything
        // after the last commit is read again after the pause: only the
        // exchanges in flight at that commit lose their ends.
        const std::size_t completed = m_applier->takeCompleted().size();
        m_lostWhilePaused +=
            m_spool ? m_inFlightAtCommit : static_cast<qint64>(m_applier->inFlight() + completed);
        m_applier->forgetAll();
        rewindSpool();
    }
    m_inTransaction = false;
    m_pausedAt = Clock::now();
    ++m_pauses;
    {
        std::lock_guard lock(m_statusMutex);
        m_state = RecorderStatus::State::Paused;
        const double retrySeconds = m_options.retryInterval.count() / 1000.0;
        if (m_db)
            m_message = QStringLiteral("%1 writing %2 (%3); traffic is still relayed but not "
                                       "recorded. Free space, then resume (retried every %4 s)")
                            .arg(describeFailure(code), m_options.path, failure.errorMessage())
                            .arg(retrySeconds);
        else
            m_message = QStringLiteral("%1; traffic is still relayed but not recorded. Fix the "
                                       "session file, then resume (retried every %2 s)")
                            .arg(failure.errorMessage())
                            .arg(retrySeconds);
    }
    notifyStatus();
}

void SessionWriter::tryResume() {
    if (!m_db && !openSession()) {
        m_pausedAt = Clock::now();
        return;
    }
    // Frames a failed spool write kept buffered must be written first.
    if (m_spool && !m_spool->flush()) {
        m_pausedAt = Clock::now();
        return;
    }
    applySettings();
    // A real write of kResumeProbeBytes, committed, then removed: a few free
    // bytes must not end a pause only for the next body to fail again.
    Status done = m_db->exec("BEGIN IMMEDIATE");
    if (done) {
        auto probe = m_db->cached(QByteArrayLiteral(
            "INSERT OR REPLACE INTO session (key, value) VALUES ('resume_probe', zeroblob(?1))"));
        if (probe)
            probe->bind(1, kResumeProbeBytes);
        done = probe ? probe->run("cannot write") : Status(probe.error());
        if (done)
            done = m_db->exec("COMMIT");
        else
            (void)m_db->exec("ROLLBACK");
    }
    if (done) {
        done = m_db->exec("BEGIN IMMEDIATE");
        if (done) {
            auto stamp = m_db->cached(QByteArrayLiteral(
                "INSERT OR REPLACE INTO session (key, value) VALUES ('resumed_us', ?1)"));
            if (stamp)
                stamp->bind(1, nowUs());
            done = stamp ? stamp->run("cannot write") : Status(stamp.error());
            if (done)
                done = m_db->exec("DELETE FROM session WHERE key = 'resume_probe'");
            // Exchanges in flight when recording paused can never finish.
            if (done)
                done = SessionFile::markOpenExchangesIncomplete(*m_db);
            if (done)
                done = m_db->exec("COMMIT");
            if (!done)
                (void)m_db->exec("ROLLBACK");
        }
    }
    if (!done) {
        m_pausedAt = Clock::now();
        return;
    }
    {
        std::lock_guard lock(m_statusMutex);
        m_state = RecorderStatus::State::Recording;
        m_message.clear();
    }
    notifyStatus();
}

void SessionWriter::discard(const std::vector<QueuedRecord>& batch, std::size_t from) {
    qint64 begun = 0;
    for (std::size_t i = from; i < batch.size(); ++i) {
        if (std::holds_alternative<record::ExchangeBegin>(batch[i].event))
            ++begun;
    }
    m_lostWhilePaused += begun;
}

void SessionWriter::finish() {
    if (m_finished)
        return;
    m_finished = true;
    // A lazy writer that never took a record still leaves a valid, empty
    // session behind (what `spyglass-cli list` expects of a finished run).
    if (!m_db && m_state != RecorderStatus::State::Paused) {
        if (Status opened = openSession(); !opened)
            pause(opened);
    }
    if (!m_db)
        return;
    if (m_state != RecorderStatus::State::Paused) {
        Status done = m_inTransaction ? Status() : m_db->exec("BEGIN");
        m_inTransaction = true;
        if (done)
            done = m_applier->abandonAll();
        if (done)
            done = saveCounters();
        if (done)
            done = m_db->exec("COMMIT");
        if (!done)
            (void)m_db->exec("ROLLBACK");
        m_inTransaction = false;
        const std::vector<record::ExchangeId> completed = m_applier->takeCompleted();
        if (done) {
            m_recorded += static_cast<qint64>(completed.size());
            if (m_commitListener && !completed.empty())
                m_commitListener(completed);
        }
    }
    // Closing the last connection checkpoints the WAL into the file and
    // removes it, so the session is one self-contained file again.
    m_applier.reset();
    m_db.reset();
}

void SessionWriter::setDurability(SessionFile::Durability durability) {
    m_wantedSynchronous = durability == SessionFile::Durability::Full ? 2 : 1;
    m_queue.wake();
}

void SessionWriter::applySettings() {
    if (!m_db)
        return; // not opened yet (lazy): the settings wait for the connection
    // SQLite refuses to change the safety level inside a transaction: the
    // change waits for the next commit (commit() calls this again).
    if (!m_inTransaction) {
        if (const int synchronous = m_wantedSynchronous.exchange(0); synchronous > 0) {
            if (m_db->exec(synchronous == 2 ? "PRAGMA synchronous = FULL"
                                            : "PRAGMA synchronous = NORMAL"))
                m_appliedSynchronous = synchronous;
        }
    }
    const qint64 pages = m_maxPageCount.exchange(-1);
    if (pages < 0)
        return;
    const QByteArray sql =
        "PRAGMA max_page_count = " + QByteArray::number(pages == 0 ? kDefaultMaxPageCount : pages);
    (void)m_db->exec(sql);
}

void SessionWriter::notifyStatus() {
    if (m_statusListener)
        m_statusListener(status());
}

} // namespace spyglass::core::store
