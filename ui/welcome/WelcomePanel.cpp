#include "WelcomePanel.h"

#include <QClipboard>
#include <QFontDatabase>
#include <QGridLayout>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace spyglass::ui {

WelcomePanel::WelcomePanel(QWidget* parent)
    : QWidget(parent) {
    setObjectName(QStringLiteral("welcomePanel"));
    auto* outer = new QVBoxLayout(this);
    outer->addStretch(1);
    auto* card = new QWidget(this);
    card->setMaximumWidth(820);
    auto* layout = new QVBoxLayout(card);
    layout->setSpacing(10);

    m_title = new QLabel(card);
    m_title->setObjectName(QStringLiteral("welcomeTitle"));
    QFont big = m_title->font();
    big.setPointSizeF(big.pointSizeF() * 1.5);
    big.setBold(true);
    m_title->setFont(big);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_title);

    auto* step1 = new QLabel(tr("<b>1.</b> Point a client at the proxy:"), card);
    layout->addWidget(step1);
    auto* grid = new QGridLayout;
    m_export = addCopyRow(QStringLiteral("welcomeExport"), card, grid, 0, tr("Shell"));
    m_curl = addCopyRow(QStringLiteral("welcomeCurl"), card, grid, 1, tr("curl"));
    layout->addLayout(grid);

    auto* step2 = new QLabel(tr("<b>2.</b> To see inside HTTPS, trust the Spyglass root CA "
                                "and choose which hosts to intercept:"),
                             card);
    step2->setWordWrap(true);
    layout->addWidget(step2);
    auto* caRow = new QHBoxLayout;
    m_caButton = new QPushButton(tr("Install the root CA…"), card);
    m_caButton->setObjectName(QStringLiteral("welcomeInstallCa"));
    auto* rules = new QPushButton(tr("Intercept rules…"), card);
    rules->setObjectName(QStringLiteral("welcomeRules"));
    m_caState = new QLabel(card);
    m_caState->setObjectName(QStringLiteral("welcomeCaState"));
    caRow->addWidget(m_caButton);
    caRow->addWidget(rules);
    caRow->addWidget(m_caState, 1);
    layout->addLayout(caRow);
    auto* howTo = new QLabel(
        tr("Add a pattern such as <code>*.example.com</code> under Intercept rules "
           "(Ctrl+I), or right-click a host in the host list and choose Intercept. Other "
           "HTTPS stays a blind tunnel: you see the host and the byte counts only."),
        card);
    howTo->setWordWrap(true);
    layout->addWidget(howTo);
    auto* dismiss = new QPushButton(tr("Hide this"), card);
    dismiss->setObjectName(QStringLiteral("welcomeDismiss"));
    dismiss->setFlat(true);
    auto* dismissRow = new QHBoxLayout;
    dismissRow->addStretch(1);
    dismissRow->addWidget(dismiss);
    layout->addLayout(dismissRow);

    auto* center = new QHBoxLayout;
    center->addStretch(1);
    center->addWidget(card, 4);
    center->addStretch(1);
    outer->addLayout(center);
    outer->addStretch(2);

    connect(m_caButton, &QPushButton::clicked, this, &WelcomePanel::rootCaRequested);
    connect(rules, &QPushButton::clicked, this, &WelcomePanel::interceptRulesRequested);
    connect(dismiss, &QPushButton::clicked, this, &WelcomePanel::dismissed);
    setListenAddress(QStringLiteral("127.0.0.1:8080"));
    setCaTrusted(false);
}

QLineEdit* WelcomePanel::addCopyRow(const QString& name, QWidget* parent, QGridLayout* grid,
                                    int row, const QString& label) {
    auto* edit = new QLineEdit(parent);
    edit->setObjectName(name);
    edit->setReadOnly(true);
    edit->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    auto* copy = new QPushButton(tr("Copy"), parent);
    copy->setObjectName(name + QStringLiteral("Copy"));
    connect(copy, &QPushButton::clicked, this,
            [edit] { QGuiApplication::clipboard()->setText(edit->text()); });
    grid->addWidget(new QLabel(label, parent), row, 0);
    grid->addWidget(edit, row, 1);
    grid->addWidget(copy, row, 2);
    return edit;
}

void WelcomePanel::setListenAddress(const QString& address) {
    m_title->setText(tr("Spyglass is listening on %1").arg(address));
    const QString url = QStringLiteral("http://") + address;
    m_export->setText(QStringLiteral("export https_proxy=%1 http_proxy=%1").arg(url));
    m_curl->setText(QStringLiteral("curl -x %1 https://example.com/").arg(url));
}

void WelcomePanel::setCaTrusted(bool trusted) {
    m_caState->setText(trusted ? tr("The system store trusts the Spyglass CA.")
                               : tr("The system store does not trust the Spyglass CA yet."));
    m_caButton->setText(trusted ? tr("Root CA…") : tr("Install the root CA…"));
}

QString WelcomePanel::exportLine() const {
    return m_export->text();
}

QString WelcomePanel::curlLine() const {
    return m_curl->text();
}

} // namespace spyglass::ui
