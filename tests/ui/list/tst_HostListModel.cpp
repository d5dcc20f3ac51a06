// HostListModel: merging live host lists, statuses, and the host list view
// filtering a real exchange list.
#include "SessionFixture.h"
#include "ui/list/ExchangeListModel.h"
#include "ui/list/HostListModel.h"
#include "ui/list/HostListView.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace spyglass;
using namespace spyglass::ui;
using core::store::HostCount;
using spyglass::ui::testing::SessionFixture;

class TestHostListModel : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void mergesInsertsRemovalsAndCounts() {
        HostListModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model.rowCount(), 1); // All hosts
        QCOMPARE(model.index(0, 0).data().toString(), QStringLiteral("All hosts"));
        model.setHosts({{"b.test", 2}, {"d.test", 1}});
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.index(0, HostListModel::CountColumn).data().toLongLong(), 3);

        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.setHosts({{"a.test", 1}, {"b.test", 5}, {"c.test", 1}});
        QCOMPARE(inserted.count(), 2);
        QCOMPARE(removed.count(), 1);
        QVERIFY(changed.count() >= 2); // b's count and the total
        QCOMPARE(model.hostAt(1), QByteArray("a.test"));
        QCOMPARE(model.hostAt(2), QByteArray("b.test"));
        QCOMPARE(model.hostAt(3), QByteArray("c.test"));
        QCOMPARE(model.index(2, HostListModel::CountColumn).data().toLongLong(), 5);
        QCOMPARE(model.index(0, HostListModel::CountColumn).data().toLongLong(), 7);
        QCOMPARE(model.rowOfHost("c.test"), 3);
        QCOMPARE(model.rowOfHost("zz.test"), -1);
        QCOMPARE(model.rowOfHost({}), 0);
    }

    void statusComesFromTheApp() {
        HostListModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        // Set before the host is seen: kept for when it appears.
        model.setHostStatus("late.test", HostStatus::PassedThrough);
        model.setHosts({{"a.test", 1}, {"late.test", 1}});
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.setHostStatus("a.test", HostStatus::Intercepted);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(model.index(1, HostListModel::StatusColumn).data().toString(),
                 QStringLiteral("intercepted"));
        QVERIFY(model.index(2, HostListModel::StatusColumn)
                    .data()
                    .toString()
                    .startsWith(QStringLiteral("passed through")));
        QCOMPARE(model.hostStatus("a.test"), HostStatus::Intercepted);
        QCOMPARE(model.index(2, 0).data(HostListModel::StatusRole).toInt(),
                 static_cast<int>(HostStatus::PassedThrough));
    }

    // The view fed by a live exchange list: counts follow new rows, and
    // selecting a host filters the exchanges.
    void selectingAHostFiltersTheExchangeList() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("h.spyglass"));
        SessionFixture session(path);
        QVERIFY(session.record(1, 30));
        ExchangeListModel exchanges;
        QAbstractItemModelTester tester(&exchanges,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        exchanges.setPollInterval(50);
        HostListView view;
        QAbstractItemModelTester hostTester(view.hostModel(),
                                            QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(view.objectName(), QStringLiteral("hostList"));
        view.setExchangeModel(&exchanges);
        exchanges.openSession(path);
        QTRY_COMPARE(view.hostModel()->rowCount(), 4);
        QCOMPARE(view.hostModel()->index(2, HostListModel::CountColumn).data().toLongLong(), 10);

        QSignalSpy selected(&view, &HostListView::hostSelected);
        QVERIFY(view.showHost("h2.test"));
        QCOMPARE(selected.constLast().at(0).toByteArray(), QByteArray("h2.test"));
        QCOMPARE(exchanges.hostFilter(), QByteArray("h2.test"));
        QTRY_COMPARE(exchanges.rowCount(), 10);
        for (int r = 0; r < 10; ++r)
            QCOMPARE(exchanges.idAt(r) % 3, 2);

        // New rows: counts update within the hosts refresh (≤ 1 s + a poll).
        QVERIFY(session.record(31, 36, [](auto& e) {
            SessionFixture::defaultShape(e);
            e.host = "new.test";
        }));
        QTRY_COMPARE_WITH_TIMEOUT(view.hostModel()->rowCount(), 5, 10000);
        QCOMPARE(view.hostModel()->rowOfHost("new.test"), 4);
        QCOMPARE(view.hostModel()->index(0, HostListModel::CountColumn).data().toLongLong(), 36);

        QSignalSpy intercept(&view, &HostListView::interceptHostRequested);
        QSignalSpy pass(&view, &HostListView::passThroughRequested);
        QSignalSpy stop(&view, &HostListView::stopInterceptingRequested);
        view.interceptAction()->trigger();
        view.passThroughAction()->trigger();
        view.stopInterceptingAction()->trigger();
        QCOMPARE(intercept.constLast().at(0).toByteArray(), QByteArray("h2.test"));
        QCOMPARE(pass.constLast().at(0).toByteArray(), QByteArray("h2.test"));
        QCOMPARE(stop.constLast().at(0).toByteArray(), QByteArray("h2.test"));

        // All hosts clears the host filter.
        QVERIFY(view.showHost({}));
        QCOMPARE(exchanges.hostFilter(), QByteArray());
        QTRY_COMPARE(exchanges.rowCount(), 36);
    }
};

QTEST_MAIN(TestHostListModel)
#include "tst_HostListModel.moc"
