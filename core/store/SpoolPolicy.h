#pragma once

#include <QtGlobal>

namespace spyglass::core::store {

// Where the session writer puts what the proxy queued (docs/architecture.md,
// "Recording"): applied to SQLite at once, or appended to the spool file and
// indexed into SQLite later.
enum class SpoolUse {
    Never,         // always apply at once (durable captures; tests of that path)
    WhenContended, // the default: spool while recording would take CPU from traffic
    Always,        // every record passes through the spool (tests of that path)
};

// What the writer measured over its last window (about 100 ms).
struct WriterLoad {
    // Share of the window in which some task of the machine was runnable
    // but waited for a CPU (Linux PSI, /proc/pressure/cpu "some"); negative
    // when the kernel does not say.
    double cpuPressure = -1;
    // Cores the writer needs to apply, as they arrive, the records that
    // arrived in the window (arrivals per second × its measured CPU per
    // applied record).
    double demandCores = 0;
};

// Decides, window by window, whether new records are spooled and whether
// the spool is drained into SQLite. Measured on the 2-vCPU bench machine:
// the SQLite work of an intercepted exchange (about 35 µs) on a machine
// whose cores client, origin and proxy already fill costs traffic 0.58× of
// its rate, and a lower thread priority does not help (the reschedule IPIs
// of preempting it cost as much). Appending the records to a file costs a
// few µs; the indexing waits until the traffic eases.
//
// The pressure is judged only while records are applied at once: while
// they are spooled, the writer no longer competes, so a low pressure then
// says nothing about what applying would cost (deciding on it made the
// writer flip between spooling and draining every window, measured: 1
// keep-alive connection at 0.78× instead of 0.94×). So spooling lasts until
// the traffic eases, the spool grows past kMaxSpoolBytes, or its oldest
// record waits longer than kMaxLag; then the writer drains, applies at once
// again, and judges the pressure afresh. A machine with a core to spare
// (no task waits for a CPU) and light traffic both apply at once, so the
// live list is live whenever that costs traffic nothing.
class SpoolPolicy {
public:
    // Some task waited for a CPU in at least this share of the window: the
    // machine is contended. Idle here: 0.05 %; the keep-alive bench applying
    // records at once: 10-45 % (1 and 16 connections).
    static constexpr double kContendedPressure = 0.05;
    // The writer starts spooling only when keeping up would take this much of
    // a core (about 15,000 records/s here; the 1-connection bench needs
    // 0.1-0.25)...
    static constexpr double kHeavyDemand = 0.10;
    // ...and stops when the traffic's demand falls below this.
    static constexpr double kLightDemand = 0.05;
    // A spool this large, or whose oldest record has waited this long, is
    // drained even while the traffic goes on: the session (and the live list)
    // lags the traffic by at most about this much.
    static constexpr qint64 kMaxSpoolBytes = qint64(512) << 20;
    static constexpr double kMaxLagSeconds = 10.0;

    explicit SpoolPolicy(SpoolUse use)
        : m_use(use) {}

    // `spooling`: the spool holds records (the pressure then says nothing).
    void observe(const WriterLoad& load, bool spooling);
    // Whether records taken now go to the spool (always, while it holds
    // records: the session keeps the proxy's order).
    [[nodiscard]] bool spill(bool spoolEmpty) const;
    // Whether the writer applies records from the spool now; `lagSeconds`
    // is how long its oldest unapplied record has waited.
    [[nodiscard]] bool drain(bool spoolEmpty, qint64 spoolBytes, double lagSeconds,
                             bool stopping) const;
    // The spool was applied whole and removed: the next window applies at
    // once and judges the pressure afresh.
    void spoolDrained() { m_contended = false; }
    [[nodiscard]] bool contended() const { return m_contended; }
    [[nodiscard]] SpoolUse use() const { return m_use; }

private:
    SpoolUse m_use;
    bool m_contended = false;
};

} // namespace spyglass::core::store
