#include "InterceptRulesDialog.h"

#include "PatternListEditor.h"
#include "ui/services/ProxyControl.h"

#include <QDateTime>
#include <QDialogButtonBox>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

namespace spyglass::ui {

using core::proxy::InterceptPattern;
using core::proxy::InterceptRules;

namespace {

QString canonicalPattern(const QString& text, QString* error) {
    const auto pattern = InterceptPattern::parse(text, error);
    return pattern ? pattern->text() : QString();
}

} // namespace

InterceptRulesDialog::InterceptRulesDialog(const InterceptRules& rules, ProxyControl& proxy,
                                           QWidget* parent)
    : QDialog(parent)
    , m_proxy(proxy) {
    setObjectName(QStringLiteral("interceptRulesDialog"));
    setWindowTitle(tr("Intercept rules"));
    auto* layout = new QVBoxLayout(this);

    auto* intro = new QLabel(
        tr("HTTPS to hosts that match an <b>include</b> pattern is decrypted and recorded "
           "(with the Spyglass root CA); everything else is tunnelled blindly. An "
           "<b>exclude</b> pattern wins over every include pattern. Patterns: "
           "<code>example.com</code>, <code>*.example.com</code> (subdomains), "
           "<code>api.example.com:8443</code>, <code>*</code> (everything)."),
        this);
    intro->setWordWrap(true);
    layout->addWidget(intro);

    auto* lists = new QHBoxLayout;
    auto* includeBox = new QGroupBox(tr("Intercept (include)"), this);
    auto* includeLayout = new QVBoxLayout(includeBox);
    m_include = new PatternListEditor(QStringLiteral("include"), QStringLiteral("*.example.com"),
                                      canonicalPattern, includeBox);
    m_include->setPatterns(rules.includes());
    includeLayout->addWidget(m_include);
    auto* excludeBox = new QGroupBox(tr("Never intercept (exclude)"), this);
    auto* excludeLayout = new QVBoxLayout(excludeBox);
    m_exclude =
        new PatternListEditor(QStringLiteral("exclude"), QStringLiteral("login.example.com"),
                              canonicalPattern, excludeBox);
    m_exclude->setPatterns(rules.excludes());
    excludeLayout->addWidget(m_exclude);
    lists->addWidget(includeBox);
    lists->addWidget(excludeBox);
    layout->addLayout(lists, 1);

    auto* testerBox = new QGroupBox(tr("Test a host"), this);
    auto* testerLayout = new QHBoxLayout(testerBox);
    m_testInput = new QLineEdit(testerBox);
    m_testInput->setObjectName(QStringLiteral("testerInput"));
    m_testInput->setPlaceholderText(QStringLiteral("example.com:443"));
    m_testResult = new QLabel(testerBox);
    m_testResult->setObjectName(QStringLiteral("testerResult"));
    m_testResult->setTextInteractionFlags(Qt::TextSelectableByMouse);
    testerLayout->addWidget(m_testInput, 1);
    testerLayout->addWidget(m_testResult, 2);
    layout->addWidget(testerBox);

    auto* passBox =
        new QGroupBox(tr("Passed through after the client rejected our certificate"), this);
    auto* passLayout = new QVBoxLayout(passBox);
    auto* passNote = new QLabel(
        tr("These hosts are tunnelled blindly for 10 minutes (certificate pinning, or a client "
           "that does not trust the Spyglass CA). Clear the list to intercept them again."),
        passBox);
    passNote->setWordWrap(true);
    passLayout->addWidget(passNote);
    m_passthrough = new QListWidget(passBox);
    m_passthrough->setObjectName(QStringLiteral("passthroughList"));
    m_passthrough->setMaximumHeight(110);
    passLayout->addWidget(m_passthrough);
    auto* passButtons = new QHBoxLayout;
    auto* refresh = new QPushButton(tr("Refresh"), passBox);
    refresh->setObjectName(QStringLiteral("refreshPassthroughButton"));
    auto* clear = new QPushButton(tr("Clear"), passBox);
    clear->setObjectName(QStringLiteral("clearPassthroughButton"));
    passButtons->addStretch(1);
    passButtons->addWidget(refresh);
    passButtons->addWidget(clear);
    passLayout->addLayout(passButtons);
    layout->addWidget(passBox);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->setObjectName(QStringLiteral("buttons"));
    layout->addWidget(buttons);

    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_testInput, &QLineEdit::textChanged, this, &InterceptRulesDialog::updateTester);
    connect(m_include, &PatternListEditor::changed, this, &InterceptRulesDialog::updateTester);
    connect(m_exclude, &PatternListEditor::changed, this, &InterceptRulesDialog::updateTester);
    connect(refresh, &QPushButton::clicked, this, &InterceptRulesDialog::refreshPassthrough);
    connect(clear, &QPushButton::clicked, this, [this] {
        m_proxy.clearPassthrough();
        refreshPassthrough();
    });
    refreshPassthrough();
    updateTester();
    resize(760, 620);
}

InterceptRules InterceptRulesDialog::rules() const {
    InterceptRules rules;
    QString ignored; // every entry was validated when it was added
    for (const QString& p : m_include->patterns())
        rules.addInclude(p, &ignored);
    for (const QString& p : m_exclude->patterns())
        rules.addExclude(p, &ignored);
    return rules;
}

QString InterceptRulesDialog::testText(const InterceptRules& rules, const QString& input) {
    const QString text = input.trimmed();
    if (text.isEmpty())
        return tr("Type host:port to see what happens to it.");
    // "host:port", "[v6]:port", or a bare host (then 443, what browsers use).
    QString host = text;
    quint16 port = 443;
    const qsizetype colon = text.lastIndexOf(u':');
    const bool bracketed = text.startsWith(u'[');
    if (colon > 0 && (!bracketed || text.at(colon - 1) == u']') &&
        (bracketed || text.indexOf(u':') == colon)) {
        bool ok = false;
        const uint value = text.mid(colon + 1).toUInt(&ok);
        if (!ok || value == 0 || value > 65535)
            return tr("\"%1\" is not a valid port").arg(text.mid(colon + 1));
        port = static_cast<quint16>(value);
        host = text.left(colon);
    }
    if (host.startsWith(u'[') && host.endsWith(u']'))
        host = host.mid(1, host.size() - 2);
    QString why;
    const auto canonical = InterceptPattern::parse(host, &why);
    if (!canonical || canonical->kind() == InterceptPattern::Kind::Any ||
        canonical->kind() == InterceptPattern::Kind::Subdomains)
        return tr("\"%1\" is not a host name or address").arg(host);
    const QByteArray ace =
        canonical->kind() == InterceptPattern::Kind::Exact ? canonical->host() : host.toLatin1();
    const auto decision = rules.decide(ace, port);
    return text + QStringLiteral(" → ") + decision.reason;
}

void InterceptRulesDialog::updateTester() {
    m_testResult->setText(testText(rules(), m_testInput->text()));
}

void InterceptRulesDialog::refreshPassthrough() {
    m_passthrough->clear();
    const auto entries = m_proxy.passthroughHosts();
    const qint64 nowUs = QDateTime::currentMSecsSinceEpoch() * 1000;
    for (const auto& entry : entries) {
        const qint64 minutes = std::max<qint64>(1, (entry.untilUs - nowUs) / 60'000'000);
        m_passthrough->addItem(tr("%1 — %2 (%3 min left)")
                                   .arg(QString::fromLatin1(entry.host), entry.reason)
                                   .arg(minutes));
    }
    if (entries.isEmpty())
        m_passthrough->addItem(tr("(none)"));
}

} // namespace spyglass::ui
