#pragma once

#include "RecordingSettings.h"
#include "core/store/RecorderStatus.h"

#include <QObject>
#include <QString>

namespace spyglass::ui {

// The capture: which session file the proxy records into, and whether it
// records at all. Pausing keeps proxying (traffic flows, nothing is
// written). app/ implements it over the SessionWriter.
class RecordingControl : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RecordingControl)

public:
    using QObject::QObject;
    ~RecordingControl() override = default;

    // The file new captures go to (empty when recording is off for this run).
    [[nodiscard]] virtual QString sessionPath() const = 0;
    // False while the user paused recording.
    [[nodiscard]] virtual bool isRecording() const = 0;
    virtual void setRecording(bool on) = 0;
    // Finishes the current file and records into a new one in the default
    // directory. False with `error` set when the new file cannot be created
    // (the old one is kept then).
    virtual bool startNewSession(QString* error) = 0;
    // Storage state and the counters of losses (dropped, failed).
    [[nodiscard]] virtual core::store::RecorderStatus status() const = 0;
    // Sessions left for a new one whose records are still being indexed
    // into their files (after heavy traffic that takes seconds; it goes on
    // in the background).
    struct EarlierSessions {
        int finishing = 0;
        qint64 recordsLeft = 0; // records they still have to index
    };
    [[nodiscard]] virtual EarlierSessions earlierSessions() const = 0;
    // Asks a writer paused by a storage error to try again now.
    virtual void retryAfterError() = 0;
    // Body cap and durability for the session being recorded (from its next
    // body bytes and transaction) and for those started from now on.
    virtual void applyRecordingSettings(const RecordingSettings& settings) = 0;

Q_SIGNALS:
    // A new current session file (after startNewSession()).
    void sessionChanged(const QString& path);
    void recordingToggled(bool on);
    // Paused by a storage error, or resumed (from the writer thread, queued).
    void statusChanged();
    // Exchanges were committed to the current file: readers may see new rows.
    void exchangesCommitted();
};

} // namespace spyglass::ui
