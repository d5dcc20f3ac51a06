// RecordQueue: the bounded queue between the proxy and the writer, and the
// order in which it degrades (body bytes first, then whole exchanges).
#undef QT_NO_CAST_FROM_ASCII
#define QT_RESTRICTED_CAST_FROM_ASCII
#include "core/store/RecordQueue.h"

#include <QTest>
#include <atomic>
#include <thread>

using namespace spyglass::core;
using namespace spyglass::core::store;

namespace {

record::ExchangeBegin begin(record::ExchangeId id) {
    record::ExchangeBegin b;
    b.id = id;
    b.host = "example.com";
    return b;
}

record::BodyChunk chunk(record::ExchangeId id, qsizetype size,
                        record::Direction direction = record::Direction::Response) {
    return record::BodyChunk{id, direction, QByteArray(size, 'x'), false};
}

record::ExchangeEnd end(record::ExchangeId id) {
    record::ExchangeEnd e;
    e.id = id;
    return e;
}

std::vector<QueuedRecord> drain(RecordQueue& queue) {
    std::vector<QueuedRecord> out;
    queue.takeAll(out, std::chrono::milliseconds(0));
    return out;
}

qint64 queuedBodyBytes(const std::vector<QueuedRecord>& records) {
    qint64 bytes = 0;
    for (const QueuedRecord& r : records) {
        if (const auto* c = std::get_if<record::BodyChunk>(&r.event))
            bytes += c->data.size();
    }
    return bytes;
}

} // namespace

class TestRecordQueue : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // The writer hands applied records back; the producer's next push frees
    // them (on the proxy's thread, which allocated them), or the writer
    // reclaims them when no push comes.
    void appliedRecordsAreFreedByTheNextPush() {
        RecordQueue queue(QueueLimits{});
        QByteArray head("GET / HTTP/1.1\r\nHost: example.com\r\n\r\n");
        queue.push(begin(1));
        queue.push(record::HeadRecord{1, record::Direction::Request, 0, head, head});
        std::vector<QueuedRecord> batch = drain(queue);
        QCOMPARE(batch.size(), std::size_t{2});
        QVERIFY(head.data_ptr()->isShared());
        queue.giveBack(batch);
        QVERIFY(batch.empty());
        QVERIFY(head.data_ptr()->isShared()); // waiting for the producer
        queue.push(end(1));
        QVERIFY(!head.data_ptr()->isShared()); // freed by that push

        queue.push(begin(2));
        queue.push(record::HeadRecord{2, record::Direction::Request, 0, head, head});
        batch = drain(queue);
        queue.giveBack(batch);
        QVERIFY(head.data_ptr()->isShared());
        queue.reclaimGivenBack();
        QVERIFY(!head.data_ptr()->isShared());
        // What was pushed in between is still queued, whole.
        queue.push(end(2));
        batch = drain(queue);
        QCOMPARE(batch.size(), std::size_t{1});
        QVERIFY(std::holds_alternative<record::ExchangeEnd>(batch.front().event));
    }

    void bytesBeyondTheCapAreNotQueued() {
        QueueLimits limits;
        limits.bodyCap = 1000;
        RecordQueue queue(limits);
        queue.push(begin(1));
        queue.push(chunk(1, 600));
        queue.push(chunk(1, 600));                            // crosses the cap: 400 kept
        queue.push(chunk(1, 600));                            // all beyond
        queue.push(chunk(1, 50, record::Direction::Request)); // the other direction has its own cap
        queue.push(end(1));
        const auto records = drain(queue);
        QCOMPARE(queuedBodyBytes(records), 1050);
        const auto& last = std::get<record::ExchangeEnd>(records.back().event);
        QCOMPARE(last.id, record::ExchangeId{1});
        const BodyFate& response = records.back().bodies[1];
        QVERIFY(response.overCap);
        QVERIFY(!response.saturated);
        QCOMPARE(response.droppedBytes, 800);
        QVERIFY(!records.back().bodies[0].overCap);
        QCOMPARE(queue.counters().saturatedBodies, 0);
    }

    void headersOnlyQueuesNoBodyBytes() {
        QueueLimits limits;
        limits.bodyCap = 0;
        RecordQueue queue(limits);
        queue.push(begin(1));
        queue.push(record::BodyChunk{1, record::Direction::Response, QByteArray(10, 'x'), true});
        queue.push(end(1));
        const auto records = drain(queue);
        QCOMPARE(records.size(), std::size_t{2});
        QVERIFY(records.back().bodies[1].overCap);
        QVERIFY(records.back().bodies[1].chunked);
        QCOMPARE(records.back().bodies[1].droppedBytes, 10);
    }

    void bodyBytesGoFirstWhenTheByteBudgetFills() {
        QueueLimits limits;
        limits.maxBytes = 64 * 1024;
        limits.maxRecords = 10'000;
        RecordQueue queue(limits);
        for (record::ExchangeId id = 1; id <= 40; ++id) {
            queue.push(begin(id));
            queue.push(chunk(id, 4096));
            queue.push(chunk(id, 4096));
            queue.push(end(id));
        }
        const QueueCounters counters = queue.counters();
        // Every exchange was admitted (records are plentiful); bytes ran out.
        QCOMPARE(counters.droppedExchanges, 0);
        QVERIFY(counters.saturatedBodies > 0);
        QVERIFY(counters.droppedBodyBytes > 0);
        const auto records = drain(queue);
        QVERIFY(queuedBodyBytes(records) <= limits.maxBytes);
        qint64 ends = 0;
        qint64 saturatedEnds = 0;
        for (const QueuedRecord& r : records) {
            if (std::holds_alternative<record::ExchangeEnd>(r.event)) {
                ++ends;
                saturatedEnds += r.bodies[1].saturated ? 1 : 0;
            }
        }
        QCOMPARE(ends, 40);
        QCOMPARE(saturatedEnds, counters.saturatedBodies);
    }

    void theByteBudgetCountsAllocationsNotPayload() {
        // One byte each, but every piece holds a 16 KiB allocation: the
        // budget is memory, so it fills after a few of them.
        QueueLimits limits;
        limits.maxBytes = 64 * 1024;
        RecordQueue queue(limits);
        queue.push(begin(1));
        for (int i = 0; i < 10; ++i) {
            QByteArray piece;
            piece.reserve(16 * 1024 - 1);
            piece.append('x');
            queue.push(record::BodyChunk{1, record::Direction::Response, piece, false});
        }
        queue.push(end(1));
        QCOMPARE(queue.counters().saturatedBodies, 1);
        const auto records = drain(queue);
        const qint64 kept = queuedBodyBytes(records);
        QVERIFY2(kept >= 2 && kept <= 4, qPrintable(QString::number(kept)));
        QCOMPARE(records.back().bodies[1].droppedBytes, 10 - kept);
    }

    void aSmallPieceOfALargeBufferIsCopiedOut() {
        // Queued as is, 100 bytes would pin the 256 KiB buffer they came in.
        RecordQueue queue(QueueLimits{});
        queue.push(begin(1));
        QByteArray buffer(256 * 1024, 'y');
        buffer.truncate(100);
        QVERIFY(buffer.capacity() >= 256 * 1024);
        queue.push(record::BodyChunk{1, record::Direction::Response, std::move(buffer), false});
        queue.push(end(1));
        const auto records = drain(queue);
        const auto& piece = std::get<record::BodyChunk>(records.at(1).event);
        QCOMPARE(piece.data, QByteArray(100, 'y'));
        QVERIFY2(piece.data.capacity() < 16 * 1024,
                 qPrintable(QString::number(piece.data.capacity())));
        QCOMPARE(queue.counters().saturatedBodies, 0);
    }

    void aSaturatedBodyStaysAPrefix() {
        QueueLimits limits;
        limits.maxBytes = 10'000;
        RecordQueue queue(limits);
        queue.push(begin(1));
        queue.push(chunk(1, 6000));
        queue.push(chunk(1, 6000)); // does not fit: dropped
        std::vector<QueuedRecord> out;
        queue.takeAll(out, std::chrono::milliseconds(0)); // the writer catches up
        queue.push(chunk(1, 100)); // room again, but a hole would follow: dropped too
        queue.push(end(1));
        const auto records = drain(queue);
        QCOMPARE(queuedBodyBytes(records), 0);
        const BodyFate& fate = records.back().bodies[1];
        QVERIFY(fate.saturated);
        QCOMPARE(fate.droppedBytes, 6100);
        QCOMPARE(queue.counters().saturatedBodies, 1);
    }

    void wholeExchangesAreRefusedWhenRecordsRunOut() {
        QueueLimits limits;
        limits.maxRecords = 100;
        RecordQueue queue(limits);
        for (record::ExchangeId id = 1; id <= 100; ++id) {
            queue.push(begin(id));
            queue.push(end(id));
        }
        const QueueCounters counters = queue.counters();
        // Admission stops at 3/4 of the records: 75 records = 37 whole
        // exchanges and the 38th's Begin; its End still fits.
        QCOMPARE(counters.droppedExchanges, 100 - 38);
        QCOMPARE(counters.damagedExchanges, 0);
        const auto records = drain(queue);
        QCOMPARE(records.size(), std::size_t{76});
        // Refused exchanges leave nothing behind, not even their End.
        for (const QueuedRecord& r : records) {
            if (const auto* e = std::get_if<record::ExchangeEnd>(&r.event))
                QVERIFY(e->id <= 38);
        }
    }

    void admittedExchangesFinishPastTheAdmissionLimit() {
        QueueLimits limits;
        limits.maxRecords = 8;
        RecordQueue queue(limits);
        // Six exchanges begin (the 7th is refused at 6 = 3/4 of 8 records).
        for (record::ExchangeId id = 1; id <= 7; ++id)
            queue.push(begin(id));
        QCOMPARE(queue.counters().droppedExchanges, 1);
        queue.push(end(1));
        queue.push(end(2)); // 8 records: the hard limit
        queue.push(end(3)); // lost: exchange 3 is damaged
        QCOMPARE(queue.counters().damagedExchanges, 1);
        auto records = drain(queue);
        QCOMPARE(records.size(), std::size_t{8});
        queue.push(end(4));
        records = drain(queue);
        QCOMPARE(records.size(), std::size_t{1});
        QVERIFY(!records.front().damaged);
    }

    void afterCloseEverythingIsDroppedAndCounted() {
        RecordQueue queue(QueueLimits{});
        queue.close();
        queue.push(begin(1));
        queue.push(end(1));
        QCOMPARE(queue.counters().droppedExchanges, 1);
        std::vector<QueuedRecord> out;
        QVERIFY(!queue.takeAll(out, std::chrono::milliseconds(0)));
        QVERIFY(out.empty());
    }

    void takeAllWaitsAndWakes() {
        RecordQueue queue(QueueLimits{});
        std::vector<QueuedRecord> out;
        // Nothing queued: returns after the timeout with nothing, still open.
        QVERIFY(queue.takeAll(out, std::chrono::milliseconds(1)));
        QVERIFY(out.empty());
        queue.wake();
        QVERIFY(queue.takeAll(out, std::chrono::hours(1))); // returns at once
        queue.push(begin(1));
        QVERIFY(queue.takeAll(out, std::chrono::hours(1)));
        QCOMPARE(out.size(), std::size_t{1});
    }

    // Both wake-ups are checked with a consumer that would otherwise wait an
    // hour: a missing wake-up hangs the test until ctest's timeout.
    void anIdleConsumerWakesOnTheFirstRecord() {
        RecordQueue queue(QueueLimits{});
        std::vector<QueuedRecord> out;
        std::thread consumer([&] { queue.takeAll(out, std::chrono::hours(1), true); });
        QTest::qWait(20); // let it wait (the push below wakes it either way)
        queue.push(begin(1));
        consumer.join();
        QCOMPARE(out.size(), std::size_t{1});
    }

    void aBusyConsumerWakesWhenRecordsPileUp() {
        RecordQueue queue(QueueLimits{});
        std::vector<QueuedRecord> out;
        std::atomic<bool> returned{false};
        std::thread consumer([&] {
            queue.takeAll(out, std::chrono::hours(1), false);
            returned = true;
        });
        QTest::qWait(20);
        for (record::ExchangeId id = 1; id <= RecordQueue::kWakeRecords; ++id)
            queue.push(begin(id));
        consumer.join();
        QVERIFY(returned);
        QCOMPARE(static_cast<qsizetype>(out.size()), RecordQueue::kWakeRecords);
    }
};

QTEST_GUILESS_MAIN(TestRecordQueue)
#include "test_RecordQueue.moc"
