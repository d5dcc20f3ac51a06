#include "RootCaDialog.h"

#include "ui/services/UserPrompts.h"

#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QTabWidget>
#include <QThread>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <memory>

namespace spyglass::ui {

namespace {

QLabel* valueLabel(const QString& name, QWidget* parent) {
    auto* label = new QLabel(parent);
    label->setObjectName(name);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->setWordWrap(true);
    return label;
}

QString dateText(const QDateTime& t) {
    return t.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm 'UTC'"));
}

} // namespace

RootCaDialog::RootCaDialog(CaService& ca, UserPrompts& prompts, QWidget* parent)
    : QDialog(parent)
    , m_ca(ca)
    , m_prompts(prompts) {
    setObjectName(QStringLiteral("rootCaDialog"));
    setWindowTitle(tr("Root CA"));
    auto* layout = new QVBoxLayout(this);

    auto* identity = new QGroupBox(tr("Spyglass root certificate"), this);
    auto* form = new QFormLayout(identity);
    m_subject = valueLabel(QStringLiteral("caSubject"), identity);
    m_fingerprint = valueLabel(QStringLiteral("caFingerprint"), identity);
    m_fingerprint->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_validity = valueLabel(QStringLiteral("caValidity"), identity);
    m_path = valueLabel(QStringLiteral("caPath"), identity);
    form->addRow(tr("Subject"), m_subject);
    form->addRow(tr("SHA-256"), m_fingerprint);
    form->addRow(tr("Valid"), m_validity);
    form->addRow(tr("File"), m_path);
    layout->addWidget(identity);

    auto* tabs = new QTabWidget(this);
    auto* trustPage = new QWidget(tabs);
    auto* trustLayout = new QVBoxLayout(trustPage);
    m_stores = new QTreeWidget(trustPage);
    m_stores->setObjectName(QStringLiteral("trustStores"));
    m_stores->setHeaderLabels({tr("Trust store"), tr("Trusted"), tr("Detail")});
    m_stores->setRootIsDecorated(false);
    m_stores->header()->setStretchLastSection(true);
    m_stores->setColumnWidth(0, 440);
    m_stores->setColumnWidth(1, 70);
    trustLayout->addWidget(m_stores, 1);

    const auto button = [&](const QString& name, const QString& text, QWidget* parentWidget) {
        auto* b = new QPushButton(text, parentWidget);
        b->setObjectName(name);
        m_actionButtons << b;
        return b;
    };
    auto* storeButtons = new QGridLayout;
    auto* installSystem =
        button(QStringLiteral("installSystem"), tr("Install in system store…"), trustPage);
    installSystem->setToolTip(tr("Runs `spyglass-cli ca install --system` through pkexec, "
                                 "which asks for your password."));
    auto* uninstallSystem =
        button(QStringLiteral("uninstallSystem"), tr("Remove from system store…"), trustPage);
    auto* installNss =
        button(QStringLiteral("installNss"), tr("Install in Firefox/Chromium (NSS)"), trustPage);
    auto* uninstallNss =
        button(QStringLiteral("uninstallNss"), tr("Remove from Firefox/Chromium (NSS)"), trustPage);
    storeButtons->addWidget(installSystem, 0, 0);
    storeButtons->addWidget(uninstallSystem, 0, 1);
    storeButtons->addWidget(installNss, 1, 0);
    storeButtons->addWidget(uninstallNss, 1, 1);
    trustLayout->addLayout(storeButtons);
    m_progress = new QProgressBar(trustPage);
    m_progress->setObjectName(QStringLiteral("caProgress"));
    m_progress->setRange(0, 0); // busy: the stores report no progress
    m_progress->hide();
    trustLayout->addWidget(m_progress);
    m_report = new QPlainTextEdit(trustPage);
    m_report->setObjectName(QStringLiteral("caReport"));
    m_report->setReadOnly(true);
    m_report->setPlaceholderText(tr("What an install or removal changed appears here."));
    m_report->setMaximumHeight(120);
    trustLayout->addWidget(m_report);
    tabs->addTab(trustPage, tr("Trust"));

    auto* manualPage = new QWidget(tabs);
    auto* manualLayout = new QVBoxLayout(manualPage);
    m_manual = new QPlainTextEdit(manualPage);
    m_manual->setObjectName(QStringLiteral("manualSteps"));
    m_manual->setReadOnly(true);
    m_manual->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    manualLayout->addWidget(m_manual);
    tabs->addTab(manualPage, tr("Manual steps (other OSes, Android, iOS)"));
    layout->addWidget(tabs, 1);

    auto* bottom = new QHBoxLayout;
    auto* exportPem = button(QStringLiteral("exportPem"), tr("Export PEM…"), this);
    auto* exportDer = button(QStringLiteral("exportDer"), tr("Export DER…"), this);
    auto* exportP12 = button(QStringLiteral("exportP12"), tr("Export P12…"), this);
    auto* regenerate = button(QStringLiteral("regenerate"), tr("Regenerate…"), this);
    bottom->addWidget(exportPem);
    bottom->addWidget(exportDer);
    bottom->addWidget(exportP12);
    bottom->addStretch(1);
    bottom->addWidget(regenerate);
    auto* close = new QDialogButtonBox(QDialogButtonBox::Close, this);
    bottom->addWidget(close);
    layout->addLayout(bottom);

    connect(close, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(exportPem, &QPushButton::clicked, this, [this] { exportAs(CaService::Format::Pem); });
    connect(exportDer, &QPushButton::clicked, this, [this] { exportAs(CaService::Format::Der); });
    connect(exportP12, &QPushButton::clicked, this, [this] { exportAs(CaService::Format::P12); });
    connect(installSystem, &QPushButton::clicked, this, [this] {
        runInBackground(tr("Install in the system store"),
                        [this] { return m_ca.install(CaService::Store::System); });
    });
    connect(uninstallSystem, &QPushButton::clicked, this, [this] {
        runInBackground(tr("Remove from the system store"),
                        [this] { return m_ca.uninstall(CaService::Store::System); });
    });
    connect(installNss, &QPushButton::clicked, this, [this] {
        runInBackground(tr("Install in NSS databases"),
                        [this] { return m_ca.install(CaService::Store::Nss); });
    });
    connect(uninstallNss, &QPushButton::clicked, this, [this] {
        runInBackground(tr("Remove from NSS databases"),
                        [this] { return m_ca.uninstall(CaService::Store::Nss); });
    });
    connect(regenerate, &QPushButton::clicked, this, [this] {
        if (!m_prompts.confirm(
                this, tr("Regenerate the root CA?"),
                tr("A new root CA replaces this one. The old one is removed from every store "
                   "Spyglass installed it into (the system store asks for your password), "
                   "and phones, other machines and browsers that trust it by hand stop "
                   "trusting Spyglass until you install the new one there.\n\nRegenerate?")))
            return;
        runInBackground(tr("Regenerate"), [this] { return m_ca.regenerate(); });
    });
    refresh();
    resize(820, 600);
}

void RootCaDialog::refresh() {
    const CaService::Info info = m_ca.info();
    if (!info.exists) {
        m_subject->setText(info.error.isEmpty() ? tr("No CA yet (created on first export or "
                                                     "install)")
                                                : info.error);
        m_fingerprint->clear();
        m_validity->clear();
    } else {
        m_subject->setText(info.subject);
        m_fingerprint->setText(info.fingerprint);
        const qint64 days = QDateTime::currentDateTimeUtc().daysTo(info.notAfter);
        m_validity->setText(tr("%1 to %2 (%3 days left)")
                                .arg(dateText(info.notBefore), dateText(info.notAfter))
                                .arg(days));
    }
    m_path->setText(info.certificatePath);
    m_stores->clear();
    for (const auto& row : m_ca.trustStatus()) {
        auto* item = new QTreeWidgetItem(
            m_stores, {row.store, row.installed ? tr("yes") : tr("no"), row.detail});
        item->setToolTip(0, row.store);
        item->setToolTip(2, row.detail);
    }
    m_manual->setPlainText(m_ca.manualSteps());
}

QString RootCaDialog::reportText() const {
    return m_report->toPlainText();
}

void RootCaDialog::exportAs(CaService::Format format) {
    static const QString kSuffixes[] = {QStringLiteral("pem"), QStringLiteral("cer"),
                                        QStringLiteral("p12")};
    static const QString kFilters[] = {tr("PEM certificate (*.pem *.crt)"),
                                       tr("DER certificate (*.cer *.der)"), tr("PKCS#12 (*.p12)")};
    const int index = static_cast<int>(format);
    const QString file =
        m_prompts.saveFileName(this, tr("Export the root CA certificate"),
                               QStringLiteral("spyglass-ca.") + kSuffixes[index], kFilters[index]);
    if (file.isEmpty())
        return;
    QString error;
    if (!m_ca.exportCertificate(file, format, &error)) {
        m_prompts.error(this, tr("Export failed"), error);
        return;
    }
    m_report->setPlainText(tr("Wrote the certificate (never the key) to %1").arg(file));
    refresh();
}

void RootCaDialog::runInBackground(const QString& what, std::function<CaService::Report()> job) {
    if (m_busy)
        return;
    setBusy(true, what);
    // A plain QThread (no QtConcurrent dependency): the job may wait minutes
    // for a pkexec password, so it must not hold a pool thread either.
    auto result = std::make_shared<CaService::Report>();
    QThread* worker = QThread::create([job = std::move(job), result] { *result = job(); });
    connect(worker, &QThread::finished, this, [this, worker, result, what] {
        worker->deleteLater();
        setBusy(false);
        showReport(what, *result);
        refresh();
    });
    worker->start();
}

void RootCaDialog::showReport(const QString& what, const CaService::Report& report) {
    QStringList lines;
    lines << (report.ok() ? tr("%1: done.").arg(what) : tr("%1: FAILED.").arg(what));
    if (report.changes.isEmpty())
        lines << tr("Nothing changed.");
    for (const QString& change : report.changes)
        lines << tr("Changed: %1").arg(change);
    for (const QString& skipped : report.skipped)
        lines << tr("Skipped: %1").arg(skipped);
    for (const QString& error : report.errors)
        lines << tr("Error: %1").arg(error);
    m_report->setPlainText(lines.join(u'\n'));
    if (!report.ok())
        m_prompts.error(this, what, report.errors.join(u'\n'));
}

void RootCaDialog::setBusy(bool busy, const QString& what) {
    m_busy = busy;
    for (QPushButton* b : std::as_const(m_actionButtons))
        b->setEnabled(!busy);
    m_progress->setVisible(busy);
    if (busy)
        m_report->setPlainText(tr("%1…").arg(what));
}

} // namespace spyglass::ui
