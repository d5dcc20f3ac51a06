#include "StatusBarPanel.h"

#include "services/ProxyControl.h"
#include "services/RecordingControl.h"

#include <QFileInfo>
#include <QLabel>
#include <QLocale>
#include <QStatusBar>
#include <QStyle>
#include <QTimer>
#include <QToolButton>

namespace spyglass::ui {

namespace {
constexpr int kRefreshMs = 500;
constexpr int kSoonMs = 50;

QLabel* addLabel(QStatusBar* bar, const char* name, bool permanent = true) {
    auto* label = new QLabel(bar);
    label->setObjectName(QString::fromLatin1(name));
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    if (permanent)
        bar->addPermanentWidget(label);
    else
        bar->addWidget(label);
    return label;
}
} // namespace

StatusBarPanel::StatusBarPanel(QStatusBar* bar, ProxyControl& proxy, RecordingControl& recording)
    : QObject(bar)
    , m_proxy(proxy)
    , m_recording(recording) {
    m_listen = addLabel(bar, "statusListen", false);
    m_state = addLabel(bar, "statusRecording", false);
    m_storage = addLabel(bar, "statusStorage", false);
    m_storage->setStyleSheet(QStringLiteral("color: #d9534f;"));
    m_retry = new QToolButton(bar);
    m_retry->setObjectName(QStringLiteral("statusRetry"));
    m_retry->setText(tr("Retry"));
    m_retry->setToolTip(tr("Try recording again now (after freeing disk space)"));
    bar->addWidget(m_retry);
    m_counts = addLabel(bar, "statusCounts");
    m_counts->setToolTip(tr("Exchanges in the session shown, and how many the filter lists"));
    m_dropped = addLabel(bar, "statusDropped");
    m_caWarning = new QToolButton(bar);
    m_caWarning->setObjectName(QStringLiteral("statusCaWarning"));
    m_caWarning->setIcon(bar->style()->standardIcon(QStyle::SP_MessageBoxWarning));
    m_caWarning->setText(tr("Root CA not trusted"));
    m_caWarning->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_caWarning->setAutoRaise(true);
    m_caWarning->setToolTip(tr("The system trust store does not hold the Spyglass root CA, so "
                               "intercepted HTTPS fails certificate checks. Click to install "
                               "it."));
    bar->addPermanentWidget(m_caWarning);
    connect(m_caWarning, &QToolButton::clicked, this, &StatusBarPanel::caWarningClicked);
    connect(m_retry, &QToolButton::clicked, this, [this] {
        m_recording.retryAfterError();
        refresh();
    });
    connect(&m_recording, &RecordingControl::statusChanged, this, &StatusBarPanel::refresh);
    connect(&m_recording, &RecordingControl::recordingToggled, this, &StatusBarPanel::refresh);
    connect(&m_recording, &RecordingControl::sessionChanged, this, &StatusBarPanel::refresh);
    connect(&m_proxy, &ProxyControl::listenAddressChanged, this, &StatusBarPanel::refresh);
    auto* timer = new QTimer(this);
    timer->setInterval(kRefreshMs);
    connect(timer, &QTimer::timeout, this, &StatusBarPanel::refresh);
    timer->start();
    // Traffic shows within kSoonMs, coalesced: a burst of thousands of
    // exchanges costs one refresh, not one each.
    auto* soon = new QTimer(this);
    soon->setSingleShot(true);
    soon->setInterval(kSoonMs);
    connect(soon, &QTimer::timeout, this, &StatusBarPanel::refresh);
    connect(&m_proxy, &ProxyControl::exchangeFinished, soon, [soon] {
        if (!soon->isActive())
            soon->start();
    });
    refresh();
}

void StatusBarPanel::setSessionCounts(qint64 total, qint64 shown, bool filtered) {
    const QLocale locale;
    QString text = total == 1 ? tr("1 exchange") : tr("%1 exchanges").arg(locale.toString(total));
    if (filtered)
        text += tr(" · %1 shown").arg(locale.toString(shown));
    m_counts->setText(text);
}

void StatusBarPanel::setCaTrusted(bool trusted) {
    m_caWarning->setVisible(!trusted);
}

void StatusBarPanel::refresh() {
    m_listen->setText(tr("Listening on %1").arg(m_proxy.listenAddress()));
    const auto status = m_recording.status();
    const QString file = QFileInfo(m_recording.sessionPath()).fileName();
    if (m_recording.sessionPath().isEmpty())
        m_state->setText(tr("Not recording"));
    else if (status.state == core::store::RecorderStatus::State::Paused)
        m_state->setText(tr("Recording stopped by an error (%1)").arg(file));
    else if (!m_recording.isRecording())
        m_state->setText(tr("Recording paused (%1)").arg(file));
    else if (status.spooledRecords > 0)
        // Busy cores: records wait in the spool and are indexed when there
        // is room (docs/architecture.md, "Recording").
        m_state->setText(tr("Recording to %1 (indexing %2 records)")
                             .arg(file, QLocale().toString(status.spooledRecords)));
    else
        m_state->setText(tr("Recording to %1").arg(file));
    // New session hands the old file's remaining indexing to a thread of
    // its own; say so until it is done (its file is not complete before).
    if (const auto earlier = m_recording.earlierSessions(); earlier.finishing > 0) {
        QString finishing = earlier.finishing == 1
                                ? tr("finishing the previous session")
                                : tr("finishing %1 earlier sessions").arg(earlier.finishing);
        if (earlier.recordsLeft > 0)
            finishing += tr(" (indexing %1 records)").arg(QLocale().toString(earlier.recordsLeft));
        m_state->setText(m_state->text() + QStringLiteral(" · ") + finishing);
    }
    const auto counters = m_proxy.counters();
    m_state->setToolTip(tr("%1\nThis run: %2 exchanges, %3 tunnels")
                            .arg(m_recording.sessionPath())
                            .arg(counters.exchanges)
                            .arg(counters.tunnels));
    const bool storageError = status.state == core::store::RecorderStatus::State::Paused;
    m_storage->setVisible(storageError);
    m_retry->setVisible(storageError);
    m_storage->setText(storageError ? tr("Storage error: %1").arg(status.message) : QString());
    const qint64 dropped = status.droppedExchanges + status.lostWhilePaused;
    m_dropped->setText(tr("%1 dropped").arg(dropped));
    m_dropped->setVisible(dropped > 0 || status.saturatedBodies > 0);
    m_dropped->setToolTip(status.summary());
}

} // namespace spyglass::ui
