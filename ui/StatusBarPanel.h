#pragma once

#include <QObject>

class QLabel;
class QStatusBar;
class QToolButton;

namespace spyglass::ui {

class ProxyControl;
class RecordingControl;

// The status bar: listen address, the recorder's state (recording, paused,
// its file; this run's proxy counters in the tooltip), what the window
// shows ("1,234 exchanges · 56 shown": the viewed session's count and the
// rows the filter lists, which may be another file than the one
// recorded), dropped records, storage errors (with Retry) and a warning
// button while the root CA is not trusted by the system store. Recorder
// counters are polled twice a second (cheap reads) rather than updated per
// exchange; the session counts come from the exchange list as they change.
class StatusBarPanel final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StatusBarPanel)

public:
    StatusBarPanel(QStatusBar* bar, ProxyControl& proxy, RecordingControl& recording);

    void setCaTrusted(bool trusted);
    // The shown session: its exchanges whatever the filter, and the rows
    // listed; `filtered` when a filter or host narrows the list.
    void setSessionCounts(qint64 total, qint64 shown, bool filtered);
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
