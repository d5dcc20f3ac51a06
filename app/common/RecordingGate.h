#pragma once

#include "core/record/Recorder.h"

#include <QMutex>
#include <memory>
#include <unordered_set>

namespace spyglass::app {

// The recorder the GUI's proxy holds for its whole run. It forwards to the
// current session's recorder, or to none while the user paused recording,
// and lets the GUI swap sessions while traffic flows:
//   - an exchange is recorded by the recorder that saw its ExchangeBegin, or
//     not at all: its later events go where its beginning went, and are
//     dropped when that recorder was swapped out (the old writer's stop()
//     then marks it incomplete) or when it began while paused;
//   - after setTarget() returns, the old target receives nothing more, so
//     the caller may stop and destroy it.
// record() runs on the proxy I/O thread; setTarget() on the GUI thread. A
// mutex orders them; record() never waits on anything but that mutex (the
// target's record() itself never blocks).
class RecordingGate final : public core::record::Recorder {
public:
    // Null = paused (proxying goes on, nothing is recorded).
    void setTarget(std::shared_ptr<core::record::Recorder> target);
    [[nodiscard]] std::shared_ptr<core::record::Recorder> target() const;

    void record(core::record::RecordEvent event) override;

    // Exchanges started while paused (not recorded), for the status bar.
    [[nodiscard]] qint64 skippedExchanges() const;

private:
    mutable QMutex m_mutex;
    std::shared_ptr<core::record::Recorder> m_target;
    // Exchanges in flight that began under the current target.
    std::unordered_set<core::record::ExchangeId> m_open;
    qint64 m_skipped = 0;
};

} // namespace spyglass::app
