// SpoolPolicy: when the session writer spools records instead of applying
// them, and when it drains the spool. Pure decisions on measured inputs.
#include "core/store/CpuPressure.h"
#include "core/store/SpoolPolicy.h"

#include <QTest>
#include <atomic>
#include <thread>
#include <vector>

using namespace spyglass::core::store;

namespace {

WriterLoad load(double pressure, double demand) {
    WriterLoad l;
    l.cpuPressure = pressure;
    l.demandCores = demand;
    return l;
}

} // namespace

class TestSpoolPolicy : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void neverSpoolsWhenToldNot() {
        SpoolPolicy policy(SpoolUse::Never);
        policy.observe(load(0.9, 2.0), false);
        QVERIFY(!policy.spill(true));
        QVERIFY(!policy.contended());
    }

    void alwaysSpoolsAndDrainsWhenToldTo() {
        SpoolPolicy policy(SpoolUse::Always);
        policy.observe(load(0.9, 2.0), true);
        QVERIFY(policy.spill(true));
        QVERIFY(policy.drain(false, 1000, 0, false));
        QVERIFY(!policy.drain(true, 0, 0, false)); // nothing to drain
    }

    void aContendedMachineWithHeavyTrafficSpools() {
        SpoolPolicy policy(SpoolUse::WhenContended);
        QVERIFY(!policy.spill(true));
        policy.observe(load(0.35, 0.40), false); // the keep-alive bench, recording at once
        QVERIFY(policy.contended());
        QVERIFY(policy.spill(true));
        QVERIFY(!policy.drain(false, 10 << 20, 1.0, false));
    }

    void lightTrafficIsAppliedAtOnceEvenOnABusyMachine() {
        // A compiler fills the cores while a browser makes a few requests:
        // deferring those would only make the live list lag.
        SpoolPolicy policy(SpoolUse::WhenContended);
        policy.observe(load(0.80, 0.02), false);
        QVERIFY(!policy.contended());
        QVERIFY(!policy.spill(true));
    }

    void heavyTrafficOnAMachineWithRoomIsAppliedAtOnce() {
        SpoolPolicy policy(SpoolUse::WhenContended);
        policy.observe(load(0.01, 0.9), false);
        QVERIFY(!policy.contended());
        QVERIFY(!policy.spill(true));
    }

    void whileSpoolingTheLowPressureIsNotTakenForRoom() {
        // Spooling took the writer off the CPUs, so nobody waits now; that
        // says nothing about what applying would cost (measured: flipping
        // on it every window ran 1 connection at 0.78x instead of 0.94x).
        SpoolPolicy policy(SpoolUse::WhenContended);
        policy.observe(load(0.30, 0.20), false);
        QVERIFY(policy.contended());
        policy.observe(load(0.02, 0.20), true);
        QVERIFY(policy.contended());
        QVERIFY(!policy.drain(false, 1 << 20, 1.0, false));
        // Below the demand that starts spooling, above the one that ends it.
        policy.observe(load(0.02, 0.07), true);
        QVERIFY(policy.contended());
    }

    void theSpoolDrainsWhenTheTrafficEases() {
        SpoolPolicy policy(SpoolUse::WhenContended);
        policy.observe(load(0.30, 0.30), false);
        policy.observe(load(0.15, 0.03), true); // the burst ended
        QVERIFY(!policy.contended());
        QVERIFY(policy.drain(false, 1 << 20, 0.5, false));
    }

    void afterADrainThePressureIsJudgedAfresh() {
        SpoolPolicy policy(SpoolUse::WhenContended);
        policy.observe(load(0.30, 0.30), false);
        QVERIFY(policy.contended());
        policy.spoolDrained();
        QVERIFY(!policy.spill(true));            // the next records are applied at once...
        policy.observe(load(0.01, 0.30), false); // ...and the machine has room now
        QVERIFY(!policy.contended());
        policy.observe(load(0.40, 0.30), false); // or it has not
        QVERIFY(policy.contended());
    }

    void whileSpoolingNewRecordsQueueBehindTheSpooledOnes() {
        SpoolPolicy policy(SpoolUse::WhenContended);
        policy.observe(load(0.0, 0.0), false);
        QVERIFY(!policy.spill(true));
        QVERIFY(policy.spill(false)); // order is kept
    }

    void aFullOrLateSpoolOrAStopDrainsEvenWhileContended() {
        SpoolPolicy policy(SpoolUse::WhenContended);
        policy.observe(load(0.5, 1.0), false);
        QVERIFY(!policy.drain(false, SpoolPolicy::kMaxSpoolBytes - 1, 1.0, false));
        QVERIFY(policy.drain(false, SpoolPolicy::kMaxSpoolBytes, 1.0, false));
        QVERIFY(!policy.drain(false, 1, SpoolPolicy::kMaxLagSeconds - 0.1, false));
        QVERIFY(policy.drain(false, 1, SpoolPolicy::kMaxLagSeconds, false));
        QVERIFY(policy.drain(false, 1, 0, true));
    }

    void noPressureFigureMeansNeverDefer() {
        SpoolPolicy policy(SpoolUse::WhenContended);
        policy.observe(load(-1, 5.0), false); // a kernel without PSI
        QVERIFY(!policy.contended());
        QVERIFY(!policy.spill(true));
    }

    void cpuPressureRisesWhenTasksWaitForACpu() {
        const std::optional<qint64> before = CpuPressure::someStalledUs();
        if (!before)
            QSKIP("this kernel has no /proc/pressure/cpu (PSI): the writer never defers there");
        // One more spinning thread than there are CPUs: some always waits.
        const unsigned cpus = std::max(1u, std::thread::hardware_concurrency());
        std::atomic<bool> stop{false};
        std::vector<std::thread> spinners;
        for (unsigned i = 0; i <= cpus; ++i)
            spinners.emplace_back([&stop] {
                volatile quint64 x = 0;
                while (!stop.load(std::memory_order_relaxed))
                    x = x + 1;
            });
        // Bounded: PSI accounts in ticks; wait until it moved or 5 s passed.
        std::optional<qint64> after = before;
        for (int i = 0; i < 100 && after && *after == *before; ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
            after = CpuPressure::someStalledUs();
        }
        stop = true;
        for (std::thread& t : spinners)
            t.join();
        QVERIFY(after);
        QVERIFY2(*after > *before, "no stall was accounted while threads waited for a CPU");
        const qint64 cpu = CpuPressure::threadCpuUs();
        QVERIFY(cpu > 0);
    }
};

QTEST_APPLESS_MAIN(TestSpoolPolicy)
#include "test_SpoolPolicy.moc"
