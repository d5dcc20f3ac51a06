// SessionReader::placeInOrder (where live rows go in a sorted list) must put
// rows exactly where orderedIds' SQL sort puts them, for every column and
// both directions, over a real session file with ties, NULL durations (in
// flight) and text keys.
#include "SessionFixture.h"
#include "core/store/SessionReader.h"

#include <QTemporaryDir>
#include <QTest>

using namespace spyglass;
using namespace spyglass::core::store;
using spyglass::ui::testing::SessionFixture;

namespace {

// Enough rows that the key cache of placeInOrder grows (rehashes) while it
// compares.
constexpr qint64 kOld = 300; // the list as it was sorted
constexpr qint64 kAll = 700; // then these arrived

void variedShape(testing::SyntheticExchange& e) {
    SessionFixture::defaultShape(e);
    const auto n = static_cast<qint64>(e.id);
    static const char* methods[] = {"GET", "POST", "PUT", "DELETE"};
    e.method = methods[n % 4];
    e.mode = n % 7 == 0 ? core::record::Mode::Tunnel : core::record::Mode::Forward;
    e.durationUs = 1000 * (n % 6); // many ties
    e.responseBody = QByteArray(static_cast<int>((n * 37) % 11), 'y');
    if (n % 9 == 0)
        e.error = QStringLiteral("upstream %1 refused").arg(n % 4);
}

QList<qint64> merged(const QList<qint64>& shown, const QList<Placement>& placed) {
    QList<qint64> out;
    qsizetype next = 0;
    for (const Placement& p : placed) {
        while (next < p.before)
            out.append(shown.at(next++));
        out.append(p.id);
    }
    while (next < shown.size())
        out.append(shown.at(next++));
    return out;
}

} // namespace

class TestLivePlacement : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        m_path = m_dir.filePath(QStringLiteral("placement.spyglass"));
        // The writer stays open: stopping it would end the open rows.
        m_session = std::make_unique<SessionFixture>(m_path);
        QVERIFY(m_session->record(1, kAll - 3, variedShape));
        // Still in flight: no duration (NULL), status 0.
        for (qint64 n = kAll - 2; n <= kAll; ++n)
            m_session->begin(n, "open" + QByteArray::number(n % 2) + ".test");
        QTest::qWait(300);
    }
    void cleanupTestCase() { m_session.reset(); }

    void matchesSqlOrder_data() {
        QTest::addColumn<int>("column");
        QTest::addColumn<bool>("descending");
        for (int c = 0; c <= static_cast<int>(ListColumn::ErrorText); ++c) {
            QTest::addRow("column %d ascending", c) << c << false;
            QTest::addRow("column %d descending", c) << c << true;
        }
    }

    void matchesSqlOrder() {
        QFETCH(int, column);
        QFETCH(bool, descending);
        auto opened = SessionReader::open(m_path);
        QVERIFY2(opened, opened ? "" : qPrintable(opened.errorMessage()));
        SessionReader& reader = *opened.value();
        IdQuery query;
        query.column = static_cast<ListColumn>(column);
        query.descending = descending;
        const auto all = reader.orderedIds(query);
        QVERIFY(all);
        QCOMPARE(all->ids.size(), kAll);
        query.upToId = kOld;
        const auto old = reader.orderedIds(query);
        QVERIFY(old);
        QList<qint64> added;
        for (qint64 id = kAll; id > kOld; --id) // any order: placeInOrder sorts them
            added.append(id);
        const auto placed = reader.placeInOrder(query.column, descending, old->ids, added);
        QVERIFY2(placed, placed ? "" : qPrintable(placed.errorMessage()));
        QCOMPARE(placed->size(), added.size());
        for (qsizetype i = 1; i < placed->size(); ++i)
            QVERIFY(placed->at(i - 1).before <= placed->at(i).before);
        QCOMPARE(merged(old->ids, placed.value()), all->ids);
    }

    // liveIds: what matches, what is in flight without matching, and the
    // rechecked ids, from one snapshot.
    void liveIdsSplitsOpenRows() {
        auto opened = SessionReader::open(m_path);
        QVERIFY(opened);
        auto filter = SessionReader::compileFilter(QStringLiteral("host:open0"));
        QVERIFY(filter);
        IdQuery query;
        query.filter = &filter.value();
        query.afterId = kOld;
        const auto live = opened.value()->liveIds(query, {5, kAll - 2}, 0);
        QVERIFY2(live, live ? "" : qPrintable(live.errorMessage()));
        QCOMPARE(live->ordered.ids, (QList<qint64>{kAll - 2, kAll}));
        QCOMPARE(live->lateMatches, (QList<qint64>{kAll - 2}));
        // 5 ended without matching: dropped. kAll - 1 is open on open1.test.
        QCOMPARE(live->openUnmatched, (QList<qint64>{kAll - 1}));
        QCOMPARE(live->counted, kAll);
        const auto tail = opened.value()->liveIds(query, {}, kAll - 10);
        QVERIFY(tail);
        QCOMPARE(tail->counted, 10);
        // No filter: nothing to recheck.
        const auto plain = opened.value()->liveIds(IdQuery{}, {5}, kAll);
        QVERIFY(plain);
        QVERIFY(plain->lateMatches.isEmpty());
        QVERIFY(plain->openUnmatched.isEmpty());
    }

    void hostPortsAreDistinct() {
        auto opened = SessionReader::open(m_path);
        QVERIFY(opened);
        const auto ports = opened.value()->hostPorts(0, kAll);
        QVERIFY2(ports, ports ? "" : qPrintable(ports.errorMessage()));
        // h0..h2.test over plain HTTP port 80, tunnels to port 80 too (the
        // synthetic default), and the open ones.
        QVERIFY(ports->contains(HostPort{"h0.test", 80, true}));
        QVERIFY(ports->contains(HostPort{"open0.test", 80, true}));
        for (qsizetype i = 1; i < ports->size(); ++i)
            QVERIFY(!(ports->at(i) == ports->at(i - 1)));
    }

private:
    QTemporaryDir m_dir;
    QString m_path;
    std::unique_ptr<SessionFixture> m_session;
};

QTEST_MAIN(TestLivePlacement)
#include "tst_LivePlacement.moc"
