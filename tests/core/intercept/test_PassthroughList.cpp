#include "core/proxy/PassthroughList.h"

#include <QSet>
#include <QTest>
#include <atomic>
#include <thread>
#include <vector>

using namespace spyglass::core::proxy;

namespace {

constexpr qint64 kMinuteUs = qint64{60} * 1000 * 1000;

QByteArrayList hostsOf(const QList<PassthroughList::Entry>& entries) {
    QByteArrayList out;
    for (const PassthroughList::Entry& entry : entries)
        out.append(entry.host);
    return out;
}

} // namespace

class TestPassthroughList : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void duration() { QCOMPARE(PassthroughList::kDurationUs, 10 * kMinuteUs); }

    void expiry_data() {
        QTest::addColumn<qint64>("addedAt");
        QTest::addColumn<qint64>("askedAt");
        QTest::addColumn<bool>("contained");
        const qint64 t = 5'000'000;
        QTest::newRow("at once") << t << t << true;
        QTest::newRow("a minute later") << t << t + kMinuteUs << true;
        QTest::newRow("last microsecond") << t << t + PassthroughList::kDurationUs - 1 << true;
        QTest::newRow("expired exactly") << t << t + PassthroughList::kDurationUs << false;
        QTest::newRow("long after") << t << t + 100 * kMinuteUs << false;
        QTest::newRow("negative clock") << qint64{-kMinuteUs} << qint64{0} << true;
    }
    void expiry() {
        QFETCH(qint64, addedAt);
        QFETCH(qint64, askedAt);
        QFETCH(bool, contained);
        PassthroughList list;
        list.add(QByteArrayLiteral("pinned.example"), addedAt, QStringLiteral("unknown CA"));
        QCOMPARE(list.contains("pinned.example", askedAt), contained);
        const QList<PassthroughList::Entry> entries = list.entries(askedAt);
        QCOMPARE(entries.size(), contained ? 1 : 0);
        if (contained) {
            QCOMPARE(entries[0].host, QByteArrayLiteral("pinned.example"));
            QCOMPARE(entries[0].untilUs, addedAt + PassthroughList::kDurationUs);
            QCOMPARE(entries[0].reason, QStringLiteral("unknown CA"));
        }
        QVERIFY(!list.contains("other.example", askedAt));
    }

    void hostSpelling_data() {
        QTest::addColumn<QByteArray>("added");
        QTest::addColumn<QByteArray>("asked");
        QTest::addColumn<bool>("contained");
        QTest::newRow("same") << QByteArray("a.example") << QByteArray("a.example") << true;
        QTest::newRow("case") << QByteArray("A.Example") << QByteArray("a.EXAMPLE") << true;
        QTest::newRow("trailing dot")
            << QByteArray("a.example.") << QByteArray("a.example") << true;
        QTest::newRow("brackets") << QByteArray("[::1]") << QByteArray("::1") << true;
        QTest::newRow("subdomain is another host")
            << QByteArray("a.example") << QByteArray("www.a.example") << false;
        QTest::newRow("parent is another host")
            << QByteArray("www.a.example") << QByteArray("a.example") << false;
    }
    void hostSpelling() {
        QFETCH(QByteArray, added);
        QFETCH(QByteArray, asked);
        QFETCH(bool, contained);
        PassthroughList list;
        list.add(added, 0, {});
        QCOMPARE(list.contains(asked, 1), contained);
        QCOMPARE(list.remove(asked), contained);
        QCOMPARE(list.size(), contained ? 0 : 1);
    }

    void emptyHostIgnored() {
        PassthroughList list;
        list.add({}, 0, QStringLiteral("x"));
        list.add(QByteArrayLiteral("."), 0, QStringLiteral("x"));
        QCOMPARE(list.size(), 0);
        QVERIFY(list.entries(0).isEmpty());
        QVERIFY(!list.contains("", 0));
    }

    void addAgainRestartsAndMovesToNewest() {
        PassthroughList list;
        list.add(QByteArrayLiteral("a.test"), 0, QStringLiteral("first"));
        list.add(QByteArrayLiteral("b.test"), kMinuteUs, QStringLiteral("b"));
        list.add(QByteArrayLiteral("A.test"), 5 * kMinuteUs, QStringLiteral("second"));
        QCOMPARE(list.size(), 2);
        // Still there after its first ten minutes would have ended.
        QVERIFY(list.contains("a.test", 12 * kMinuteUs));
        QVERIFY(!list.contains("b.test", 12 * kMinuteUs));
        const QList<PassthroughList::Entry> entries = list.entries(2 * kMinuteUs);
        QCOMPARE(hostsOf(entries), QByteArrayList({"b.test", "a.test"}));
        QCOMPARE(entries[1].reason, QStringLiteral("second"));
        QCOMPARE(entries[1].untilUs, 15 * kMinuteUs);
    }

    void removeAndClear() {
        PassthroughList list;
        list.add(QByteArrayLiteral("a.test"), 0, {});
        list.add(QByteArrayLiteral("b.test"), 0, {});
        QVERIFY(list.remove("a.test"));
        QVERIFY(!list.remove("a.test"));
        QVERIFY(!list.contains("a.test", 0));
        QVERIFY(list.contains("b.test", 0));
        list.clear();
        QCOMPARE(list.size(), 0);
        QVERIFY(!list.contains("b.test", 0));
        list.add(QByteArrayLiteral("c.test"), 0, {});
        QCOMPARE(hostsOf(list.entries(0)), QByteArrayList({"c.test"}));
    }

    void evictsOldest() {
        PassthroughList list(3);
        QCOMPARE(list.capacity(), 3);
        for (const char* host : {"a", "b", "c", "d"})
            list.add(QByteArray(host), 0, {});
        QCOMPARE(hostsOf(list.entries(0)), QByteArrayList({"b", "c", "d"}));
        list.add(QByteArrayLiteral("b"), 1, {}); // b is now the newest
        list.add(QByteArrayLiteral("e"), 2, {});
        QCOMPARE(hostsOf(list.entries(2)), QByteArrayList({"d", "b", "e"}));
        QVERIFY(!list.contains("c", 2));
    }

    // When full, expired entries go first: a live one is kept.
    void dropsExpiredBeforeLive() {
        PassthroughList list(2);
        list.add(QByteArrayLiteral("old"), 0, {});
        list.add(QByteArrayLiteral("live"), 9 * kMinuteUs, {});
        list.add(QByteArrayLiteral("new"), PassthroughList::kDurationUs, {});
        QCOMPARE(list.size(), 2);
        QCOMPARE(hostsOf(list.entries(PassthroughList::kDurationUs)),
                 QByteArrayList({"live", "new"}));
    }

    void defaultCapacityBound() {
        PassthroughList list;
        QCOMPARE(list.capacity(), PassthroughList::kDefaultCapacity);
        const int count = int(PassthroughList::kDefaultCapacity) + 5;
        for (int i = 0; i < count; ++i)
            list.add(QByteArrayLiteral("h") + QByteArray::number(i) + QByteArrayLiteral(".test"), i,
                     {});
        QCOMPARE(list.size(), PassthroughList::kDefaultCapacity);
        QVERIFY(!list.contains("h0.test", count));
        QVERIFY(!list.contains("h4.test", count));
        QVERIFY(list.contains("h5.test", count));
        const QByteArray newest =
            QByteArrayLiteral("h") + QByteArray::number(count - 1) + QByteArrayLiteral(".test");
        QVERIFY(list.contains(newest, count));
    }

    // Writers (the I/O thread) and readers (GUI, CLI) at once; the bound and
    // the final state must hold.
    void concurrentUse() {
        constexpr int kPerWriter = 4000;
        constexpr qsizetype kCapacity = 500;
        PassthroughList list(kCapacity);
        std::atomic<bool> done{false};
        std::atomic<qsizetype> largestSeen{0};
        std::atomic<int> reads{0};
        std::vector<std::thread> threads;
        for (int w = 0; w < 2; ++w) {
            threads.emplace_back([&list, w] {
                for (int i = 0; i < kPerWriter; ++i) {
                    const QByteArray host = QByteArrayLiteral("w") + QByteArray::number(w) +
                                            QByteArrayLiteral("-") + QByteArray::number(i);
                    list.add(host, i, QStringLiteral("writer"));
                    if (i % 7 == 0)
                        list.remove(host);
                }
            });
        }
        for (int r = 0; r < 2; ++r) {
            threads.emplace_back([&] {
                // At least a few reads even if the writers are already done.
                for (int mine = 0; !done.load() || mine < 50; ++mine) {
                    const qsizetype size = list.entries(0).size();
                    qsizetype seen = largestSeen.load();
                    while (size > seen && !largestSeen.compare_exchange_weak(seen, size)) {
                    }
                    (void)list.contains("w0-1", 0);
                    ++reads;
                }
            });
        }
        threads[0].join();
        threads[1].join();
        done = true;
        threads[2].join();
        threads[3].join();
        QVERIFY(reads.load() >= 100);
        QVERIFY(largestSeen.load() <= kCapacity);
        QCOMPARE(list.size(), kCapacity);
        // Whichever writer finished last has its last host (3999 is not a
        // multiple of 7) among the newest entries; each host is listed once.
        QVERIFY(list.contains("w0-3999", kPerWriter) || list.contains("w1-3999", kPerWriter));
        const QByteArrayList hosts = hostsOf(list.entries(0));
        QCOMPARE(QSet<QByteArray>(hosts.begin(), hosts.end()).size(), kCapacity);
    }
};

QTEST_GUILESS_MAIN(TestPassthroughList)
#include "test_PassthroughList.moc"
