#include "SettingsDialog.h"

#include "PatternListEditor.h"
#include "ui/services/UserPrompts.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHostAddress>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QRegularExpression>
#include <QSpinBox>
#include <QTabWidget>
#include <QUrl>
#include <QVBoxLayout>

namespace spyglass::ui {

using core::proxy::InterceptPattern;
using core::proxy::ProxyConfig;
using core::proxy::UpstreamProxy;

namespace {

QLabel* note(const QString& text, QWidget* parent) {
    auto* label = new QLabel(text, parent);
    label->setWordWrap(true);
    QFont small = label->font();
    small.setPointSizeF(small.pointSizeF() * 0.9);
    label->setFont(small);
    label->setForegroundRole(QPalette::PlaceholderText);
    return label;
}

QString canonicalPattern(const QString& text, QString* error) {
    const auto pattern = InterceptPattern::parse(text, error);
    return pattern ? pattern->text() : QString();
}

} // namespace

SettingsDialog::SettingsDialog(const ProxyConfig& config, const RecordingSettings& recording,
                               UserPrompts& prompts, QWidget* parent)
    : QDialog(parent)
    , m_prompts(prompts)
    , m_result(config)
    , m_recording(recording) {
    setObjectName(QStringLiteral("settingsDialog"));
    setWindowTitle(tr("Settings"));
    auto* layout = new QVBoxLayout(this);
    m_tabs = new QTabWidget(this);
    m_tabs->addTab(buildProxyPage(), tr("Proxy"));
    m_tabs->addTab(buildUpstreamPage(), tr("Upstream"));
    m_tabs->addTab(buildRecordingPage(), tr("Recording"));
    layout->addWidget(m_tabs, 1);
    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("settingsError"));
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #d9534f;"));
    m_error->hide();
    layout->addWidget(m_error);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->setObjectName(QStringLiteral("buttons"));
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    load(config, recording);
    resize(620, 520);
}

QWidget* SettingsDialog::buildProxyPage() {
    auto* page = new QWidget(this);
    auto* form = new QFormLayout(page);
    m_listenHost = new QLineEdit(page);
    m_listenHost->setObjectName(QStringLiteral("listenHost"));
    m_listenPort = new QSpinBox(page);
    m_listenPort->setObjectName(QStringLiteral("listenPort"));
    m_listenPort->setRange(0, 65535);
    m_listenPort->setSpecialValueText(tr("any free port"));
    auto* listenRow = new QHBoxLayout;
    listenRow->addWidget(m_listenHost, 1);
    listenRow->addWidget(new QLabel(tr("port"), page));
    listenRow->addWidget(m_listenPort);
    form->addRow(tr("Listen on"), listenRow);
    form->addRow(QString(), note(tr("Changing the address restarts the listener; open "
                                    "connections are kept."),
                                 page));
    m_allowLan = new QCheckBox(tr("Allow clients from the local network (phones, VMs)"), page);
    m_allowLan->setObjectName(QStringLiteral("allowLan"));
    form->addRow(QString(), m_allowLan);
    m_connectPorts = new QLineEdit(page);
    m_connectPorts->setObjectName(QStringLiteral("connectPorts"));
    m_connectPorts->setPlaceholderText(QStringLiteral("443, 8443"));
    form->addRow(tr("CONNECT ports"), m_connectPorts);
    m_anyPort = new QCheckBox(tr("Allow CONNECT to any port"), page);
    m_anyPort->setObjectName(QStringLiteral("anyConnectPort"));
    form->addRow(QString(), m_anyPort);
    m_authEnabled = new QCheckBox(tr("Require proxy authentication (Basic)"), page);
    m_authEnabled->setObjectName(QStringLiteral("authEnabled"));
    form->addRow(QString(), m_authEnabled);
    m_authUser = new QLineEdit(page);
    m_authUser->setObjectName(QStringLiteral("authUser"));
    m_authPassword = new QLineEdit(page);
    m_authPassword->setObjectName(QStringLiteral("authPassword"));
    m_authPassword->setEchoMode(QLineEdit::PasswordEchoOnEdit);
    form->addRow(tr("User"), m_authUser);
    form->addRow(tr("Password"), m_authPassword);
    connect(m_authEnabled, &QCheckBox::toggled, m_authUser, &QWidget::setEnabled);
    connect(m_authEnabled, &QCheckBox::toggled, m_authPassword, &QWidget::setEnabled);
    connect(m_anyPort, &QCheckBox::toggled, m_connectPorts, &QWidget::setDisabled);
    return page;
}

QWidget* SettingsDialog::buildUpstreamPage() {
    auto* page = new QWidget(this);
    auto* layout = new QVBoxLayout(page);
    auto* form = new QFormLayout;
    m_upstream = new QLineEdit(page);
    m_upstream->setObjectName(QStringLiteral("upstreamProxy"));
    m_upstream->setPlaceholderText(QStringLiteral("http://[user:pass@]host:port"));
    form->addRow(tr("Upstream proxy"), m_upstream);
    layout->addLayout(form);
    layout->addWidget(new QLabel(tr("Extra CA certificates trusted for intercepted servers "
                                    "(PEM files, on top of the system store):"),
                                 page));
    m_caFiles = new QListWidget(page);
    m_caFiles->setObjectName(QStringLiteral("upstreamCaFiles"));
    m_caFiles->setMaximumHeight(90);
    layout->addWidget(m_caFiles);
    auto* caButtons = new QHBoxLayout;
    auto* addCa = new QPushButton(tr("Add…"), page);
    addCa->setObjectName(QStringLiteral("addUpstreamCa"));
    auto* removeCa = new QPushButton(tr("Remove"), page);
    removeCa->setObjectName(QStringLiteral("removeUpstreamCa"));
    caButtons->addStretch(1);
    caButtons->addWidget(addCa);
    caButtons->addWidget(removeCa);
    layout->addLayout(caButtons);
    layout->addWidget(new QLabel(tr("Hosts whose certificate errors are ignored when "
                                    "intercepting (insecure; shown on every exchange):"),
                                 page));
    m_insecure = new PatternListEditor(QStringLiteral("insecure"),
                                       QStringLiteral("dev.example.test"), canonicalPattern, page);
    layout->addWidget(m_insecure, 1);
    connect(addCa, &QPushButton::clicked, this, [this] {
        const QString file = m_prompts.openFileName(this, tr("Add an upstream CA"), QString(),
                                                    tr("PEM certificates (*.pem *.crt);;All "
                                                       "files (*)"));
        if (!file.isEmpty() && m_caFiles->findItems(file, Qt::MatchExactly).isEmpty())
            m_caFiles->addItem(file);
    });
    connect(removeCa, &QPushButton::clicked, this, [this] { delete m_caFiles->currentItem(); });
    return page;
}

QWidget* SettingsDialog::buildRecordingPage() {
    auto* page = new QWidget(this);
    auto* form = new QFormLayout(page);
    m_bodyCapKib = new QSpinBox(page);
    m_bodyCapKib->setObjectName(QStringLiteral("bodyCap"));
    m_bodyCapKib->setRange(0, 4 * 1024 * 1024); // 4 GiB in KiB
    m_bodyCapKib->setSuffix(tr(" KiB"));
    m_bodyCapKib->setSpecialValueText(tr("headers only"));
    form->addRow(tr("Body capture cap"), m_bodyCapKib);
    form->addRow(QString(), note(tr("Bytes of each body that are recorded; longer bodies are "
                                    "marked truncated with their true size."),
                                 page));
    m_durable = new QCheckBox(tr("Durable capture (every commit reaches the disk; slower)"), page);
    m_durable->setObjectName(QStringLiteral("durable"));
    form->addRow(QString(), m_durable);
    form->addRow(QString(), note(tr("The cap and durability apply from the next session "
                                    "(File ▸ New session)."),
                                 page));
    m_passthrough = new QCheckBox(tr("Tunnel a host blindly for 10 minutes after its client "
                                     "rejects the Spyglass certificate"),
                                  page);
    m_passthrough->setObjectName(QStringLiteral("passthroughOnReject"));
    form->addRow(tr("Interception"), m_passthrough);
    return page;
}

void SettingsDialog::load(const ProxyConfig& config, const RecordingSettings& recording) {
    m_listenHost->setText(config.listenHost);
    m_listenPort->setValue(config.listenPort);
    m_allowLan->setChecked(config.allowLan);
    QStringList ports;
    for (quint16 port : config.allowedConnectPorts)
        ports << QString::number(port);
    m_connectPorts->setText(ports.join(QStringLiteral(", ")));
    m_anyPort->setChecked(config.allowAnyConnectPort);
    m_connectPorts->setDisabled(config.allowAnyConnectPort);
    const QByteArray credentials = config.basicCredentials;
    const qsizetype colon = credentials.indexOf(':');
    m_authEnabled->setChecked(!credentials.isEmpty());
    m_authUser->setText(QString::fromUtf8(credentials.left(std::max<qsizetype>(colon, 0))));
    m_authPassword->setText(colon >= 0 ? QString::fromUtf8(credentials.mid(colon + 1)) : QString());
    m_authUser->setEnabled(!credentials.isEmpty());
    m_authPassword->setEnabled(!credentials.isEmpty());
    m_upstream->setText(config.upstreamProxy ? upstreamText(*config.upstreamProxy) : QString());
    m_caFiles->clear();
    m_caFiles->addItems(config.intercept.upstreamCaFiles);
    QStringList insecure;
    for (const auto& pattern : config.intercept.insecureUpstream)
        insecure << pattern.text();
    m_insecure->setPatterns(insecure);
    m_bodyCapKib->setValue(
        static_cast<int>(std::min<qint64>(recording.bodyCap / 1024, m_bodyCapKib->maximum())));
    m_durable->setChecked(recording.durable);
    m_passthrough->setChecked(config.intercept.passthroughOnReject);
}

bool SettingsDialog::validate(QString* errorOut) {
    ProxyConfig config = m_result;
    QString error;
    const auto fail = [&](int tab, const QString& message) {
        m_tabs->setCurrentIndex(tab);
        m_error->setText(message);
        m_error->show();
        if (errorOut)
            *errorOut = message;
        return false;
    };
    QString host = m_listenHost->text().trimmed();
    if (host.startsWith(u'[') && host.endsWith(u']'))
        host = host.mid(1, host.size() - 2);
    const QHostAddress address(host == QLatin1StringView("localhost") ? QStringLiteral("127.0.0.1")
                                                                      : host);
    if (address.isNull())
        return fail(0, tr("Listen on: \"%1\" is not an IP address (e.g. 127.0.0.1 or ::1)")
                           .arg(m_listenHost->text()));
    if (!address.isLoopback() && !m_allowLan->isChecked())
        return fail(0, tr("Listen on: %1 is not a loopback address; tick \"Allow clients from "
                          "the local network\" to listen there")
                           .arg(host));
    config.listenHost = address.toString();
    config.listenPort = static_cast<quint16>(m_listenPort->value());
    config.allowLan = m_allowLan->isChecked();
    config.allowAnyConnectPort = m_anyPort->isChecked();
    config.allowedConnectPorts.clear();
    const auto words = m_connectPorts->text().split(QRegularExpression(QStringLiteral("[,\\s]+")),
                                                    Qt::SkipEmptyParts);
    for (const QString& word : words) {
        bool ok = false;
        const uint port = word.toUInt(&ok);
        if (!ok || port == 0 || port > 65535)
            return fail(0, tr("CONNECT ports: \"%1\" is not a port from 1 to 65535").arg(word));
        config.allowedConnectPorts.insert(static_cast<quint16>(port));
    }
    if (config.allowedConnectPorts.empty() && !config.allowAnyConnectPort)
        return fail(0, tr("CONNECT ports: give at least one port (443 for HTTPS) or allow any "
                          "port"));
    config.basicCredentials.clear();
    if (m_authEnabled->isChecked()) {
        const QString user = m_authUser->text();
        if (user.isEmpty() || user.contains(u':'))
            return fail(0, tr("Proxy authentication: the user name must not be empty or "
                              "contain ':'"));
        config.basicCredentials = user.toUtf8() + ':' + m_authPassword->text().toUtf8();
    }
    const auto upstream = parseUpstream(m_upstream->text(), &error);
    if (!error.isEmpty())
        return fail(1, error);
    config.upstreamProxy = upstream;
    config.intercept.upstreamCaFiles.clear();
    for (int i = 0; i < m_caFiles->count(); ++i) {
        const QString file = m_caFiles->item(i)->text();
        if (!QFileInfo(file).isReadable())
            return fail(1, tr("Extra CA: %1 cannot be read").arg(file));
        config.intercept.upstreamCaFiles << file;
    }
    config.intercept.insecureUpstream.clear();
    for (const QString& text : m_insecure->patterns()) {
        auto pattern = InterceptPattern::parse(text, &error);
        if (!pattern)
            return fail(1, error);
        config.intercept.insecureUpstream.push_back(*pattern);
    }
    config.intercept.passthroughOnReject = m_passthrough->isChecked();
    m_recording.bodyCap = qint64{m_bodyCapKib->value()} * 1024;
    m_recording.durable = m_durable->isChecked();
    m_result = config;
    m_error->hide();
    return true;
}

void SettingsDialog::accept() {
    if (validate())
        QDialog::accept();
}

// The same syntax as --upstream-proxy (app/common/ProxyOptions, which ui/
// may not include): only http://, a host and a port, no path.
std::optional<UpstreamProxy> SettingsDialog::parseUpstream(const QString& text, QString* error) {
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty())
        return std::nullopt;
    const QUrl url(trimmed, QUrl::StrictMode);
    if (!url.isValid() || url.scheme() != QLatin1StringView("http") || url.host().isEmpty() ||
        url.port() <= 0 || (!url.path().isEmpty() && url.path() != QLatin1StringView("/"))) {
        *error = tr("Upstream proxy: give http://[user:pass@]host:port, not \"%1\"").arg(trimmed);
        return std::nullopt;
    }
    UpstreamProxy proxy;
    proxy.host = url.host().toLatin1();
    proxy.port = static_cast<quint16>(url.port());
    if (!url.userName().isEmpty())
        proxy.basicCredentials = url.userName(QUrl::FullyDecoded).toUtf8() + ':' +
                                 url.password(QUrl::FullyDecoded).toUtf8();
    return proxy;
}

QString SettingsDialog::upstreamText(const UpstreamProxy& upstream) {
    QUrl url;
    url.setScheme(QStringLiteral("http"));
    url.setHost(QString::fromLatin1(upstream.host));
    url.setPort(upstream.port);
    if (!upstream.basicCredentials.isEmpty()) {
        const qsizetype colon = upstream.basicCredentials.indexOf(':');
        url.setUserName(QString::fromUtf8(upstream.basicCredentials.left(colon)));
        url.setPassword(QString::fromUtf8(upstream.basicCredentials.mid(colon + 1)));
    }
    return url.toString();
}

} // namespace spyglass::ui
