// ExchangeListModel over real session files (SessionWriter), with
// QAbstractItemModelTester attached to every model.
#include "SessionFixture.h"
#include "core/store/SessionReader.h"
#include "ui/list/ExchangeListModel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace spyglass;
using namespace spyglass::ui;
using spyglass::ui::testing::SessionFixture;

namespace {

constexpr int kHost = static_cast<int>(ExchangeColumn::Host);
constexpr int kStatus = static_cast<int>(ExchangeColumn::Status);
constexpr int kDuration = static_cast<int>(ExchangeColumn::Duration);

struct Harness {
    ExchangeListModel model;
    QAbstractItemModelTester tester{&model, QAbstractItemModelTester::FailureReportingMode::QtTest};
    Harness() { model.setPollInterval(0); }
};

// Opens and waits (bounded) for the first id vector.
bool openAndWait(ExchangeListModel& model, const QString& path) {
    QSignalSpy opened(&model, &ExchangeListModel::sessionOpened);
    model.openSession(path);
    return opened.wait(5000);
}

// Polls until rowCount reaches `rows` (bounded).
bool pollUntil(ExchangeListModel& model, int rows) {
    for (int i = 0; i < 200 && model.rowCount() != rows; ++i) {
        model.pollNow();
        QTest::qWait(10);
    }
    return model.rowCount() == rows;
}

// Asks for every cell of the given rows and waits for the pages.
bool loadRows(ExchangeListModel& model, int first, int last) {
    for (int i = 0; i < 300; ++i) {
        bool all = true;
        for (int r = first; r <= last; ++r) {
            if (!model.index(r, kHost).data(ExchangeListModel::LoadedRole).toBool()) {
                (void)model.index(r, kHost).data(); // a miss requests the page
                all = false;
            }
        }
        if (all)
            return true;
        QTest::qWait(10);
    }
    return false;
}

QList<qint64> allIds(const ExchangeListModel& model) {
    QList<qint64> ids;
    for (int r = 0; r < model.rowCount(); ++r)
        ids << model.idAt(r);
    return ids;
}

// The list a fresh sort of the whole file gives (SQL on its own reader).
QList<qint64> freshOrder(const QString& path, core::store::ListColumn column, bool descending) {
    auto reader = core::store::SessionReader::open(path);
    if (!reader)
        return {};
    core::store::IdQuery query;
    query.column = column;
    query.descending = descending;
    auto ids = reader.value()->orderedIds(query);
    return ids ? ids->ids : QList<qint64>();
}

// Polls a few times (bounded) without waiting for a row count: for rows
// that must NOT appear.
void pollSeveral(ExchangeListModel& model) {
    for (int i = 0; i < 10; ++i) {
        model.pollNow();
        QTest::qWait(20);
    }
}

} // namespace

class TestExchangeListModel : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void emptySession() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("empty.spyglass"));
        SessionFixture session(path);
        session.stop();
        Harness h;
        QVERIFY(openAndWait(h.model, path));
        QCOMPARE(h.model.rowCount(), 0);
        QCOMPARE(h.model.idAt(0), 0);
        QVERIFY(!h.model.isBusy());
    }

    void missingFileIsAnError() {
        QTemporaryDir dir;
        Harness h;
        QSignalSpy error(&h.model, &ExchangeListModel::sessionError);
        h.model.openSession(dir.filePath(QStringLiteral("nope.spyglass")));
        QVERIFY(error.wait(5000));
        QCOMPARE(h.model.rowCount(), 0);
        // No file was created: the model only opens read-only.
        QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("nope.spyglass"))));
    }

    // A cache miss shows a placeholder (the # only), asks for the page and
    // emits dataChanged for it when it arrives.
    void pageCacheMissShowsPlaceholderThenData() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("s.spyglass"));
        SessionFixture session(path);
        QVERIFY(session.record(1, 1000));
        session.stop();
        Harness h;
        QVERIFY(openAndWait(h.model, path));
        QCOMPARE(h.model.rowCount(), 1000);
        QCOMPARE(h.model.idAt(0), 1);
        QCOMPARE(h.model.idAt(999), 1000);
        QCOMPARE(h.model.rowOfId(500), 499);

        const int row = 650; // page 3 (rows 600..799)
        QSignalSpy changed(&h.model, &QAbstractItemModel::dataChanged);
        QVERIFY(!h.model.index(row, kHost).data(ExchangeListModel::LoadedRole).toBool());
        QCOMPARE(h.model.index(row, 0).data().toString(), QStringLiteral("651"));
        QVERIFY(!h.model.index(row, kHost).data().isValid()); // placeholder
        QTRY_VERIFY(h.model.index(row, kHost).data(ExchangeListModel::LoadedRole).toBool());
        bool pageSignalled = false;
        for (const QList<QVariant>& args : changed) {
            const auto top = args.at(0).toModelIndex();
            const auto bottom = args.at(1).toModelIndex();
            pageSignalled |= top.row() == 600 && bottom.row() == 799;
        }
        QVERIFY(pageSignalled);
        QCOMPARE(h.model.index(row, kHost).data().toString(), QStringLiteral("h0.test"));
        QCOMPARE(h.model.index(row, kStatus).data().toString(),
                 QStringLiteral("404")); // 651 % 5 == 1
        QCOMPARE(h.model.index(row, 0).data(ExchangeListModel::UrlRole).toString(),
                 QStringLiteral("http://h0.test/n/651"));
        // The status is coloured by class.
        QVERIFY(h.model.index(row, kStatus).data(Qt::ForegroundRole).value<QColor>().isValid());
        // Only the asked-for page came: a far row is still a placeholder.
        QVERIFY(!h.model.index(450, kHost).data(ExchangeListModel::LoadedRole).toBool());
    }

    void liveAppendsArriveInOneBatchPerPoll() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("live.spyglass"));
        SessionFixture session(path);
        QVERIFY(session.record(1, 10));
        Harness h;
        QVERIFY(openAndWait(h.model, path));
        QCOMPARE(h.model.rowCount(), 10);

        QSignalSpy inserted(&h.model, &QAbstractItemModel::rowsInserted);
        QSignalSpy counted(&h.model, &ExchangeListModel::countChanged);
        QVERIFY(session.record(11, 260));
        QVERIFY(pollUntil(h.model, 260));
        // Everything committed before the poll came as one insert.
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(inserted.at(0).at(1).toInt(), 10);
        QCOMPARE(inserted.at(0).at(2).toInt(), 259);
        QCOMPARE(counted.constLast().at(0).toLongLong(), 260);
        QCOMPARE(h.model.idAt(259), 260);
        QVERIFY(loadRows(h.model, 255, 259));
        QCOMPARE(h.model.index(259, kHost).data().toString(), QStringLiteral("h2.test"));

        // The timer does the same by itself (10 Hz).
        h.model.setPollInterval(100);
        QVERIFY(session.record(261, 300));
        QTRY_COMPARE(h.model.rowCount(), 300);
    }

    // An exchange in flight shows as soon as it begins and is refreshed
    // when it ends.
    void openRowsAreRefreshedWhenTheyEnd() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("open.spyglass"));
        SessionFixture session(path);
        QVERIFY(session.record(1, 5));
        Harness h;
        QVERIFY(openAndWait(h.model, path));
        session.begin(6, "slow.test");
        QVERIFY(pollUntil(h.model, 6));
        QVERIFY(loadRows(h.model, 5, 5));
        QCOMPARE(h.model.loadedRow(5)->state, core::store::ListRow::State::Open);
        QCOMPARE(h.model.index(5, kDuration).data().toString(), QStringLiteral("…"));

        QSignalSpy changed(&h.model, &QAbstractItemModel::dataChanged);
        QSignalSpy updated(&h.model, &ExchangeListModel::exchangeUpdated);
        QVERIFY(session.end(6, 503));
        for (int i = 0;
             i < 200 && h.model.index(5, kStatus).data().toString() != QStringLiteral("503"); ++i) {
            h.model.pollNow();
            QTest::qWait(10);
        }
        QCOMPARE(h.model.index(5, kStatus).data().toString(), QStringLiteral("503"));
        QCOMPARE(h.model.index(5, kDuration).data().toString(), QStringLiteral("4 ms"));
        bool rowSignalled = false;
        for (const QList<QVariant>& args : changed)
            rowSignalled |= args.at(0).toModelIndex().row() == 5;
        QVERIFY(rowSignalled);
        // The inspector reloads the exchange it shows on this signal.
        QVERIFY(!updated.isEmpty());
        QCOMPARE(updated.last().at(0).toLongLong(), qint64(6));
    }

    void filterChangesAndErrors() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("f.spyglass"));
        SessionFixture session(path);
        QVERIFY(session.record(1, 300));
        Harness h;
        QVERIFY(openAndWait(h.model, path));

        QSignalSpy reset(&h.model, &QAbstractItemModel::modelReset);
        QSignalSpy errors(&h.model, &ExchangeListModel::filterError);
        QCOMPARE(h.model.setFilter(QStringLiteral("status:5xx")), QString());
        QTRY_COMPARE(reset.count(), 1);
        QCOMPARE(h.model.rowCount(), 60); // n % 5 == 2
        for (qint64 id : allIds(h.model))
            QCOMPARE(id % 5, 2);

        // A syntax error is reported and leaves the list alone.
        const QString error = h.model.setFilter(QStringLiteral("hots:a"));
        QVERIFY2(error.contains(QStringLiteral("unknown field")), qPrintable(error));
        QCOMPARE(errors.constLast().at(0).toString(), error);
        QCOMPARE(h.model.filter(), QStringLiteral("status:5xx"));
        QCOMPARE(h.model.rowCount(), 60);

        // The host filter is exact and combines with the expression.
        h.model.setHostFilter("h1.test");
        QTRY_COMPARE(reset.count(), 2);
        for (qint64 id : allIds(h.model)) {
            QCOMPARE(id % 5, 2);
            QCOMPARE(id % 3, 1);
        }
        QCOMPARE(h.model.rowCount(), 20);

        // Live rows honour both.
        QVERIFY(session.record(301, 330));
        QVERIFY(pollUntil(h.model, 22)); // 307 and 322
        QCOMPARE(h.model.idAt(20), 307);
        QCOMPARE(h.model.idAt(21), 322);

        h.model.setHostFilter({});
        QCOMPARE(h.model.setFilter(QString()), QString());
        QTRY_COMPARE(h.model.rowCount(), 330);
        QVERIFY(!h.model.isBusy());
    }

    // An exchange in flight that does not match yet (status:5xx before its
    // response) is added at its place, in one insert, once it matches.
    void openRowThatMatchesLaterIsAdded() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("late.spyglass"));
        SessionFixture session(path);
        QVERIFY(session.record(1, 10));
        Harness h;
        QVERIFY(openAndWait(h.model, path));
        QSignalSpy reset(&h.model, &QAbstractItemModel::modelReset);
        QCOMPARE(h.model.setFilter(QStringLiteral("status:5xx")), QString());
        QTRY_COMPARE(reset.count(), 1);
        QCOMPARE(allIds(h.model), (QList<qint64>{2, 7}));

        session.begin(11, "late.test");  // status 0 while in flight
        QVERIFY(session.record(12, 12)); // 500: listed at once
        QVERIFY(pollUntil(h.model, 3));
        QCOMPARE(allIds(h.model), (QList<qint64>{2, 7, 12}));

        QSignalSpy inserted(&h.model, &QAbstractItemModel::rowsInserted);
        QVERIFY(session.end(11, 503));
        QVERIFY(pollUntil(h.model, 4));
        QCOMPARE(allIds(h.model), (QList<qint64>{2, 7, 11, 12}));
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(inserted.at(0).at(1).toInt(), 2);
        QCOMPARE(inserted.at(0).at(2).toInt(), 2);

        // One that ends without matching never shows.
        session.begin(13, "late.test");
        QVERIFY(session.record(14, 14)); // 301
        pollSeveral(h.model);
        QVERIFY(session.end(13, 200));
        pollSeveral(h.model);
        QCOMPARE(allIds(h.model), (QList<qint64>{2, 7, 11, 12}));
        QCOMPARE(h.model.totalCount(), 14);
    }

    // Applying a filter while an exchange is in flight: the reload notes it
    // and polls add it when it matches.
    void filterAppliedWhileRowIsOpen() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("open-filter.spyglass"));
        SessionFixture session(path);
        QVERIFY(session.record(1, 4));
        session.begin(5, "slow.test");
        QVERIFY(session.record(6, 6));
        Harness h;
        QVERIFY(openAndWait(h.model, path));
        QCOMPARE(h.model.rowCount(), 6);
        QSignalSpy reset(&h.model, &QAbstractItemModel::modelReset);
        QCOMPARE(h.model.setFilter(QStringLiteral("host:slow status:5xx")), QString());
        QTRY_COMPARE(reset.count(), 1);
        QCOMPARE(h.model.rowCount(), 0);
        QVERIFY(session.end(5, 502));
        QVERIFY(pollUntil(h.model, 1));
        QCOMPARE(h.model.idAt(0), 5);
    }

    // The decision for the opposite case: a row that matched while in
    // flight stays listed when it stops matching, until the filter is
    // applied again (as Charles and mitmproxy do).
    void rowThatStopsMatchingStaysUntilReapplied() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("stop.spyglass"));
        SessionFixture session(path);
        QVERIFY(session.record(1, 3));
        Harness h;
        QVERIFY(openAndWait(h.model, path));
        QSignalSpy reset(&h.model, &QAbstractItemModel::modelReset);
        QCOMPARE(h.model.setFilter(QStringLiteral("status:0")), QString());
        QTRY_COMPARE(reset.count(), 1);
        QCOMPARE(h.model.rowCount(), 0);
        session.begin(4, "slow.test");
        QVERIFY(pollUntil(h.model, 1));
        QVERIFY(session.end(4, 200));
        pollSeveral(h.model);
        QCOMPARE(allIds(h.model), (QList<qint64>{4}));
        QCOMPARE(h.model.setFilter(QString()), QString());
        QTRY_COMPARE(reset.count(), 2);
        QCOMPARE(h.model.setFilter(QStringLiteral("status:0")), QString());
        QTRY_COMPARE(reset.count(), 3);
        QCOMPARE(h.model.rowCount(), 0);
    }

    // Live rows in a list sorted by another column land where a fresh sort
    // puts them, one insert per contiguous run.
    void liveRowsLandAtTheirPlaceInOtherSorts() {
        using core::store::ListColumn;
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("sorted-live.spyglass"));
        SessionFixture session(path);
        QVERIFY(session.record(1, 30));
        Harness h;
        QVERIFY(openAndWait(h.model, path));
        QSignalSpy layout(&h.model, &QAbstractItemModel::layoutChanged);
        h.model.sort(kHost, Qt::AscendingOrder);
        QTRY_COMPARE(layout.count(), 1);
        const QPersistentModelIndex tracked = h.model.index(h.model.rowOfId(16), 0);

        QSignalSpy inserted(&h.model, &QAbstractItemModel::rowsInserted);
        QVERIFY(session.record(31, 39)); // three new rows for each of the three hosts
        QVERIFY(pollUntil(h.model, 39));
        QCOMPARE(allIds(h.model), freshOrder(path, ListColumn::Host, false));
        QCOMPARE(inserted.count(), 3); // each host's new rows follow its old ones
        QCOMPARE(h.model.idAt(tracked.row()), 16);

        // Descending status: many ties, broken by id (descending too).
        h.model.sort(kStatus, Qt::DescendingOrder);
        QTRY_COMPARE(layout.count(), 2);
        QVERIFY(session.record(40, 52));
        QVERIFY(pollUntil(h.model, 52));
        QCOMPARE(allIds(h.model), freshOrder(path, ListColumn::StatusCode, true));

        // Duration: an exchange in flight has none yet and sorts first, as
        // in SQL.
        h.model.sort(kDuration, Qt::AscendingOrder);
        QTRY_COMPARE(layout.count(), 3);
        session.begin(53, "open.test");
        QVERIFY(pollUntil(h.model, 53));
        QCOMPARE(h.model.idAt(0), 53);
        QCOMPARE(allIds(h.model), freshOrder(path, ListColumn::Duration, false));
    }

    // A batch scattered over many places (here 40 hosts) arrives as one
    // insert at the end, then one layout change (same row count) moves the
    // rows to their places: inserting run by run costs the view a pass over
    // every row per run. Same order as a fresh sort; persistent rows follow.
    void scatteredLiveBatchIsOneLayoutChange() {
        using core::store::ListColumn;
        const auto manyHosts = [](core::store::testing::SyntheticExchange& e) {
            SessionFixture::defaultShape(e);
            e.host = "host" + QByteArray::number(static_cast<qint64>(e.id) % 40) + ".test";
        };
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("scattered.spyglass"));
        SessionFixture session(path);
        QVERIFY(session.record(1, 80, manyHosts));
        Harness h;
        QVERIFY(openAndWait(h.model, path));
        QSignalSpy layout(&h.model, &QAbstractItemModel::layoutChanged);
        h.model.sort(kHost, Qt::AscendingOrder);
        QTRY_COMPARE(layout.count(), 1);
        const QPersistentModelIndex first = h.model.index(0, kHost); // host0: 40, 80
        const QPersistentModelIndex tracked = h.model.index(h.model.rowOfId(57), kStatus);
        const QPersistentModelIndex last = h.model.index(79, 0);
        const qint64 lastId = h.model.idAt(79);

        QSignalSpy inserted(&h.model, &QAbstractItemModel::rowsInserted);
        QVERIFY(session.record(81, 120, manyHosts)); // one new row per host
        QVERIFY(pollUntil(h.model, 120));
        QCOMPARE(allIds(h.model), freshOrder(path, ListColumn::Host, false));
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(inserted.at(0).at(1).toInt(), 80);
        QCOMPARE(inserted.at(0).at(2).toInt(), 119);
        QCOMPARE(layout.count(), 2);
        QCOMPARE(first.row(), 0); // host0.test's first row: nothing went above it
        QCOMPARE(h.model.idAt(tracked.row()), 57);
        QCOMPARE(tracked.column(), kStatus);
        QCOMPARE(h.model.idAt(last.row()), lastId);
        // host9.test sorts last: its new row 89 went after its old ones.
        QCOMPARE(last.row(), 118);
        QCOMPARE(h.model.idAt(119), 89);
    }

    void totalCountsTheWholeSession() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("total.spyglass"));
        SessionFixture session(path);
        QVERIFY(session.record(1, 20));
        Harness h;
        QSignalSpy total(&h.model, &ExchangeListModel::totalChanged);
        QVERIFY(openAndWait(h.model, path));
        QCOMPARE(h.model.totalCount(), 20);
        QVERIFY(!h.model.isFiltered());
        QSignalSpy reset(&h.model, &QAbstractItemModel::modelReset);
        QCOMPARE(h.model.setFilter(QStringLiteral("status:5xx")), QString());
        QTRY_COMPARE(reset.count(), 1);
        QVERIFY(h.model.isFiltered());
        QCOMPARE(h.model.rowCount(), 4);
        QCOMPARE(h.model.totalCount(), 20);
        QVERIFY(session.record(21, 25));
        QVERIFY(pollUntil(h.model, 5)); // 22
        QCOMPARE(h.model.totalCount(), 25);
        QCOMPARE(total.constLast().at(0).toLongLong(), 25);
        h.model.closeSession();
        QCOMPARE(h.model.totalCount(), 0);
    }

    void sortRunsInSqlAndKeepsPersistentRows() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("sort.spyglass"));
        SessionFixture session(path);
        QVERIFY(session.record(1, 400));
        session.stop();
        Harness h;
        QVERIFY(openAndWait(h.model, path));
        const QPersistentModelIndex tracked = h.model.index(h.model.rowOfId(123), kHost);

        QSignalSpy busy(&h.model, &ExchangeListModel::busyChanged);
        QSignalSpy layout(&h.model, &QAbstractItemModel::layoutChanged);
        h.model.sort(kDuration, Qt::DescendingOrder);
        QTRY_COMPARE(layout.count(), 1);
        QCOMPARE(busy.count(), 2);
        QCOMPARE(busy.at(0).at(0).toBool(), true);
        QCOMPARE(busy.at(1).at(0).toBool(), false);
        QCOMPARE(h.model.rowCount(), 400);
        QVERIFY(tracked.isValid());
        QCOMPARE(h.model.idAt(tracked.row()), 123);

        QVERIFY(loadRows(h.model, 0, 399));
        qint64 previous = std::numeric_limits<qint64>::max();
        for (int r = 0; r < 400; ++r) {
            const qint64 duration = h.model.loadedRow(r)->durationUs;
            QVERIFY(duration <= previous);
            previous = duration;
        }
        // Host, ascending: an indexed sort, ties in id order.
        h.model.sort(kHost, Qt::AscendingOrder);
        QTRY_COMPARE(layout.count(), 2);
        QVERIFY(loadRows(h.model, 0, 399));
        for (int r = 1; r < 400; ++r) {
            const auto* a = h.model.loadedRow(r - 1);
            const auto* b = h.model.loadedRow(r);
            QVERIFY(a->host < b->host || (a->host == b->host && a->id < b->id));
        }
        QCOMPARE(h.model.idAt(tracked.row()), 123);
    }

    void newestFirstInsertsLiveRowsOnTop() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("desc.spyglass"));
        SessionFixture session(path);
        QVERIFY(session.record(1, 20));
        Harness h;
        QVERIFY(openAndWait(h.model, path));
        QSignalSpy layout(&h.model, &QAbstractItemModel::layoutChanged);
        h.model.sort(0, Qt::DescendingOrder);
        QTRY_COMPARE(layout.count(), 1);
        QCOMPARE(h.model.idAt(0), 20);
        QSignalSpy inserted(&h.model, &QAbstractItemModel::rowsInserted);
        QVERIFY(session.record(21, 25));
        QVERIFY(pollUntil(h.model, 25));
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(inserted.at(0).at(1).toInt(), 0);
        QCOMPARE(allIds(h.model).mid(0, 6), (QList<qint64>{25, 24, 23, 22, 21, 20}));
    }

    void reopenReplacesTheSession() {
        QTemporaryDir dir;
        const QString a = dir.filePath(QStringLiteral("a.spyglass"));
        const QString b = dir.filePath(QStringLiteral("b.spyglass"));
        {
            SessionFixture s(a);
            QVERIFY(s.record(1, 30));
            s.stop();
        }
        {
            SessionFixture s(b);
            QVERIFY(s.record(1, 7, [](auto& e) {
                SessionFixture::defaultShape(e);
                e.host = "b.test";
            }));
            s.stop();
        }
        Harness h;
        QSignalSpy hosts(&h.model, &ExchangeListModel::hostsChanged);
        QVERIFY(openAndWait(h.model, a));
        QCOMPARE(h.model.rowCount(), 30);
        QVERIFY(loadRows(h.model, 0, 29));
        QVERIFY(openAndWait(h.model, b));
        QCOMPARE(h.model.rowCount(), 7);
        QCOMPARE(h.model.sessionPath(), b);
        // Cells are of the new file, not cached from the old one.
        QVERIFY(loadRows(h.model, 0, 6));
        QCOMPARE(h.model.index(0, kHost).data().toString(), QStringLiteral("b.test"));
        const auto lastHosts = hosts.constLast().at(0).value<QList<core::store::HostCount>>();
        QCOMPARE(lastHosts.size(), 1);
        QCOMPARE(lastHosts.at(0).exchanges, 7);
        QVERIFY(openAndWait(h.model, a));
        QCOMPARE(h.model.rowCount(), 30);
        h.model.closeSession();
        QCOMPARE(h.model.rowCount(), 0);
    }

    void curlAndHarExport() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("x.spyglass"));
        SessionFixture session(path);
        QVERIFY(session.record(1, 50));
        session.stop();
        Harness h;
        QVERIFY(openAndWait(h.model, path));
        QSignalSpy curl(&h.model, &ExchangeListModel::curlReady);
        h.model.requestCurl(8);
        QVERIFY(curl.wait(5000));
        QCOMPARE(curl.at(0).at(0).toLongLong(), 8);
        const QString command = curl.at(0).at(1).toString();
        QVERIFY2(command.startsWith(QStringLiteral("curl ")), qPrintable(command));
        QVERIFY(command.contains(QStringLiteral("http://h2.test/n/8")));

        QSignalSpy har(&h.model, &ExchangeListModel::harExported);
        const QString out = dir.filePath(QStringLiteral("sel.har"));
        h.model.exportHar({3, 4, 5, 9, 40}, out);
        QVERIFY(har.wait(5000));
        QCOMPARE(har.at(0).at(2).toString(), QString());
        QCOMPARE(har.at(0).at(1).toLongLong(), 5);
        QFile file(out);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray json = file.readAll();
        QVERIFY(json.contains("http://h0.test/n/9"));
        QVERIFY(!json.contains("http://h0.test/n/6\""));
    }
};

QTEST_MAIN(TestExchangeListModel)
#include "tst_ExchangeListModel.moc"
