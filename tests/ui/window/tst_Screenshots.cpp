// Renders the main window over a realistic capture, and the Root CA dialog,
// to PNG files: into docs/screenshots/ with
//   SPYGLASS_SCREENSHOT_DIR=$PWD/docs/screenshots ctest -R tst_Screenshots
// and into a temp dir otherwise (still checking that rendering works). Runs
// the real app wiring; the capture is written by the real SessionWriter and
// extended by real curl requests through the proxy.
#include "CaptureFixture.h"
#include "Origins.h"
#include "SandboxedApp.h"
#include "SyntheticExchange.h" // tests/core/store
#include "app/common/InterceptSetup.h"
#include "app/gui/GuiApp.h"
#include "app/gui/RecordingService.h"
#include "app/gui/TrustService.h"
#include "ui/MainWindow.h"
#include "ui/dialogs/RootCaDialog.h"
#include "ui/dialogs/ScriptedPrompts.h" // tests/ui/dialogs
#include "ui/inspector/InspectorWidget.h"
#include "ui/list/ExchangeListModel.h"
#include "ui/list/ExchangeListView.h"
#include "ui/list/HostListModel.h"
#include "ui/list/HostListView.h"

#include <QAction>
#include <QDeadlineTimer>
#include <QLabel>
#include <QStatusBar>
#include <QTabWidget>
#include <QTest>

using namespace spyglass;

class TestScreenshots : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_tmp;
    QString m_outDir;

    QString tmp(const QString& name) const { return m_tmp.filePath(name); }
    bool save(QWidget& widget, const QString& name) {
        const QImage image = widget.grab().toImage();
        return !image.isNull() && image.save(QDir(m_outDir).filePath(name));
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_tmp.isValid());
        m_outDir = qEnvironmentVariable("SPYGLASS_SCREENSHOT_DIR", m_tmp.path());
        QVERIFY(QDir().mkpath(m_outDir));
        qputenv("XDG_DATA_HOME", QFile::encodeName(tmp(QStringLiteral("data"))));
    }

    void mainWindow() {
        const QString session = tmp(QStringLiteral("capture.spyglass"));
        QString error;
        QVERIFY2(writeSampleCapture(session, &error), qPrintable(error));

        QSettings settings(tmp(QStringLiteral("settings.ini")), QSettings::IniFormat);
        settings.setValue(QStringLiteral("window/welcomeSeen"), true);
        ScriptedPrompts prompts;
        // Appended to, like --session FILE.
        app::GuiApp::Options options = testing::sandboxedAppOptions(m_tmp, session);
        QVERIFY(options.config.intercept.rules.addInclude(QStringLiteral("*.github.com"), &error));
        QVERIFY(options.config.intercept.rules.addInclude(
            QStringLiteral("avatars.githubusercontent.com"), &error));
        app::GuiApp gui(options, settings, prompts);
        QVERIFY2(gui.start(&error), qPrintable(error));

        PlainOrigin origin;
        for (const char* path : {"/", "/api/v1/status"}) {
            QProcess curl;
            curl.start(QStringLiteral("curl"),
                       {QStringLiteral("-sS"), QStringLiteral("-x"),
                        QStringLiteral("http://") + gui.proxy().listenAddress(),
                        QStringLiteral("http://localhost:%1%2")
                            .arg(origin.port())
                            .arg(QString::fromLatin1(path))});
            QTRY_VERIFY_WITH_TIMEOUT(curl.state() == QProcess::NotRunning, 30000);
            QCOMPARE(curl.exitCode(), 0);
        }

        ui::MainWindow& window = gui.window();
        window.resize(1440, 880);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        auto* list = window.findChild<ui::ExchangeListView*>(QStringLiteral("exchangeList"));
        QVERIFY(list);
        ui::ExchangeListModel* model = list->exchangeModel();
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 14, 15000); // 12 written + 2 curl
        // All hosts + 9 hosts, and the status bar's counters caught up.
        auto* hosts = window.findChild<ui::HostListView*>(QStringLiteral("hostList"));
        QVERIFY(hosts);
        QTRY_COMPARE_WITH_TIMEOUT(hosts->hostModel()->rowCount(), 10, 10000);
        auto* counts = window.findChild<QLabel*>(QStringLiteral("statusCounts"));
        QTRY_COMPARE_WITH_TIMEOUT(counts->text(), QStringLiteral("14 exchanges"), 5000);
        list->selectRow(1); // api.github.com/users/octocat/repos, JSON
        auto* inspector =
            window.findChild<ui::inspector::InspectorWidget*>(QStringLiteral("inspector"));
        QVERIFY(inspector);
        QTRY_COMPARE_WITH_TIMEOUT(inspector->shownExchange(), model->idAt(1), 10000);
        inspector->tabs()->setCurrentIndex(2); // Response
        QTest::qWait(300);                     // let the JSON view lay out
        QVERIFY(save(window, QStringLiteral("main-window.png")));
    }

    // Clear (New session) right after a burst: the old session's writer
    // still has records in its spool and finishes on its own thread; the
    // status bar says so while the new session records.
    void statusBarWhileThePreviousSessionFinishes() {
        QSettings settings(tmp(QStringLiteral("settings-finishing.ini")), QSettings::IniFormat);
        settings.setValue(QStringLiteral("window/welcomeSeen"), true);
        ScriptedPrompts prompts;
        app::GuiApp::Options options =
            testing::sandboxedAppOptions(m_tmp, tmp(QStringLiteral("burst.spyglass")));
        options.recording->spool = core::store::SpoolUse::Always;
        app::GuiApp gui(options, settings, prompts);
        QString error;
        QVERIFY2(gui.start(&error), qPrintable(error));
        // The burst: 2,000 exchanges, indexed at 1 ms a record.
        auto writer = gui.recording().writerForTesting();
        writer->setApplyDelayForTesting(std::chrono::milliseconds(1));
        for (qint64 n = 1; n <= 2000; ++n) {
            core::store::testing::SyntheticExchange e;
            e.id = static_cast<core::record::ExchangeId>(n);
            e.path = "/burst/" + QByteArray::number(n);
            e.responseBody = QByteArray(1000, 'x');
            e.recordInto(gui.recording().recorder());
        }
        QTRY_VERIFY_WITH_TIMEOUT(writer->status().spooledRecords > 5000, 10000);

        ui::MainWindow& window = gui.window();
        window.resize(1100, 600);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.findChild<QAction*>(QStringLiteral("actionClear"))->trigger();
        auto* state = window.findChild<QLabel*>(QStringLiteral("statusRecording"));
        QVERIFY(state);
        QTRY_VERIFY_WITH_TIMEOUT(
            state->text().contains(QStringLiteral("finishing the previous session (indexing ")),
            5000);
        QVERIFY2(state->text().startsWith(QStringLiteral("Recording to ")),
                 qPrintable(state->text()));
        QTest::qWait(100); // let the status bar lay the longer text out
        QVERIFY(save(*window.statusBar(), QStringLiteral("status-finishing.png")));
        // Done: the status bar says nothing more of it.
        writer->setApplyDelayForTesting(std::chrono::microseconds(0));
        QTRY_VERIFY_WITH_TIMEOUT(!state->text().contains(QStringLiteral("finishing")), 30000);
    }

    void rootCaDialog() {
        QString error;
        QVERIFY2(app::InterceptSetup::prepare(tmp(QStringLiteral("ca")), &error),
                 qPrintable(error));
        app::TrustEnvironment env;
        env.home = tmp(QStringLiteral("home"));
        env.flavour = app::TrustEnvironment::Flavour::Redirected;
        env.systemAnchorDir = tmp(QStringLiteral("anchors"));
        env.systemBundle = tmp(QStringLiteral("bundle.pem"));
        app::TrustService trust(tmp(QStringLiteral("ca")), env, {});
        ScriptedPrompts prompts;
        ui::RootCaDialog dialog(trust, prompts);
        dialog.resize(860, 620);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QVERIFY(save(dialog, QStringLiteral("root-ca.png")));
    }
};

QTEST_MAIN(TestScreenshots)
#include "tst_Screenshots.moc"
