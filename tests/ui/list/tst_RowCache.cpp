// RowCache: bounded, oldest fetched dropped first, refresh detection.
#include "ui/list/RowCache.h"

#include <QTest>

using namespace spyglass::ui;
using spyglass::core::store::ListRow;

namespace {
ListRow row(qint64 id, ListRow::State state = ListRow::State::Complete, int status = 200) {
    ListRow r;
    r.id = id;
    r.state = state;
    r.status = status;
    return r;
}
} // namespace

class TestRowCache : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void staysWithinCapacity() {
        RowCache cache(3);
        for (qint64 id = 1; id <= 5; ++id)
            QVERIFY(cache.insert(row(id)));
        QCOMPARE(cache.size(), 3);
        QVERIFY(!cache.find(1));
        QVERIFY(!cache.find(2));
        QVERIFY(cache.find(5));
    }

    void refreshReportsChanges() {
        RowCache cache(10);
        QVERIFY(cache.insert(row(1, ListRow::State::Open, 0)));
        QCOMPARE(cache.openIds(10), QList<qint64>{1});
        QVERIFY(!cache.insert(row(1, ListRow::State::Open, 0)));
        QVERIFY(cache.insert(row(1, ListRow::State::Complete, 204)));
        QCOMPARE(cache.find(1)->status, 204);
        QVERIFY(cache.openIds(10).isEmpty());
        QCOMPARE(cache.size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestRowCache)
#include "tst_RowCache.moc"
