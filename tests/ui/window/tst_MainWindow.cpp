// The main window over the real app wiring (GuiApp): a proxy on an
// ephemeral loopback port, real curl through it to origins this test
// starts (plain HTTP, a blind CONNECT tunnel and an intercepted one to
// `openssl s_server`), recording into a session file in a temp dir, the
// toolbar and File actions driven by objectName. Settings live in a temp
// INI file and the CA in a temp directory.
#include "Origins.h"
#include "SandboxedApp.h"
#include "app/gui/GuiApp.h"
#include "app/gui/ProxyService.h"
#include "app/gui/RecordingService.h"
#include "core/store/SessionReader.h"
#include "core/store/SessionWriter.h"
#include "core/store/SyntheticExchange.h" // tests/
#include "ui/MainWindow.h"
#include "ui/SessionFileJobs.h"
#include "ui/SessionPanes.h"
#include "ui/dialogs/ScriptedPrompts.h" // tests/ui/dialogs
#include "ui/inspector/InspectorWidget.h"
#include "ui/list/ExchangeListModel.h"
#include "ui/list/ExchangeListView.h"
#include "ui/list/FilterBar.h"
#include "ui/list/HostListModel.h"
#include "ui/list/HostListView.h"

#include <QAction>
#include <QDeadlineTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QStackedWidget>
#include <QTest>

using namespace spyglass;

namespace {

struct CurlResult {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

// Runs curl to completion while this thread's event loop serves the origin.
CurlResult curl(const QStringList& args) {
    QProcess process;
    process.start(
        QStringLiteral("curl"),
        QStringList{QStringLiteral("-sS"), QStringLiteral("--max-time"), QStringLiteral("20")} +
            args);
    QDeadlineTimer deadline(30000);
    while (process.state() != QProcess::NotRunning && !deadline.hasExpired()) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
        process.waitForFinished(10);
    }
    return {process.exitCode(), process.readAllStandardOutput(), process.readAllStandardError()};
}

// Rows committed to a session file so far (a reader of its own, like the
// GUI's query thread).
QList<core::store::ListRow> rowsIn(const QString& path) {
    auto reader = core::store::SessionReader::open(path);
    if (!reader)
        return {};
    auto rows = reader.value()->rowsAfter(0, 1000);
    return rows ? rows.value() : QList<core::store::ListRow>{};
}

QStringList paths(const QList<core::store::ListRow>& rows) {
    QStringList list;
    for (const auto& row : rows)
        list << QString::fromLatin1(row.method + ' ' + row.url());
    return list;
}

template <typename T> T* child(QWidget& parent, const char* name) {
    auto* widget = parent.findChild<T*>(QString::fromLatin1(name));
    if (!widget)
        qFatal("no child %s", name);
    return widget;
}

} // namespace

class TestMainWindow : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<QTemporaryDir> m_tmp;
    std::unique_ptr<QSettings> m_settings;
    ScriptedPrompts m_prompts;
    std::unique_ptr<app::GuiApp> m_app;
    PlainOrigin m_origin;

    QString tmp(const QString& name) const { return m_tmp->filePath(name); }
    QString proxyUrl() { return QStringLiteral("http://") + m_app->proxy().listenAddress(); }
    QAction* action(const char* name) { return child<QAction>(m_app->window(), name); }

    bool startApp(QString* error, const QStringList& upstreamCas = {}) {
        app::GuiApp::Options options =
            testing::sandboxedAppOptions(*m_tmp, tmp(QStringLiteral("first.spyglass")));
        options.config.allowAnyConnectPort = true; // the TLS origin is not on 443
        options.config.intercept.upstreamCaFiles = upstreamCas;
        m_app = std::make_unique<app::GuiApp>(options, *m_settings, m_prompts);
        return m_app->start(error);
    }

private Q_SLOTS:
    void init() {
        m_tmp = std::make_unique<QTemporaryDir>();
        QVERIFY(m_tmp->isValid());
        // New sessions go to <XDG_DATA_HOME>/Spyglass/sessions: keep them here.
        qputenv("XDG_DATA_HOME", QFile::encodeName(tmp(QStringLiteral("data"))));
        m_settings =
            std::make_unique<QSettings>(tmp(QStringLiteral("settings.ini")), QSettings::IniFormat);
        m_prompts = ScriptedPrompts{};
    }
    void cleanup() {
        QLocale::setDefault(QLocale::c());
        m_app.reset();
        m_settings.reset();
        m_tmp.reset();
    }

    void plainRequestIsProxiedCountedAndRecorded() {
        QString error;
        QVERIFY2(startApp(&error), qPrintable(error));
        ui::MainWindow& window = m_app->window();
        window.show();
        auto* stack = child<QStackedWidget>(window, "listStack");
        QCOMPARE(stack->currentWidget()->objectName(), QStringLiteral("welcomePanel"));
        QVERIFY(child<QLineEdit>(window, "welcomeExport")->text().contains(proxyUrl()));

        const auto result =
            curl({QStringLiteral("-x"), proxyUrl(),
                  QStringLiteral("http://127.0.0.1:%1/plain").arg(m_origin.port())});
        QCOMPARE(result.err, QByteArray());
        QCOMPARE(result.out, QByteArray("hello from /plain\n"));
        QTRY_COMPARE_WITH_TIMEOUT(child<QLabel>(window, "statusCounts")->text(),
                                  QStringLiteral("1 exchange"), 10000);
        QVERIFY(stack->currentWidget()->objectName() != QStringLiteral("welcomePanel"));
        QVERIFY(m_app->settings().welcomeSeen());
        QVERIFY(
            child<QLabel>(window, "statusListen")->text().endsWith(m_app->proxy().listenAddress()));
        QVERIFY(child<QLabel>(window, "statusRecording")
                    ->text()
                    .contains(QStringLiteral("first.spyglass")));
        QTRY_COMPARE_WITH_TIMEOUT(
            paths(rowsIn(tmp(QStringLiteral("first.spyglass")))),
            QStringList{QStringLiteral("GET http://127.0.0.1:%1/plain").arg(m_origin.port())},
            10000);

        // The row appears in the list; selecting it shows it in the inspector.
        curl({QStringLiteral("-x"), proxyUrl(),
              QStringLiteral("http://127.0.0.1:%1/other").arg(m_origin.port())});
        auto* list = child<ui::ExchangeListView>(window, "exchangeList");
        ui::ExchangeListModel* model = list->exchangeModel();
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 2, 10000);
        list->selectRow(0);
        const qint64 first = model->idAt(0);
        QVERIFY(first > 0);
        auto* inspector = child<ui::inspector::InspectorWidget>(window, "inspector");
        QTRY_COMPARE_WITH_TIMEOUT(inspector->shownExchange(), first, 10000);
        QVERIFY(inspector->exchange());

        // The toolbar's filter field narrows the list (in SQL, off-thread).
        auto* filter = child<ui::FilterBar>(window, "filterBar");
        filter->setText(QStringLiteral("path:/other"));
        QTest::keyClick(filter->field(), Qt::Key_Return);
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 1, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(model->loadedRow(0) != nullptr, 10000);
        QCOMPARE(model->loadedRow(0)->path, QByteArray("/other"));
        QCOMPARE(filter->error(), QString());
        QTRY_COMPARE_WITH_TIMEOUT(child<QLabel>(window, "statusCounts")->text(),
                                  QStringLiteral("2 exchanges · 1 shown"), 10000);
    }

    // The status bar counts the session the window shows: an opened file's
    // exchanges, not what the proxy saw in this run; the recorder's state
    // stays about the file being recorded.
    void statusBarCountsTheShownSession() {
        QString error;
        QVERIFY2(startApp(&error), qPrintable(error));
        ui::MainWindow& window = m_app->window();
        window.show();
        const QString base = QStringLiteral("http://127.0.0.1:%1/").arg(m_origin.port());
        QCOMPARE(curl({QStringLiteral("-x"), proxyUrl(), base + QStringLiteral("live")}).exitCode,
                 0);
        auto* counts = child<QLabel>(window, "statusCounts");
        QTRY_COMPARE_WITH_TIMEOUT(counts->text(), QStringLiteral("1 exchange"), 10000);

        // Another session file with 1,204 exchanges, 4 of them on old.test.
        const QString other = tmp(QStringLiteral("other.spyglass"));
        {
            core::store::WriterOptions options;
            options.path = other;
            auto writer = core::store::SessionWriter::open(options);
            QVERIFY2(writer, writer ? "" : qPrintable(writer.errorMessage()));
            writer.value()->start();
            for (qint64 n = 1; n <= 1204; ++n) {
                core::store::testing::SyntheticExchange e;
                e.id = static_cast<core::record::ExchangeId>(n);
                e.host = n <= 4 ? "old.test" : "older.test";
                e.recordInto(*writer.value());
            }
            writer.value()->stop();
        }
        QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
        window.openSessionFile(other);
        QTRY_COMPARE_WITH_TIMEOUT(counts->text(), QStringLiteral("1,204 exchanges"), 10000);
        auto* filter = child<ui::FilterBar>(window, "filterBar");
        filter->setText(QStringLiteral("host:old.test"));
        QTest::keyClick(filter->field(), Qt::Key_Return);
        QTRY_COMPARE_WITH_TIMEOUT(counts->text(), QStringLiteral("1,204 exchanges · 4 shown"),
                                  10000);
        QVERIFY(child<QLabel>(window, "statusRecording")
                    ->text()
                    .contains(QStringLiteral("first.spyglass")));
        // Traffic recorded meanwhile does not change what is counted here.
        QCOMPARE(curl({QStringLiteral("-x"), proxyUrl(), base + QStringLiteral("more")}).exitCode,
                 0);
        QTRY_COMPARE_WITH_TIMEOUT(paths(rowsIn(tmp(QStringLiteral("first.spyglass")))).size(), 2,
                                  10000);
        QTest::qWait(300);
        QCOMPARE(counts->text(), QStringLiteral("1,204 exchanges · 4 shown"));
        // Back to the live session, still filtered: its two exchanges, none on old.test.
        window.showLiveSession();
        QTRY_COMPARE_WITH_TIMEOUT(counts->text(), QStringLiteral("2 exchanges · 0 shown"), 10000);
    }

    // The host list's status comes from the ports each host was reached on:
    // plain HTTP needs no rule, and a rule for one port of a host leaves
    // its other ports tunnelled.
    void hostStatusFollowsThePortsSeen() {
        TlsOrigin first(*m_tmp);
        QTemporaryDir secondDir;
        TlsOrigin second(secondDir);
        QString error;
        QVERIFY2(first.start(&error), qPrintable(error));
        QVERIFY2(second.start(&error), qPrintable(error));
        QVERIFY2(startApp(&error, {first.certificate(), second.certificate()}), qPrintable(error));
        QCOMPARE(curl({QStringLiteral("-x"), proxyUrl(),
                       QStringLiteral("http://127.0.0.1:%1/plain").arg(m_origin.port())})
                     .exitCode,
                 0);
        for (const TlsOrigin* origin : {&first, &second}) {
            auto blind = curl({QStringLiteral("-x"), proxyUrl(), QStringLiteral("--cacert"),
                               origin->certificate(),
                               QStringLiteral("https://localhost:%1/").arg(origin->port())});
            QVERIFY2(blind.exitCode == 0, blind.err.constData());
        }
        auto* hosts = child<ui::HostListView>(m_app->window(), "hostList");
        ui::HostListModel* hostModel = hosts->hostModel();
        QTRY_VERIFY_WITH_TIMEOUT(
            hostModel->rowOfHost("localhost") > 0 && hostModel->rowOfHost("127.0.0.1") > 0, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(hostModel->hostStatus("127.0.0.1"), ui::HostStatus::PlainHttp,
                                  10000);
        QTRY_COMPARE_WITH_TIMEOUT(hostModel->hostStatus("localhost"), ui::HostStatus::Tunneled,
                                  10000);
        const auto statusText = [&] {
            return hostModel
                ->index(hostModel->rowOfHost("localhost"), ui::HostListModel::StatusColumn)
                .data()
                .toString();
        };

        // A rule for the first port only.
        const QString rule = QStringLiteral("localhost:%1").arg(first.port());
        QVERIFY(m_app->window().addInterceptRule(rule));
        QTRY_COMPARE_WITH_TIMEOUT(hostModel->hostStatus("localhost"),
                                  ui::HostStatus::PartlyIntercepted, 10000);
        QCOMPARE(statusText(), QStringLiteral("intercepted (%1)").arg(first.port()));
        // And for the second: every port seen is intercepted now.
        QVERIFY(
            m_app->window().addInterceptRule(QStringLiteral("localhost:%1").arg(second.port())));
        QTRY_COMPARE_WITH_TIMEOUT(hostModel->hostStatus("localhost"), ui::HostStatus::Intercepted,
                                  10000);
        QCOMPARE(statusText(), QStringLiteral("intercepted"));
        QCOMPARE(hostModel->hostStatus("127.0.0.1"), ui::HostStatus::PlainHttp);
    }

    void tunnelThenInterceptedAfterAddingARule() {
        TlsOrigin origin(*m_tmp);
        QString error;
        QVERIFY2(origin.start(&error), qPrintable(error));
        QVERIFY2(startApp(&error, {origin.certificate()}), qPrintable(error));
        const QString url = QStringLiteral("https://localhost:%1/").arg(origin.port());

        // No rule: a blind tunnel (curl trusts the origin's own certificate).
        auto blind = curl({QStringLiteral("-x"), proxyUrl(), QStringLiteral("--cacert"),
                           origin.certificate(), url});
        QVERIFY2(blind.exitCode == 0, blind.err.constData());
        QVERIFY(blind.out.contains("s_server"));
        QTRY_COMPARE_WITH_TIMEOUT(m_app->proxyService().counters().tunnels, qint64{1}, 10000);

        // The host list's "Intercept this host" on the tunnelled host; the
        // next request is MITM'd, so curl now needs the Spyglass root CA.
        auto* hosts = child<ui::HostListView>(m_app->window(), "hostList");
        ui::HostListModel* hostModel = hosts->hostModel();
        int row = -1;
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                for (int r = 0; r < hostModel->rowCount(); ++r)
                    if (hostModel->hostAt(r) == "localhost")
                        row = r;
                return row > 0;
            }(),
            10000);
        QCOMPARE(hostModel->hostStatus("localhost"), ui::HostStatus::Tunneled);
        hosts->setCurrentIndex(hostModel->index(row, 0));
        hosts->interceptAction()->trigger();
        QCOMPARE(hostModel->hostStatus("localhost"), ui::HostStatus::Intercepted);
        QCOMPARE(m_app->proxyService().config().intercept.rules.includes(),
                 QStringList{QStringLiteral("localhost")});
        auto mitm = curl({QStringLiteral("-x"), proxyUrl(), QStringLiteral("--cacert"),
                          tmp(QStringLiteral("ca/spyglass-ca.pem")), url});
        QVERIFY2(mitm.exitCode == 0, mitm.err.constData());
        QVERIFY(mitm.out.contains("s_server"));
        QTRY_COMPARE_WITH_TIMEOUT(m_app->proxyService().counters().intercepted, qint64{1}, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(paths(rowsIn(tmp(QStringLiteral("first.spyglass"))))
                                     .contains(QStringLiteral("GET %1").arg(url)),
                                 10000);
        // The rule was saved for the next run.
        QCOMPARE(m_app->settings().loadProxy().intercept.rules.includes(),
                 QStringList{QStringLiteral("localhost")});
    }

    void pauseKeepsProxyingButRecordsNothing() {
        QString error;
        QVERIFY2(startApp(&error), qPrintable(error));
        QAction* record = action("actionRecord");
        QVERIFY(record->isChecked());
        record->trigger();
        QVERIFY(!m_app->recording().isRecording());
        const QString base = QStringLiteral("http://127.0.0.1:%1/").arg(m_origin.port());
        QCOMPARE(curl({QStringLiteral("-x"), proxyUrl(), base + QStringLiteral("paused")}).out,
                 QByteArray("hello from /paused\n"));
        record->trigger();
        QVERIFY(m_app->recording().isRecording());
        QCOMPARE(curl({QStringLiteral("-x"), proxyUrl(), base + QStringLiteral("recorded")}).out,
                 QByteArray("hello from /recorded\n"));
        QTRY_COMPARE_WITH_TIMEOUT(
            paths(rowsIn(tmp(QStringLiteral("first.spyglass")))),
            QStringList{QStringLiteral("GET ") + base + QStringLiteral("recorded")}, 10000);
        QTRY_COMPARE(m_app->proxyService().counters().exchanges, qint64{2});
    }

    // Settings ▸ Recording applies to the session being recorded.
    void aNewBodyCapAppliesToTheCurrentSession() {
        QString error;
        QVERIFY2(startApp(&error), qPrintable(error));
        ui::RecordingSettings settings;
        settings.bodyCap = 5;
        m_app->recording().applyRecordingSettings(settings);
        const QString base = QStringLiteral("http://127.0.0.1:%1/").arg(m_origin.port());
        QCOMPARE(curl({QStringLiteral("-x"), proxyUrl(), base + QStringLiteral("capped")}).out,
                 QByteArray("hello from /capped\n"));
        const QString session = tmp(QStringLiteral("first.spyglass"));
        // The row can be committed while the exchange is still in flight
        // (open, no body yet): wait for its end.
        QTRY_VERIFY_WITH_TIMEOUT(rowsIn(session).size() == 1 &&
                                     rowsIn(session).constFirst().state ==
                                         core::store::ListRow::State::Complete,
                                 10000);
        auto reader = core::store::SessionReader::open(session);
        QVERIFY(reader);
        auto body = reader.value()->body(rowsIn(session).constFirst().id,
                                         core::record::Direction::Response, false);
        QVERIFY(body);
        QCOMPARE(body->data, QByteArray("hello"));
        QCOMPARE(body->truncated, QByteArray("cap"));
        QCOMPARE(body->size, 19);
    }

    void clearStartsANewSessionAndOldOnesOpenReadOnly() {
        QString error;
        QVERIFY2(startApp(&error), qPrintable(error));
        ui::MainWindow& window = m_app->window();
        const QString base = QStringLiteral("http://127.0.0.1:%1/").arg(m_origin.port());
        curl({QStringLiteral("-x"), proxyUrl(), base + QStringLiteral("one")});
        const QString first = m_app->recording().sessionPath();
        QTRY_COMPARE_WITH_TIMEOUT(rowsIn(first).size(), 1, 10000);

        action("actionClear")->trigger();
        const QString second = m_app->recording().sessionPath();
        QVERIFY(second != first);
        QVERIFY(second.startsWith(tmp(QStringLiteral("data"))));
        QVERIFY(window.isViewingLive());
        QVERIFY(window.windowTitle().contains(QStringLiteral("(recording)")));
        curl({QStringLiteral("-x"), proxyUrl(), base + QStringLiteral("two")});
        QTRY_COMPARE_WITH_TIMEOUT(
            paths(rowsIn(second)),
            QStringList{QStringLiteral("GET ") + base + QStringLiteral("two")}, 10000);
        QCOMPARE(rowsIn(first).size(), 1); // finished, untouched

        m_prompts.files << first;
        action("actionOpenSession")->trigger();
        QCOMPARE(window.viewedSessionPath(), first);
        QVERIFY(window.windowTitle().contains(QStringLiteral("(read-only)")));
        QVERIFY(m_app->settings().recentSessions().contains(first));
        QVERIFY(action("actionShowLive")->isEnabled());
        action("actionShowLive")->trigger();
        QCOMPARE(window.viewedSessionPath(), second);
    }

    void saveAsAndHarExportRunOffTheGuiThread() {
        QString error;
        QVERIFY2(startApp(&error), qPrintable(error));
        const QString base = QStringLiteral("http://127.0.0.1:%1/").arg(m_origin.port());
        curl({QStringLiteral("-x"), proxyUrl(), base + QStringLiteral("saved")});
        QTRY_COMPARE_WITH_TIMEOUT(rowsIn(m_app->recording().sessionPath()).size(), 1, 10000);
        ui::MainWindow& window = m_app->window();

        m_prompts.files << tmp(QStringLiteral("copy.spyglass"));
        action("actionSaveAs")->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(!window.fileJobs().isBusy(), 20000);
        QCOMPARE(m_prompts.errors, QStringList{});
        QCOMPARE(paths(rowsIn(tmp(QStringLiteral("copy.spyglass")))),
                 QStringList{QStringLiteral("GET ") + base + QStringLiteral("saved")});

        m_prompts.files << tmp(QStringLiteral("capture.har"));
        action("actionExportHar")->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(!window.fileJobs().isBusy(), 20000);
        QCOMPARE(m_prompts.errors, QStringList{});
        QFile har(tmp(QStringLiteral("capture.har")));
        QVERIFY(har.open(QIODevice::ReadOnly));
        const QJsonObject log =
            QJsonDocument::fromJson(har.readAll()).object()[QStringLiteral("log")].toObject();
        const auto entries = log[QStringLiteral("entries")].toArray();
        QCOMPARE(entries.size(), 1);
        QCOMPARE(entries[0][QStringLiteral("request")][QStringLiteral("url")].toString(),
                 base + QStringLiteral("saved"));
    }

    void newListenAddressRestartsTheListener() {
        QString error;
        QVERIFY2(startApp(&error), qPrintable(error));
        const QString before = m_app->proxy().listenAddress();
        core::proxy::ProxyConfig config = m_app->proxyService().config();
        config.listenPort = 0;
        config.listenHost = QStringLiteral("127.0.0.1");
        // Port 0 on the same host keeps the bound port: nothing to restart.
        auto same = m_app->proxyService().applyConfig(config);
        QVERIFY(same.ok);
        QVERIFY(!same.listenerRestarted);
        QCOMPARE(m_app->proxy().listenAddress(), before);

        QTcpServer free;
        QVERIFY(free.listen(QHostAddress::LocalHost));
        const quint16 port = free.serverPort();
        free.close();
        config.listenPort = port;
        auto moved = m_app->proxyService().applyConfig(config);
        QVERIFY2(moved.ok, qPrintable(moved.message));
        QVERIFY(moved.listenerRestarted);
        QVERIFY(moved.message.contains(QStringLiteral("127.0.0.1:%1").arg(port)));
        QTRY_VERIFY(child<QLabel>(m_app->window(), "statusListen")
                        ->text()
                        .endsWith(QStringLiteral(":%1").arg(port)));
        QCOMPARE(curl({QStringLiteral("-x"), proxyUrl(),
                       QStringLiteral("http://127.0.0.1:%1/moved").arg(m_origin.port())})
                     .out,
                 QByteArray("hello from /moved\n"));
    }

    // Quitting: the proxy stops, then the writer drains what it queued.
    void shutdownFinishesTheWrites() {
        QString error;
        QVERIFY2(startApp(&error), qPrintable(error));
        const QString base = QStringLiteral("http://127.0.0.1:%1/").arg(m_origin.port());
        for (int i = 0; i < 5; ++i)
            curl({QStringLiteral("-x"), proxyUrl(), base + QString::number(i)});
        const QString path = m_app->recording().sessionPath();
        m_app->shutdown();
        QCOMPARE(rowsIn(path).size(), 5);
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_MainWindow.moc"
