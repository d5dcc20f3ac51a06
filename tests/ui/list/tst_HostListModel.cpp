// HostListModel: merging live host lists, statuses, and the host list view
// filtering a real exchange list.
#include "SessionFixture.h"
#include "ui/list/ExchangeListModel.h"
#include "ui/list/HostListModel.h"
#include "ui/list/HostListView.h"
#include "ui/list/HostStatusDecision.h"

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

    // The status from the rules applied to the ports a host was reached on.
    void statusFromThePortsSeen() {
        core::proxy::InterceptRules rules;
        QString error;
        QVERIFY2(rules.addInclude(QStringLiteral("api.example.com:8443"), &error),
                 qPrintable(error));
        HostPorts ports;
        ports.add({{"api.example.com", 443, false},
                   {"api.example.com", 8443, false},
                   {"plain.test", 80, true},
                   {"both.test", 80, true},
                   {"both.test", 8443, false}});
        const auto decide = [&](const QByteArray& host, bool passed = false) {
            return decideHostStatus(host, ports.of(host), rules, passed);
        };
        const HostStatusDecision api = decide("api.example.com");
        QCOMPARE(api.status, HostStatus::PartlyIntercepted);
        QCOMPARE(api.interceptedPorts, (QList<quint16>{8443}));
        QCOMPARE(HostListModel::statusText(api.status, api.interceptedPorts),
                 QStringLiteral("intercepted (8443)"));
        QCOMPARE(decide("plain.test").status, HostStatus::PlainHttp);
        // Plain HTTP as well as CONNECT: the CONNECT ports decide.
        QCOMPARE(decide("both.test").status, HostStatus::Tunneled);
        QCOMPARE(decide("api.example.com", true).status, HostStatus::PassedThrough);
        // Nothing seen yet: port 443 stands in.
        QCOMPARE(decide("unseen.test").status, HostStatus::Tunneled);
        QVERIFY(rules.addInclude(QStringLiteral("api.example.com"), &error));
        QCOMPARE(decide("api.example.com").status, HostStatus::Intercepted);
        QVERIFY(rules.addInclude(QStringLiteral("*.test"), &error));
        QCOMPARE(decide("unseen.test").status, HostStatus::Intercepted);
        QCOMPARE(decide("both.test").status, HostStatus::Intercepted);

        // The list shows the partial status with its ports.
        HostListModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setHosts({{"api.example.com", 2}});
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.setHostStatus("api.example.com", HostStatus::PartlyIntercepted, {8443, 9443});
        QCOMPARE(model.index(1, HostListModel::StatusColumn).data().toString(),
                 QStringLiteral("intercepted (8443, 9443)"));
        model.setHostStatus("api.example.com", HostStatus::PartlyIntercepted, {8443, 9443});
        QCOMPARE(changed.count(), 1); // the same again changes nothing
        model.setHostStatus("api.example.com", HostStatus::PartlyIntercepted, {8443});
        QCOMPARE(changed.count(), 2);
    }

    // The model reads the ports each host was reached on: on open, and as
    // rows arrive.
    void exchangeModelCollectsHostPorts() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("ports.spyglass"));
        SessionFixture session(path);
        QVERIFY(session.record(1, 3, [](auto& e) {
            SessionFixture::defaultShape(e);
            e.host = "tls.test";
            e.mode = core::record::Mode::Tunnel;
            e.port = static_cast<quint16>(8440 + e.id);
        }));
        ExchangeListModel exchanges;
        exchanges.setPollInterval(0);
        QSignalSpy portsChanged(&exchanges, &ExchangeListModel::hostPortsChanged);
        exchanges.openSession(path);
        QTRY_COMPARE(exchanges.hostPorts().of("tls.test").tlsPorts,
                     (QList<quint16>{8441, 8442, 8443}));
        QVERIFY(!exchanges.hostPorts().of("tls.test").plainHttp);
        QVERIFY(session.record(4, 4, [](auto& e) {
            SessionFixture::defaultShape(e);
            e.host = "tls.test"; // plain HTTP on port 80
        }));
        for (int i = 0; i < 200 && !exchanges.hostPorts().of("tls.test").plainHttp; ++i) {
            exchanges.pollNow();
            QTest::qWait(10);
        }
        QVERIFY(exchanges.hostPorts().of("tls.test").plainHttp);
        QVERIFY(!portsChanged.isEmpty());
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
