// ExchangeListView: context-menu actions, current exchange, header state,
// follow newest, over a real session file.
#include "SessionFixture.h"
#include "ui/list/ExchangeListModel.h"
#include "ui/list/ExchangeListView.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QHeaderView>
#include <QScrollBar>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace spyglass;
using namespace spyglass::ui;
using spyglass::ui::testing::SessionFixture;

class TestExchangeListView : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<SessionFixture> m_session;
    QString m_path;

private Q_SLOTS:
    void initTestCase() {
        m_path = m_dir.filePath(QStringLiteral("v.spyglass"));
        m_session = std::make_unique<SessionFixture>(m_path);
        QVERIFY(m_session->record(1, 500));
    }

    void actionsActOnTheCurrentRow() {
        ExchangeListModel model;
        model.setPollInterval(0);
        ExchangeListView view;
        view.setExchangeModel(&model);
        view.resize(900, 400);
        view.show();
        QSignalSpy opened(&model, &ExchangeListModel::sessionOpened);
        model.openSession(m_path);
        QVERIFY(opened.wait(5000));
        QCOMPARE(view.objectName(), QStringLiteral("exchangeList"));
        QCOMPARE(view.verticalHeader()->sectionResizeMode(0), QHeaderView::Fixed);

        QSignalSpy current(&view, &ExchangeListView::currentExchangeChanged);
        view.setCurrentIndex(model.index(4, 0));
        QCOMPARE(current.constLast().at(0).toLongLong(), 5);
        QCOMPARE(view.currentExchangeId(), 5);
        QTRY_VERIFY(model.index(4, 0).data(ExchangeListModel::LoadedRole).toBool());

        view.selectionModel()->select(model.index(4, 0), QItemSelectionModel::ClearAndSelect |
                                                             QItemSelectionModel::Rows);
        view.copyUrlAction()->trigger();
        QCOMPARE(QApplication::clipboard()->text(), QStringLiteral("http://h2.test/n/5"));

        view.copyCurlAction()->trigger();
        QTRY_VERIFY(QApplication::clipboard()->text().startsWith(QStringLiteral("curl ")));
        QVERIFY(QApplication::clipboard()->text().contains(QStringLiteral("h2.test/n/5")));

        QSignalSpy intercept(&view, &ExchangeListView::interceptHostRequested);
        QSignalSpy show(&view, &ExchangeListView::showHostRequested);
        QSignalSpy har(&view, &ExchangeListView::exportHarRequested);
        view.interceptHostAction()->trigger();
        view.showInHostListAction()->trigger();
        QCOMPARE(intercept.constLast().at(0).toByteArray(), QByteArray("h2.test"));
        QCOMPARE(show.constLast().at(0).toByteArray(), QByteArray("h2.test"));
        view.selectionModel()->select(QItemSelection(model.index(10, 0), model.index(12, 0)),
                                      QItemSelectionModel::Select | QItemSelectionModel::Rows);
        view.exportHarAction()->trigger();
        QCOMPARE(har.constLast().at(0).value<QList<qint64>>(), (QList<qint64>{5, 11, 12, 13}));

        // A filter keeps the current exchange current when it still matches.
        model.setFilter(QStringLiteral("host:h2.test"));
        QTRY_COMPARE(model.rowCount(), 167);
        QCOMPARE(view.currentExchangeId(), 5);
        QCOMPARE(view.currentIndex().row(), 1); // 2, 5, ...
    }

    void headerStateIsRemembered() {
        QTemporaryDir dir;
        const QString ini = dir.filePath(QStringLiteral("h.ini"));
        ExchangeListModel model;
        model.setPollInterval(0);
        {
            QSettings settings(ini, QSettings::IniFormat);
            ExchangeListView view;
            view.setExchangeModel(&model);
            view.setHeaderSettings(&settings, QStringLiteral("list/header"));
            view.header()->setSectionHidden(static_cast<int>(ExchangeColumn::Tls), true);
            view.header()->moveSection(static_cast<int>(ExchangeColumn::Host), 1);
            view.header()->resizeSection(static_cast<int>(ExchangeColumn::Path), 333);
        }
        QSettings settings(ini, QSettings::IniFormat);
        ExchangeListView view;
        view.setExchangeModel(&model);
        view.setHeaderSettings(&settings, QStringLiteral("list/header"));
        QVERIFY(view.header()->isSectionHidden(static_cast<int>(ExchangeColumn::Tls)));
        QCOMPARE(view.header()->visualIndex(static_cast<int>(ExchangeColumn::Host)), 1);
        QCOMPARE(view.header()->sectionSize(static_cast<int>(ExchangeColumn::Path)), 333);
    }

    void followNewestScrollsToLiveRows() {
        ExchangeListModel model;
        model.setPollInterval(0);
        ExchangeListView view;
        view.setExchangeModel(&model);
        view.resize(900, 300);
        view.show();
        QSignalSpy opened(&model, &ExchangeListModel::sessionOpened);
        model.openSession(m_path);
        QVERIFY(opened.wait(5000));
        view.scrollToTop();
        QVERIFY(view.followsNewest());
        QVERIFY(m_session->record(501, 520));
        for (int i = 0; i < 200 && model.rowCount() < 520; ++i) {
            model.pollNow();
            QTest::qWait(10);
        }
        QCOMPARE(model.rowCount(), 520);
        QTRY_COMPARE(view.verticalScrollBar()->value(), view.verticalScrollBar()->maximum());
        QVERIFY(view.verticalScrollBar()->maximum() > 0);

        view.setFollowNewest(false);
        view.scrollToTop();
        QVERIFY(m_session->record(521, 530));
        for (int i = 0; i < 200 && model.rowCount() < 530; ++i) {
            model.pollNow();
            QTest::qWait(10);
        }
        QCOMPARE(model.rowCount(), 530);
        QCOMPARE(view.verticalScrollBar()->value(), 0);

        // Sorted by host, live rows land in the middle: following leaves
        // the view where it is (nothing arrived at the edge it follows).
        view.setFollowNewest(true);
        QSignalSpy layout(&model, &QAbstractItemModel::layoutChanged);
        view.header()->setSortIndicator(static_cast<int>(ExchangeColumn::Host), Qt::AscendingOrder);
        QTRY_COMPARE(layout.count(), 1);
        view.scrollToTop();
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QVERIFY(m_session->record(531, 532)); // h0.test and h1.test: not the last host
        for (int i = 0; i < 200 && model.rowCount() < 532; ++i) {
            model.pollNow();
            QTest::qWait(10);
        }
        QCOMPARE(model.rowCount(), 532);
        QCOMPARE(inserted.count(), 2);
        for (const auto& args : inserted)
            QVERIFY(args.at(2).toInt() < model.rowCount() - 1);
        QTest::qWait(50);
        QCOMPARE(view.verticalScrollBar()->value(), 0);
    }
};

QTEST_MAIN(TestExchangeListView)
#include "tst_ExchangeListView.moc"
