// RecordingGate: pausing and swapping the session recorder while the proxy
// records. An exchange goes, whole, to the recorder that saw its beginning,
// or nowhere.
#include "app/common/RecordingGate.h"

#include <QTest>
#include <atomic>
#include <thread>

using namespace spyglass;
using namespace spyglass::core::record;
using spyglass::app::RecordingGate;

namespace {

// A recorder that keeps "begin 1", "chunk 1", "end 1" lines.
class LogRecorder final : public Recorder {
public:
    void record(RecordEvent event) override {
        const char* kind = std::holds_alternative<ExchangeBegin>(event) ? "begin"
                           : std::holds_alternative<ExchangeEnd>(event) ? "end"
                                                                        : "chunk";
        const ExchangeId id = std::visit([](const auto& e) { return e.id; }, event);
        lines << QStringLiteral("%1 %2").arg(QString::fromLatin1(kind)).arg(id);
        ++calls;
    }
    QStringList lines;
    std::atomic<int> calls{0};
};

void exchange(RecordingGate& gate, ExchangeId id, int part) {
    if (part == 0) {
        ExchangeBegin begin;
        begin.id = id;
        gate.record(begin);
    } else if (part == 1) {
        BodyChunk chunk;
        chunk.id = id;
        chunk.data = "x";
        gate.record(chunk);
    } else {
        ExchangeEnd end;
        end.id = id;
        gate.record(end);
    }
}

} // namespace

class TestRecordingGate : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void pausedExchangesAreNotRecordedAtAll() {
        RecordingGate gate;
        auto log = std::make_shared<LogRecorder>();
        gate.setTarget(log);
        exchange(gate, 1, 0);
        gate.setTarget(nullptr); // pause: exchange 1 began before, 2 during
        exchange(gate, 2, 0);
        exchange(gate, 1, 1);
        gate.setTarget(log); // resume
        exchange(gate, 2, 1);
        exchange(gate, 2, 2);
        exchange(gate, 1, 2);
        exchange(gate, 3, 0);
        exchange(gate, 3, 2);
        // 1 was cut by the pause (its writer marks it incomplete), 2 began
        // while paused, 3 is whole.
        QCOMPARE(log->lines, (QStringList{QStringLiteral("begin 1"), QStringLiteral("begin 3"),
                                          QStringLiteral("end 3")}));
        QCOMPARE(gate.skippedExchanges(), 1);
    }

    void swappedRecorderGetsOnlyNewExchanges() {
        RecordingGate gate;
        auto first = std::make_shared<LogRecorder>();
        auto second = std::make_shared<LogRecorder>();
        gate.setTarget(first);
        exchange(gate, 1, 0);
        exchange(gate, 1, 1);
        gate.setTarget(second);
        exchange(gate, 1, 2); // in flight across the swap: not sent to second
        exchange(gate, 2, 0);
        exchange(gate, 2, 2);
        QCOMPARE(first->lines, (QStringList{QStringLiteral("begin 1"), QStringLiteral("chunk 1")}));
        QCOMPARE(second->lines, (QStringList{QStringLiteral("begin 2"), QStringLiteral("end 2")}));
        QCOMPARE(gate.target(), std::static_pointer_cast<Recorder>(second));
    }

    // Swaps from this thread while another records: after setTarget returns
    // the old recorder is never called again (checked by a counter frozen at
    // the swap), and nothing crashes.
    void swapWhileRecordingFromAnotherThread() {
        RecordingGate gate;
        auto first = std::make_shared<LogRecorder>();
        gate.setTarget(first);
        std::atomic<bool> stop{false};
        std::thread proxy([&] {
            for (ExchangeId id = 1; !stop.load(); ++id) {
                exchange(gate, id, 0);
                exchange(gate, id, 2);
            }
        });
        QTRY_VERIFY_WITH_TIMEOUT(first->calls.load() > 100, 10000);
        auto second = std::make_shared<LogRecorder>();
        gate.setTarget(second);
        const int frozen = first->calls.load();
        for (int i = 0; i < 100; ++i)
            gate.setTarget(std::make_shared<LogRecorder>());
        gate.setTarget(nullptr);
        stop = true;
        proxy.join();
        QCOMPARE(first->calls.load(), frozen);
        QCOMPARE(first->lines.size(), qsizetype{frozen});
    }
};

QTEST_GUILESS_MAIN(TestRecordingGate)
#include "tst_RecordingGate.moc"
