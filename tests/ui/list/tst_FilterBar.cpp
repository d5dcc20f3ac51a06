// FilterBar: inline syntax errors, history kept in QSettings, Ctrl+F.
#include "SessionFixture.h"
#include "ui/list/ExchangeListModel.h"
#include "ui/list/FilterBar.h"

#include <QLabel>
#include <QLineEdit>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QVBoxLayout>

using namespace spyglass;
using namespace spyglass::ui;
using spyglass::ui::testing::SessionFixture;

class TestFilterBar : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void syntaxErrorsShowInlineAndKeepTheList() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("f.spyglass"));
        SessionFixture session(path);
        QVERIFY(session.record(1, 40));
        session.stop();
        ExchangeListModel model;
        model.setPollInterval(0);
        QSignalSpy opened(&model, &ExchangeListModel::sessionOpened);
        model.openSession(path);
        QVERIFY(opened.wait(5000));

        FilterBar bar;
        bar.setExchangeModel(&model);
        bar.show();
        auto* field = bar.findChild<QLineEdit*>(QStringLiteral("filterField"));
        auto* error = bar.findChild<QLabel*>(QStringLiteral("filterError"));
        QVERIFY(field && error);
        QVERIFY(error->isHidden());

        QTest::keyClicks(field, QStringLiteral("status:abc"));
        QTest::keyClick(field, Qt::Key_Return);
        QVERIFY(error->isVisible());
        QVERIFY2(error->text().contains(QStringLiteral("column 1")), qPrintable(error->text()));
        QVERIFY(error->text().contains(QStringLiteral("abc")));
        QCOMPARE(model.rowCount(), 40);
        QVERIFY(bar.history().isEmpty()); // errors are not remembered

        field->clear();
        QTest::keyClicks(field, QStringLiteral("status:404"));
        QTest::keyClick(field, Qt::Key_Return);
        QVERIFY(error->isHidden());
        QTRY_COMPARE(model.rowCount(), 8); // n % 5 == 1
        QCOMPARE(bar.history(), QStringList{QStringLiteral("status:404")});

        // Typing applies after a pause, without Return (and is not remembered).
        field->clear();
        QTest::keyClicks(field, QStringLiteral("(a or"));
        QTRY_VERIFY(error->isVisible());
        QVERIFY(error->text().contains(QStringLiteral("needs a condition")) ||
                error->text().contains(QStringLiteral("missing")));
        QCOMPARE(bar.history().size(), 1);
    }

    void historyIsRememberedInSettings() {
        QTemporaryDir dir;
        const QString ini = dir.filePath(QStringLiteral("s.ini"));
        {
            QSettings settings(ini, QSettings::IniFormat);
            FilterBar bar;
            bar.setHistorySettings(&settings, QStringLiteral("list/filterHistory"));
            for (const char* expr : {"host:a", "status:5xx", "host:a"}) {
                bar.field()->setText(QString::fromLatin1(expr));
                QTest::keyClick(bar.field(), Qt::Key_Return);
            }
            QCOMPARE(bar.history(),
                     (QStringList{QStringLiteral("host:a"), QStringLiteral("status:5xx")}));
        }
        QSettings settings(ini, QSettings::IniFormat);
        FilterBar again;
        again.setHistorySettings(&settings, QStringLiteral("list/filterHistory"));
        QCOMPARE(again.history(),
                 (QStringList{QStringLiteral("host:a"), QStringLiteral("status:5xx")}));
    }

    void ctrlFFocusesTheField() {
        QWidget window;
        auto* layout = new QVBoxLayout(&window);
        auto* other = new QLineEdit(&window);
        auto* bar = new FilterBar(&window);
        layout->addWidget(other);
        layout->addWidget(bar);
        window.show();
        QVERIFY(QTest::qWaitForWindowActive(&window));
        other->setFocus();
        QVERIFY(!bar->field()->hasFocus());
        QTest::keySequence(&window, QKeySequence::Find);
        QTRY_VERIFY(bar->field()->hasFocus());
    }
};

QTEST_MAIN(TestFilterBar)
#include "tst_FilterBar.moc"
