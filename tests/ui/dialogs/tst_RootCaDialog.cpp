// The Root CA dialog over the real TrustService, with a temporary CA
// directory and every trust store redirected into a temporary directory
// (never the user's CA, never pkexec or update-ca-certificates): what it
// shows, export through the file-dialog seam, and an NSS install with real
// certutil on a temporary HOME, reporting what changed.
#include "ScriptedPrompts.h"
#include "app/common/InterceptSetup.h"
#include "app/gui/TrustService.h"
#include "ui/dialogs/RootCaDialog.h"

#include <QCryptographicHash>
#include <QLabel>
#include <QPlainTextEdit>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

using namespace spyglass;

namespace {

template <typename T> T* child(QWidget& parent, const char* name) {
    auto* widget = parent.findChild<T*>(QString::fromLatin1(name));
    if (!widget)
        qFatal("no child %s", name);
    return widget;
}

QByteArray readAll(const QString& path) {
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

class TestRootCaDialog : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_tmp;
    std::unique_ptr<app::TrustService> m_trust;

    QString path(const char* name) const { return m_tmp.filePath(QString::fromLatin1(name)); }

private Q_SLOTS:
    void init() {
        QVERIFY(m_tmp.isValid());
        QVERIFY(QDir().mkpath(path("home")));
        QVERIFY(QDir().mkpath(path("anchors")));
        QFile bundle(path("bundle.pem"));
        QVERIFY(bundle.open(QIODevice::WriteOnly));
        bundle.close();
        QString error;
        QVERIFY2(app::InterceptSetup::prepare(path("ca"), &error), qPrintable(error));
        app::TrustEnvironment env;
        env.home = path("home");
        env.flavour = app::TrustEnvironment::Flavour::Redirected;
        env.systemAnchorDir = path("anchors");
        env.systemBundle = path("bundle.pem");
        env.systemUpdateCommand = {QStringLiteral("true")};
        // No elevation command: a system-store change would only report
        // that it needs root (and the test never asks for one).
        m_trust = std::make_unique<app::TrustService>(path("ca"), env, QStringList{});
    }
    void cleanup() { m_trust.reset(); }

    void showsTheCa() {
        ScriptedPrompts prompts;
        ui::RootCaDialog dialog(*m_trust, prompts);
        QVERIFY(child<QLabel>(dialog, "caSubject")->text().contains(QStringLiteral("Spyglass")));
        QCOMPARE(child<QLabel>(dialog, "caPath")->text(),
                 path("ca") + QStringLiteral("/spyglass-ca.pem"));
        QVERIFY(child<QLabel>(dialog, "caValidity")->text().contains(QStringLiteral("days left")));
        auto* stores = child<QTreeWidget>(dialog, "trustStores");
        QVERIFY(stores->topLevelItemCount() >= 1);
        QCOMPARE(stores->topLevelItem(0)->text(1), QStringLiteral("no"));
        QVERIFY(!m_trust->trustedBySystem());
        QVERIFY(child<QPlainTextEdit>(dialog, "manualSteps")
                    ->toPlainText()
                    .contains(QStringLiteral("Android")));
    }

    // The DER file's SHA-256 is the fingerprint the dialog shows.
    void exportsDerPemAndP12() {
        ScriptedPrompts prompts;
        prompts.files << path("out.cer") << path("out.pem") << path("out.p12") << QString();
        ui::RootCaDialog dialog(*m_trust, prompts);
        QTest::mouseClick(child<QPushButton>(dialog, "exportDer"), Qt::LeftButton);
        QTest::mouseClick(child<QPushButton>(dialog, "exportPem"), Qt::LeftButton);
        QTest::mouseClick(child<QPushButton>(dialog, "exportP12"), Qt::LeftButton);
        QTest::mouseClick(child<QPushButton>(dialog, "exportPem"), Qt::LeftButton); // cancelled
        QCOMPARE(prompts.errors, QStringList{});

        const QByteArray der = readAll(path("out.cer"));
        QVERIFY(!der.isEmpty());
        const QByteArray sha = QCryptographicHash::hash(der, QCryptographicHash::Sha256);
        QString shown = child<QLabel>(dialog, "caFingerprint")->text();
        QCOMPARE(shown.remove(u':').toLower(), QString::fromLatin1(sha.toHex()));

        const QByteArray pem = readAll(path("out.pem"));
        QVERIFY(pem.startsWith("-----BEGIN CERTIFICATE-----"));
        QVERIFY(!pem.contains("PRIVATE KEY"));
        QProcess openssl;
        openssl.start(QStringLiteral("openssl"),
                      {QStringLiteral("pkcs12"), QStringLiteral("-in"), path("out.p12"),
                       QStringLiteral("-nokeys"), QStringLiteral("-passin"),
                       QStringLiteral("pass:")});
        QVERIFY(openssl.waitForFinished(30000));
        QCOMPARE(openssl.exitCode(), 0);
        QVERIFY(openssl.readAllStandardOutput().contains("BEGIN CERTIFICATE"));
        QVERIFY(child<QPlainTextEdit>(dialog, "caReport")->toPlainText().contains(path("out.p12")));
        QCOMPARE(QDir(m_tmp.path()).entryList({QStringLiteral("out.*")}).size(), 3);
    }

    void exportFailureIsShown() {
        ScriptedPrompts prompts;
        prompts.files << path("missing-dir/out.pem");
        ui::RootCaDialog dialog(*m_trust, prompts);
        QTest::mouseClick(child<QPushButton>(dialog, "exportPem"), Qt::LeftButton);
        QCOMPARE(prompts.errors.size(), 1);
        QVERIFY2(prompts.errors.first().contains(QStringLiteral("missing-dir")),
                 qPrintable(prompts.errors.first()));
    }

    void nssInstallReportsWhatChanged() {
        ScriptedPrompts prompts;
        ui::RootCaDialog dialog(*m_trust, prompts);
        dialog.show(); // buttons inside the tab get their geometry
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QTest::mouseClick(child<QPushButton>(dialog, "installNss"), Qt::LeftButton);
        QVERIFY(dialog.isBusy());
        QTRY_VERIFY_WITH_TIMEOUT(!dialog.isBusy(), 60000);
        const QString report = dialog.reportText();
        QVERIFY2(report.contains(QStringLiteral("Changed:")), qPrintable(report));
        QVERIFY2(report.contains(path("home")), qPrintable(report));
        QCOMPARE(prompts.errors, QStringList{});
        bool nssTrusted = false;
        auto* stores = child<QTreeWidget>(dialog, "trustStores");
        for (int i = 0; i < stores->topLevelItemCount(); ++i)
            if (stores->topLevelItem(i)->text(0).contains(QStringLiteral("nssdb")) &&
                stores->topLevelItem(i)->text(1) == QStringLiteral("yes"))
                nssTrusted = true;
        QVERIFY(nssTrusted);

        QTest::mouseClick(child<QPushButton>(dialog, "uninstallNss"), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!dialog.isBusy(), 60000);
        QVERIFY2(dialog.reportText().contains(QStringLiteral("Changed:")),
                 qPrintable(dialog.reportText()));
    }

    void regenerateNeedsConfirmation() {
        ScriptedPrompts prompts;
        ui::RootCaDialog dialog(*m_trust, prompts);
        const QString before = child<QLabel>(dialog, "caFingerprint")->text();
        prompts.confirmAnswer = false;
        QTest::mouseClick(child<QPushButton>(dialog, "regenerate"), Qt::LeftButton);
        QVERIFY(!dialog.isBusy());
        QCOMPARE(child<QLabel>(dialog, "caFingerprint")->text(), before);
        prompts.confirmAnswer = true;
        QSignalSpy changed(m_trust.get(), &ui::CaService::caChanged);
        QTest::mouseClick(child<QPushButton>(dialog, "regenerate"), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!dialog.isBusy(), 60000);
        QVERIFY(child<QLabel>(dialog, "caFingerprint")->text() != before);
        QCOMPARE(changed.size(), 1);
    }
};

QTEST_MAIN(TestRootCaDialog)
#include "tst_RootCaDialog.moc"
