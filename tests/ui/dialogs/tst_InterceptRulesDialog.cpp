// The intercept rules dialog: pattern validation as typed, the tester, and
// the passthrough list of a real running proxy (filled by a real curl that
// rejects our certificate) with Clear.
#include "app/common/InterceptSetup.h"
#include "app/common/ProxyThread.h"
#include "app/gui/ProxyService.h"
#include "ui/dialogs/InterceptRulesDialog.h"

#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QProcess>
#include <QPushButton>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace spyglass;
using core::proxy::InterceptRules;

namespace {

template <typename T> T* child(QWidget& parent, const char* name) {
    auto* widget = parent.findChild<T*>(QString::fromLatin1(name));
    if (!widget)
        qFatal("no child %s", name);
    return widget;
}

QStringList listTexts(QListWidget* list) {
    QStringList texts;
    for (int i = 0; i < list->count(); ++i)
        texts << list->item(i)->text();
    return texts;
}

} // namespace

class TestInterceptRulesDialog : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_caDir;
    std::unique_ptr<app::ProxyThread> m_proxy;
    std::unique_ptr<app::ProxyService> m_service;

private Q_SLOTS:
    void init() {
        QVERIFY(m_caDir.isValid());
        core::proxy::ProxyConfig config;
        config.listenPort = 0;
        config.allowAnyConnectPort = true;
        QString error;
        QVERIFY(config.intercept.rules.addInclude(QStringLiteral("localhost"), &error));
        const auto setup = app::InterceptSetup::prepare(m_caDir.path(), &error);
        QVERIFY2(setup, qPrintable(error));
        m_proxy = std::make_unique<app::ProxyThread>(config);
        m_proxy->setLeafCache(setup->leaves);
        QVERIFY2(m_proxy->start(&error), qPrintable(error));
        m_service = std::make_unique<app::ProxyService>(*m_proxy);
    }
    void cleanup() {
        m_service.reset();
        m_proxy.reset();
    }

    void invalidPatternIsRefusedWithReason() {
        ui::InterceptRulesDialog dialog(InterceptRules{}, *m_service);
        auto* input = child<QLineEdit>(dialog, "includeInput");
        auto* list = child<QListWidget>(dialog, "includeList");
        auto* error = child<QLabel>(dialog, "includeError");
        input->setText(QStringLiteral("*.com.*"));
        QTest::mouseClick(child<QPushButton>(dialog, "includeAdd"), Qt::LeftButton);
        QCOMPARE(list->count(), 0);
        QVERIFY(!error->isHidden());
        QVERIFY2(error->text().contains(QStringLiteral("*.com.*")), qPrintable(error->text()));
        QCOMPARE(input->text(), QStringLiteral("*.com.*")); // kept, to fix

        input->setText(QStringLiteral("*.Example.COM."));
        QTest::mouseClick(child<QPushButton>(dialog, "includeAdd"), Qt::LeftButton);
        QCOMPARE(listTexts(list), QStringList{QStringLiteral("*.example.com")});
        QVERIFY(error->isHidden());
        QCOMPARE(dialog.rules().includes(), QStringList{QStringLiteral("*.example.com")});
    }

    void editingToAnInvalidPatternRestoresTheOldOne() {
        InterceptRules rules;
        QString error;
        QVERIFY(rules.addExclude(QStringLiteral("login.example.com"), &error));
        ui::InterceptRulesDialog dialog(rules, *m_service);
        auto* list = child<QListWidget>(dialog, "excludeList");
        QCOMPARE(list->count(), 1);
        list->item(0)->setText(QStringLiteral("bad host!"));
        QCOMPARE(list->item(0)->text(), QStringLiteral("login.example.com"));
        QVERIFY(!child<QLabel>(dialog, "excludeError")->isHidden());
        list->item(0)->setText(QStringLiteral("Auth.Example.com:8443"));
        QCOMPARE(dialog.rules().excludes(), QStringList{QStringLiteral("auth.example.com:8443")});
    }

    void testerSaysWhichRuleDecides_data() {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("expected");
        QTest::newRow("include") << QStringLiteral("api.example.com:443")
                                 << QStringLiteral("api.example.com:443 → intercepted by "
                                                   "*.example.com");
        QTest::newRow("exclude wins")
            << QStringLiteral("login.example.com:443")
            << QStringLiteral("login.example.com:443 → excluded by login.example.com");
        QTest::newRow("no rule") << QStringLiteral("example.org:443")
                                 << QStringLiteral("example.org:443 → no intercept rule matches");
        QTest::newRow("bare host means 443")
            << QStringLiteral("www.example.com")
            << QStringLiteral("www.example.com → intercepted by *.example.com");
        QTest::newRow("bad port") << QStringLiteral("example.com:99999")
                                  << QStringLiteral("\"99999\" is not a valid port");
    }
    void testerSaysWhichRuleDecides() {
        QFETCH(QString, input);
        QFETCH(QString, expected);
        InterceptRules rules;
        QString error;
        QVERIFY(rules.addInclude(QStringLiteral("*.example.com"), &error));
        QVERIFY(rules.addExclude(QStringLiteral("login.example.com"), &error));
        ui::InterceptRulesDialog dialog(rules, *m_service);
        child<QLineEdit>(dialog, "testerInput")->setText(input);
        QCOMPARE(child<QLabel>(dialog, "testerResult")->text(), expected);
    }

    void testerFollowsUnsavedEdits() {
        ui::InterceptRulesDialog dialog(InterceptRules{}, *m_service);
        child<QLineEdit>(dialog, "testerInput")->setText(QStringLiteral("shop.test:443"));
        QVERIFY(child<QLabel>(dialog, "testerResult")
                    ->text()
                    .endsWith(QStringLiteral("no intercept rule matches")));
        child<QLineEdit>(dialog, "includeInput")->setText(QStringLiteral("shop.test"));
        QTest::mouseClick(child<QPushButton>(dialog, "includeAdd"), Qt::LeftButton);
        QCOMPARE(child<QLabel>(dialog, "testerResult")->text(),
                 QStringLiteral("shop.test:443 → intercepted by shop.test"));
    }

    // curl without our CA aborts the handshake: the proxy passes the host
    // through, the dialog lists it, Clear empties the proxy's list.
    void passthroughListAndClear() {
        QTcpServer origin; // accepts the upstream leg; the client leg fails first
        QVERIFY(origin.listen(QHostAddress::LocalHost));
        QProcess curl;
        curl.start(QStringLiteral("curl"),
                   {QStringLiteral("-sS"), QStringLiteral("--max-time"), QStringLiteral("20"),
                    QStringLiteral("-x"), QStringLiteral("http://") + m_proxy->listenAddress(),
                    QStringLiteral("https://localhost:%1/").arg(origin.serverPort())});
        QVERIFY(curl.waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT(curl.state() == QProcess::NotRunning, 30000);
        QVERIFY(curl.exitCode() != 0); // certificate problem, as it should
        QTRY_COMPARE_WITH_TIMEOUT(m_service->passthroughHosts().size(), 1, 10000);

        ui::InterceptRulesDialog dialog(m_proxy->config().intercept.rules, *m_service);
        auto* list = child<QListWidget>(dialog, "passthroughList");
        QCOMPARE(list->count(), 1);
        QVERIFY2(list->item(0)->text().startsWith(QStringLiteral("localhost")),
                 qPrintable(list->item(0)->text()));
        QTest::mouseClick(child<QPushButton>(dialog, "clearPassthroughButton"), Qt::LeftButton);
        QCOMPARE(m_service->passthroughHosts().size(), 0);
        QCOMPARE(listTexts(list), QStringList{QStringLiteral("(none)")});
    }
};

QTEST_MAIN(TestInterceptRulesDialog)
#include "tst_InterceptRulesDialog.moc"
