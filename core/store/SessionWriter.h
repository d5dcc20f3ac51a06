#pragma once

#include "RecordQueue.h"
#include "RecorderStatus.h"
#include "SessionFile.h"
#include "SpoolPolicy.h"
#include "core/record/Recorder.h"

#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace spyglass::core::store {

class RecordApplier;
class RecordSpool;

struct WriterOptions {
    QString path;
    SessionFile::Durability durability = SessionFile::Durability::Normal;
    QueueLimits queue; // queue bounds and the per-message body cap
    // Commit when the queue has drained and stayed empty for `settle`, and
    // at least every commitInterval while records keep coming.
    std::chrono::milliseconds commitInterval{100};
    std::chrono::milliseconds settle{5};
    // While paused by a storage error, try to resume this often.
    std::chrono::milliseconds retryInterval{5000};
    // Open the SQLite connection on the writer thread when the first record
    // arrives instead of in open(). An idle proxy then never touches
    // SQLite's code, page cache or schema (1.4 MiB of idle RSS; issue 7).
    // open() still creates the file and checks it without SQLite
    // (SessionFile::prepareForWriting), so a bad path is reported before
    // traffic flows; a failure at the real open pauses recording. For
    // `spyglass-cli run`; the GUI opens eagerly (it reads the file at once).
    bool openOnFirstRecord = false;
    // Whether records may wait in the spool file (SESSION-spool) to be
    // indexed when the machine has room (SpoolPolicy). A durable capture
    // never spools: the spool is not synced.
    SpoolUse spool = SpoolUse::WhenContended;
};

// The recorder behind record::Recorder: one writer thread owns the only
// write connection to a session file. The proxy's record() calls go into a
// bounded RecordQueue and never wait; the thread applies them in
// transactions (commit when the queue drains, and at least every
// commitInterval). A storage error (disk full, I/O) rolls back, pauses
// recording with a message and keeps counting what is not recorded; the
// proxy is never slowed or stopped. It resumes on resume() or by itself
// when a retry succeeds (space came back).
//
// While recording would take CPU from traffic (SpoolPolicy), the thread
// appends what it takes to the spool, an append-only file beside the
// session, and applies it to SQLite when the machine has room again, in the
// proxy's order; stop() applies all of it. A spool left by a crash is
// replayed by the next open for writing (replayStaleSpool).
class SessionWriter final : public record::Recorder {
public:
    // Called on the writer thread after each commit with the proxy ids of
    // the exchanges whose end it made durable.
    using CommitListener = std::function<void(const std::vector<record::ExchangeId>& completed)>;
    // Called on the writer thread when recording pauses or resumes.
    using StatusListener = std::function<void(const RecorderStatus& status)>;

    // Opens (creating or migrating) the file on the calling thread, so a bad
    // path is reported before any traffic flows; with openOnFirstRecord only
    // creates and checks it there, and the writer thread opens it later.
    static Result<std::unique_ptr<SessionWriter>> open(WriterOptions options);
    ~SessionWriter() override;
    SessionWriter(const SessionWriter&) = delete;
    SessionWriter& operator=(const SessionWriter&) = delete;

    // Listeners are set before start().
    void setCommitListener(CommitListener listener) { m_commitListener = std::move(listener); }
    void setStatusListener(StatusListener listener) { m_statusListener = std::move(listener); }

    void start();
    // Applies what is queued, marks exchanges still in flight incomplete,
    // commits and closes the file (a lazy writer that took no record opens
    // it first, so an empty session is left behind). Idempotent.
    void stop();

    void record(record::RecordEvent event) override;

    [[nodiscard]] RecorderStatus status() const;
    // Settings changed while recording: the body cap applies to the next
    // bytes queued, durability from the next transaction (SQLite sets
    // PRAGMA synchronous only between transactions).
    void setBodyCap(qint64 bodyCap) { m_queue.setBodyCap(bodyCap); }
    void setDurability(SessionFile::Durability durability);
    // PRAGMA synchronous as the writer last applied it (1 NORMAL, 2 FULL).
    [[nodiscard]] int appliedSynchronous() const { return m_appliedSynchronous.load(); }
    // Asks a paused writer to try again now.
    void resume();
    [[nodiscard]] const QString& path() const { return m_options.path; }

    // Test seams: a delay per applied record (a deliberately slow writer),
    // and SQLite's max_page_count (a disk that fills at a known size; 0
    // restores the default), applied by the writer before its next write.
    void setApplyDelayForTesting(std::chrono::microseconds delay) {
        m_applyDelayUs = delay.count();
    }
    void setMaxPageCountForTesting(qint64 pages) { m_maxPageCount = pages; }

private:
    SessionWriter(WriterOptions options, std::unique_ptr<SqliteConnection> db);

    [[nodiscard]] static Result<std::unique_ptr<SqliteConnection>>
    openConnection(const WriterOptions& options);
    // The lazy open (openOnFirstRecord), on the writer thread.
    [[nodiscard]] Status openSession();
    void run();
    [[nodiscard]] bool beginTransaction();
    void commit();
    void pause(const Status& failure);
    void tryResume();
    void discard(const std::vector<QueuedRecord>& batch, std::size_t from);
    void finish();
    [[nodiscard]] Status saveCounters();
    void applySettings();
    void notifyStatus();
    void releaseMemory(std::vector<QueuedRecord>& batch);
    void applyBatch(std::vector<QueuedRecord>& batch);
    void spillBatch(std::vector<QueuedRecord>& batch);
    // Applies spooled records for about `budget`, stopping at whole read
    // batches so a commit always records a frame boundary.
    void drainSpool(std::chrono::milliseconds budget);
    void rewindSpool();
    void sampleLoad(std::size_t arrived);
    void noteApplyCost(qint64 iterationCpuUs);
    void spillInto(std::vector<QueuedRecord>& batch);
    // How long the oldest record not yet applied from the spool has waited.
    [[nodiscard]] double spoolLagSeconds();
    [[nodiscard]] bool spoolPending() const;
    [[nodiscard]] bool mayDrain(bool stopping);

    using Clock = std::chrono::steady_clock;

    const WriterOptions m_options;
    std::unique_ptr<SqliteConnection> m_db;
    std::unique_ptr<RecordApplier> m_applier;
    RecordQueue m_queue;
    std::thread m_thread;
    CommitListener m_commitListener;
    StatusListener m_statusListener;

    // Writer-thread state.
    bool m_inTransaction = false;
    Clock::time_point m_transactionStart;
    Clock::time_point m_pausedAt;
    Clock::time_point m_lastRecordAt;
    Clock::time_point m_lastTrim;
    QueueCounters m_savedCounters;
    qint64 m_savedLost = -1;
    bool m_finished = false;
    SpoolPolicy m_policy;
    std::unique_ptr<RecordSpool> m_spool;
    std::vector<QByteArray> m_spoolFrames; // read back, reused
    qint64 m_spoolCommittedOffset = 0;     // saved by the last commit
    qint64 m_spoolAppliedCommitted = 0;    // records applied up to it
    qint64 m_inFlightAtCommit = 0;         // exchanges begun and not ended at the last commit
    // The load window SpoolPolicy decides on.
    Clock::time_point m_windowStart;
    std::optional<qint64> m_windowStalledUs;
    qint64 m_windowArrivals = 0;
    double m_applyCostUs = 7.0; // CPU per applied record, measured (initial guess: 35 µs / 5)
    qint64 m_costCpuUs = 0;     // applying and committing, since the last estimate
    qint64 m_costRecords = 0;
    qint64 m_spillCpuUs = 0; // spooling, in the current loop iteration
    // Spool offsets at the end of each flushed batch and when it was flushed.
    std::deque<std::pair<qint64, Clock::time_point>> m_spoolBatches;

    // Shared with status().
    mutable std::mutex m_statusMutex;
    RecorderStatus::State m_state = RecorderStatus::State::Stopped;
    QString m_message;
    std::atomic<qint64> m_recorded{0};
    std::atomic<qint64> m_spoolAppended{0}; // records written to the current spool
    std::atomic<qint64> m_spoolApplied{0};  // of those, applied to SQLite
    std::atomic<qint64> m_lostWhilePaused{0};
    std::atomic<qint64> m_pauses{0};
    std::atomic<bool> m_resumeRequested{false};
    std::atomic<bool> m_started{false};
    std::atomic<qint64> m_applyDelayUs{0};
    std::atomic<qint64> m_maxPageCount{-1};
    std::atomic<int> m_wantedSynchronous{0}; // 0 = no change asked
    std::atomic<int> m_appliedSynchronous{0};
};

} // namespace spyglass::core::store
