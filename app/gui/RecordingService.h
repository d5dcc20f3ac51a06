#pragma once

#include "FinishingWriters.h"
#include "app/common/RecordingGate.h"
#include "core/store/SessionWriter.h"
#include "ui/services/RecordingControl.h"

#include <memory>
#include <optional>

namespace spyglass::app {

// ui::RecordingControl over SessionWriter, recording the same way as
// `spyglass-cli run` (app/common/SessionRecording): one writer thread per
// session file, behind a RecordingGate the proxy holds for its whole run so
// sessions can be paused and swapped while traffic flows.
class RecordingService final : public ui::RecordingControl {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RecordingService)

public:
    // `options` null = --no-record (this run records nothing until the user
    // starts a new session). `newSessionOptions` is the template for New
    // session (body cap, durability; the path is made fresh each time).
    RecordingService(std::optional<core::store::WriterOptions> options, QObject* parent = nullptr);
    ~RecordingService() override;

    // Opens and starts the first session; false with `error` set.
    bool start(QString* error);
    // Finishes the writes (after the proxy stopped), the earlier sessions'
    // too. Idempotent.
    void stop();
    // The recorder to hand to ProxyThread::setRecorder.
    [[nodiscard]] core::record::Recorder& recorder() { return m_gate; }

    [[nodiscard]] QString sessionPath() const override;
    [[nodiscard]] bool isRecording() const override;
    void setRecording(bool on) override;
    bool startNewSession(QString* error) override;
    [[nodiscard]] core::store::RecorderStatus status() const override;
    [[nodiscard]] EarlierSessions earlierSessions() const override;
    void retryAfterError() override;
    void applyRecordingSettings(const ui::RecordingSettings& settings) override;
    // Only for the sessions started later (at start-up the first session
    // keeps what the command line said).
    void setSessionTemplate(const ui::RecordingSettings& settings);
    // The writer of the current session, for tests that slow it down.
    [[nodiscard]] std::shared_ptr<core::store::SessionWriter> writerForTesting() const {
        return m_writer;
    }

private:
    bool openWriter(const core::store::WriterOptions& options, QString* error);

    std::optional<core::store::WriterOptions> m_options; // null: not recording
    core::store::WriterOptions m_template;
    RecordingGate m_gate;
    std::shared_ptr<core::store::SessionWriter> m_writer;
    bool m_paused = false;
    // Declared last: destroyed (and waited for) first, while the members
    // its threads' writers report to still exist.
    FinishingWriters m_finishing;
};

} // namespace spyglass::app
