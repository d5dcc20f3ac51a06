// The settings dialog and SettingsStore: values typed into the dialog
// survive a round trip through QSettings (a temporary INI file), invalid
// input keeps the dialog open with the reason shown.
#include "ScriptedPrompts.h"
#include "ui/dialogs/SettingsDialog.h"
#include "ui/services/SettingsStore.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>

using namespace spyglass;

namespace {

template <typename T> T* child(QWidget& parent, const char* name) {
    auto* widget = parent.findChild<T*>(QString::fromLatin1(name));
    if (!widget)
        qFatal("no child %s", name);
    return widget;
}

void clickOk(QDialog& dialog) {
    auto* box = child<QDialogButtonBox>(dialog, "buttons");
    QTest::mouseClick(box->button(QDialogButtonBox::Ok), Qt::LeftButton);
}

} // namespace

class TestSettingsDialog : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;

private Q_SLOTS:
    void roundTripThroughQSettings() {
        QVERIFY(m_dir.isValid());
        const QString ini = m_dir.filePath(QStringLiteral("settings.ini"));
        QFile ca(m_dir.filePath(QStringLiteral("extra-ca.pem")));
        QVERIFY(ca.open(QIODevice::WriteOnly));
        ca.close();
        ScriptedPrompts prompts;
        prompts.files << ca.fileName();

        ui::SettingsDialog dialog(core::proxy::ProxyConfig{}, ui::RecordingSettings{}, prompts);
        child<QLineEdit>(dialog, "listenHost")->setText(QStringLiteral("::1"));
        child<QSpinBox>(dialog, "listenPort")->setValue(9090);
        child<QLineEdit>(dialog, "connectPorts")->setText(QStringLiteral("443, 8443 9443"));
        child<QCheckBox>(dialog, "authEnabled")->setChecked(true);
        child<QLineEdit>(dialog, "authUser")->setText(QStringLiteral("alice"));
        child<QLineEdit>(dialog, "authPassword")->setText(QStringLiteral("s3:cret"));
        child<QLineEdit>(dialog, "upstreamProxy")
            ->setText(QStringLiteral("http://bob:pw@proxy.corp.test:3128"));
        QTest::mouseClick(child<QPushButton>(dialog, "addUpstreamCa"), Qt::LeftButton);
        child<QLineEdit>(dialog, "insecureInput")->setText(QStringLiteral("*.dev.test"));
        QTest::mouseClick(child<QPushButton>(dialog, "insecureAdd"), Qt::LeftButton);
        child<QSpinBox>(dialog, "bodyCap")->setValue(512);
        child<QCheckBox>(dialog, "durable")->setChecked(true);
        child<QCheckBox>(dialog, "passthroughOnReject")->setChecked(false);
        clickOk(dialog);
        QCOMPARE(dialog.result(), int(QDialog::Accepted));

        {
            QSettings settings(ini, QSettings::IniFormat);
            ui::SettingsStore store(settings);
            store.saveProxy(dialog.config());
            store.saveRecording(dialog.recording());
        }
        QSettings settings(ini, QSettings::IniFormat);
        ui::SettingsStore store(settings);
        const auto config = store.loadProxy();
        QCOMPARE(config.listenHost, QStringLiteral("::1"));
        QCOMPARE(config.listenPort, quint16(9090));
        QCOMPARE(config.allowedConnectPorts, (std::set<quint16>{443, 8443, 9443}));
        QCOMPARE(config.basicCredentials, QByteArray("alice:s3:cret"));
        QVERIFY(config.upstreamProxy);
        QCOMPARE(config.upstreamProxy->host, QByteArray("proxy.corp.test"));
        QCOMPARE(config.upstreamProxy->port, quint16(3128));
        QCOMPARE(config.upstreamProxy->basicCredentials, QByteArray("bob:pw"));
        QCOMPARE(config.intercept.upstreamCaFiles, QStringList{ca.fileName()});
        QCOMPARE(config.intercept.insecureUpstream.size(), std::size_t{1});
        QCOMPARE(config.intercept.insecureUpstream.front().text(), QStringLiteral("*.dev.test"));
        QVERIFY(!config.intercept.passthroughOnReject);
        const auto recording = store.loadRecording();
        QCOMPARE(recording.bodyCap, qint64{512} * 1024);
        QVERIFY(recording.durable);

        // And back into a dialog: every field shows what was saved.
        ui::SettingsDialog again(config, recording, prompts);
        QCOMPARE(child<QLineEdit>(again, "upstreamProxy")->text(),
                 QStringLiteral("http://bob:pw@proxy.corp.test:3128"));
        QCOMPARE(child<QLineEdit>(again, "authPassword")->text(), QStringLiteral("s3:cret"));
        QCOMPARE(child<QSpinBox>(again, "bodyCap")->value(), 512);
        QString error;
        QVERIFY2(again.validate(&error), qPrintable(error));
        QCOMPARE(again.config().allowedConnectPorts, config.allowedConnectPorts);
    }

    void interceptRulesAndRecentSessionsPersist() {
        const QString ini = m_dir.filePath(QStringLiteral("rules.ini"));
        {
            QSettings settings(ini, QSettings::IniFormat);
            ui::SettingsStore store(settings);
            core::proxy::ProxyConfig config;
            QString error;
            QVERIFY(config.intercept.rules.addInclude(QStringLiteral("*.example.com"), &error));
            QVERIFY(config.intercept.rules.addExclude(QStringLiteral("login.example.com"), &error));
            store.saveProxy(config);
            for (int i = 0; i < ui::SettingsStore::kMaxRecentSessions + 2; ++i)
                store.addRecentSession(QStringLiteral("/tmp/s%1.spyglass").arg(i));
            store.addRecentSession(QStringLiteral("/tmp/s3.spyglass"));
        }
        QSettings settings(ini, QSettings::IniFormat);
        ui::SettingsStore store(settings);
        const auto config = store.loadProxy();
        QCOMPARE(config.intercept.rules.includes(), QStringList{QStringLiteral("*.example.com")});
        QCOMPARE(config.intercept.rules.excludes(),
                 QStringList{QStringLiteral("login.example.com")});
        const QStringList recent = store.recentSessions();
        QCOMPARE(recent.size(), ui::SettingsStore::kMaxRecentSessions);
        QCOMPARE(recent.first(), QStringLiteral("/tmp/s3.spyglass"));
        QCOMPARE(recent.count(QStringLiteral("/tmp/s3.spyglass")), 1);
    }

    void invalidInputKeepsTheDialogOpen_data() {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("reason");
        QTest::newRow("host") << QStringLiteral("listenHost") << QStringLiteral("example.com")
                              << QStringLiteral("not an IP address");
        QTest::newRow("lan") << QStringLiteral("listenHost") << QStringLiteral("192.168.1.5")
                             << QStringLiteral("not a loopback address");
        QTest::newRow("port") << QStringLiteral("connectPorts") << QStringLiteral("443, 70000")
                              << QStringLiteral("\"70000\" is not a port");
        QTest::newRow("upstream") << QStringLiteral("upstreamProxy")
                                  << QStringLiteral("socks5://x:1")
                                  << QStringLiteral("Upstream proxy");
    }
    void invalidInputKeepsTheDialogOpen() {
        QFETCH(QString, field);
        QFETCH(QString, value);
        QFETCH(QString, reason);
        ScriptedPrompts prompts;
        ui::SettingsDialog dialog(core::proxy::ProxyConfig{}, ui::RecordingSettings{}, prompts);
        dialog.show();
        child<QLineEdit>(dialog, field.toLatin1().constData())->setText(value);
        clickOk(dialog);
        QVERIFY(dialog.isVisible());
        auto* error = child<QLabel>(dialog, "settingsError");
        QVERIFY(!error->isHidden());
        QVERIFY2(error->text().contains(reason), qPrintable(error->text()));
    }
};

QTEST_MAIN(TestSettingsDialog)
#include "tst_SettingsDialog.moc"
