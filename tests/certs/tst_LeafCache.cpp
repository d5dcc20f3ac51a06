#include "certs/CertificateAuthority.h"
#include "certs/FakeClock.h"
#include "certs/LeafCache.h"
#include "certs/LeafMinter.h"

#include <QTest>
#include <thread>
#include <vector>

using namespace Qt::StringLiterals;
using namespace spyglass::certs;
using namespace std::chrono_literals;

class TestLeafCache : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void hitReturnsSameLeaf();
    void keyedByNormalisedName_data();
    void keyedByNormalisedName();
    void invalidNameIsAnError();
    void remintsNearExpiry();
    void remintsAfterClockJumpsBack();
    void boundedLeastRecentlyUsed();
    void defaultCapacityIsThousand();
    void concurrentGets();

private:
    std::shared_ptr<FakeClock> m_clock = std::make_shared<FakeClock>();
    std::optional<CertificateAuthority> m_ca;
    std::shared_ptr<const LeafMinter> m_minter;
};

void TestLeafCache::initTestCase() {
    auto ca = CertificateAuthority::create({}, *m_clock);
    QVERIFY(ca.ok());
    m_ca.emplace(std::move(ca).value());
    auto minter = LeafMinter::create(*m_ca);
    QVERIFY(minter.ok());
    m_minter = minter.value();
}

void TestLeafCache::hitReturnsSameLeaf() {
    LeafCache cache(m_minter, m_clock);
    auto a = cache.get(u"example.com"_s);
    auto b = cache.get(u"example.com"_s);
    QVERIFY(a.ok() && b.ok());
    QCOMPARE(a.value().get(), b.value().get());
    QCOMPARE(cache.stats().mints, std::size_t(1));
    QCOMPARE(cache.stats().hits, std::size_t(1));
}

void TestLeafCache::keyedByNormalisedName_data() {
    QTest::addColumn<QString>("first");
    QTest::addColumn<QString>("second");
    QTest::newRow("case") << u"Example.COM"_s << u"example.com"_s;
    QTest::newRow("trailing dot") << u"example.com."_s << u"example.com"_s;
    QTest::newRow("idn") << u"BÜCHER.example"_s << u"xn--bcher-kva.example"_s;
    QTest::newRow("ipv6 forms") << u"[0:0::1]"_s << u"::1"_s;
}

void TestLeafCache::keyedByNormalisedName() {
    QFETCH(QString, first);
    QFETCH(QString, second);
    LeafCache cache(m_minter, m_clock);
    auto a = cache.get(first);
    auto b = cache.get(second);
    QVERIFY(a.ok() && b.ok());
    QCOMPARE(a.value().get(), b.value().get());
    QCOMPARE(cache.size(), std::size_t(1));
}

void TestLeafCache::invalidNameIsAnError() {
    LeafCache cache(m_minter, m_clock);
    auto leaf = cache.get(u"*.example.com"_s);
    QVERIFY(!leaf.ok());
    QCOMPARE(cache.size(), std::size_t(0));
}

void TestLeafCache::remintsNearExpiry() {
    auto clock = std::make_shared<FakeClock>(m_clock->now());
    LeafCache cache(m_minter, clock);
    auto first = cache.get(u"expiry.example"_s);
    QVERIFY(first.ok());
    const auto notAfter = first.value()->notAfter();
    // Just outside the 2-day window: still served from the cache.
    clock->set(notAfter - LeafCache::kRenewBefore - 1s);
    auto stillCached = cache.get(u"expiry.example"_s);
    QVERIFY(stillCached.ok());
    QCOMPARE(stillCached.value().get(), first.value().get());
    // Inside the window: a new leaf, valid from the new "now".
    clock->set(notAfter - LeafCache::kRenewBefore);
    auto renewed = cache.get(u"expiry.example"_s);
    QVERIFY(renewed.ok());
    QVERIFY(renewed.value().get() != first.value().get());
    QVERIFY(renewed.value()->notAfter() > notAfter);
    QCOMPARE(cache.stats().renewals, std::size_t(1));
    QCOMPARE(cache.size(), std::size_t(1));
    // The old leaf stays usable by whoever still holds it.
    QVERIFY(first.value()->certificate() != nullptr);
}

void TestLeafCache::remintsAfterClockJumpsBack() {
    auto clock = std::make_shared<FakeClock>(m_clock->now());
    LeafCache cache(m_minter, clock);
    auto first = cache.get(u"jump.example"_s);
    QVERIFY(first.ok());
    clock->set(first.value()->notBefore() - 1s);
    auto again = cache.get(u"jump.example"_s);
    QVERIFY(again.ok());
    QVERIFY(again.value().get() != first.value().get());
}

void TestLeafCache::boundedLeastRecentlyUsed() {
    LeafCache cache(m_minter, m_clock, 3);
    for (const QString& h : {u"a.test"_s, u"b.test"_s, u"c.test"_s})
        QVERIFY(cache.get(h).ok());
    auto a = cache.get(u"a.test"_s); // a becomes most recent; b is now oldest
    QVERIFY(a.ok());
    QVERIFY(cache.get(u"d.test"_s).ok()); // evicts b
    QCOMPARE(cache.size(), std::size_t(3));
    QCOMPARE(cache.stats().evictions, std::size_t(1));
    const auto mintsBefore = cache.stats().mints;
    QVERIFY(cache.get(u"a.test"_s).ok());
    QVERIFY(cache.get(u"c.test"_s).ok());
    QVERIFY(cache.get(u"d.test"_s).ok());
    QCOMPARE(cache.stats().mints, mintsBefore);
    QVERIFY(cache.get(u"b.test"_s).ok()); // was evicted: minted again
    QCOMPARE(cache.stats().mints, mintsBefore + 1);
    QCOMPARE(cache.size(), std::size_t(3));
}

void TestLeafCache::defaultCapacityIsThousand() {
    LeafCache cache(m_minter, m_clock);
    QCOMPARE(cache.capacity(), std::size_t(1000));
    for (int i = 0; i < 1005; ++i)
        QVERIFY(cache.get(u"h%1.bound.test"_s.arg(i)).ok());
    QCOMPARE(cache.size(), std::size_t(1000));
    QCOMPARE(cache.stats().evictions, std::size_t(5));
}

void TestLeafCache::concurrentGets() {
    LeafCache cache(m_minter, m_clock, 50);
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < 300; ++i) {
                auto leaf = cache.get(u"t%1.concurrent.test"_s.arg((i * 7 + t) % 80));
                if (!leaf.ok() || leaf.value()->certificate() == nullptr)
                    ++failures;
            }
        });
    }
    for (auto& th : threads)
        th.join();
    QCOMPARE(failures.load(), 0);
    QVERIFY(cache.size() <= 50);
    const auto stats = cache.stats();
    QCOMPARE(stats.hits + stats.mints, std::size_t(1200));
}

QTEST_GUILESS_MAIN(TestLeafCache)
#include "tst_LeafCache.moc"
