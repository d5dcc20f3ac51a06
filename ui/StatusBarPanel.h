#pragma once

#include <QObject>

class QLabel;
class QStatusBar;
class QToolButton;

namespace spyglass::ui {

class ProxyControl;
class RecordingControl;

// The status bar: listen address, recording state, exchange and tunnel
// counts, dropped records, storage errors (with Retry) and a warning button
// while the root CA is not trusted by the system store. Counters are polled
// twice a second (cheap reads) rather than updated per exchange.
class StatusBarPanel final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StatusBarPanel)

public:
    StatusBarPanel(QStatusBar* bar, ProxyControl& proxy, RecordingControl& recording);

    void setCaTrusted(bool trusted);
    // Re-reads everything now (also runs on the timer).
    void refresh();

Q_SIGNALS:
    void caWarningClicked();

private:
    ProxyControl& m_proxy;
    RecordingControl& m_recording;
    QLabel* m_listen = nullptr;
    QLabel* m_state = nullptr;
    QLabel* m_counts = nullptr;
    QLabel* m_dropped = nullptr;
    QLabel* m_storage = nullptr;
    QToolButton* m_retry = nullptr;
    QToolButton* m_caWarning = nullptr;
};

} // namespace spyglass::ui
