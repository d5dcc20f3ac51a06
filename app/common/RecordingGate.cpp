#include "RecordingGate.h"

#include <QMutexLocker>
#include <variant>

namespace spyglass::app {

using namespace core::record;

void RecordingGate::setTarget(std::shared_ptr<Recorder> target) {
    QMutexLocker lock(&m_mutex);
    m_target = std::move(target);
    // Exchanges begun under the old target are dropped from here on; forget them
    // so the map only holds exchanges that can still be recorded.
    m_open.clear();
}

std::shared_ptr<Recorder> RecordingGate::target() const {
    QMutexLocker lock(&m_mutex);
    return m_target;
}

qint64 RecordingGate::skippedExchanges() const {
    QMutexLocker lock(&m_mutex);
    return m_skipped;
}

void RecordingGate::record(RecordEvent event) {
    const ExchangeId id = std::visit([](const auto& e) { return e.id; }, event);
    const bool begins = std::holds_alternative<ExchangeBegin>(event);
    const bool ends = std::holds_alternative<ExchangeEnd>(event);
    QMutexLocker lock(&m_mutex);
    if (begins) {
        if (!m_target) {
            ++m_skipped;
            return;
        }
        m_open.insert(id);
    } else {
        const auto it = m_open.find(id);
        if (it == m_open.end())
            return; // began while paused, or under a recorder since swapped out
        if (ends)
            m_open.erase(it);
    }
    m_target->record(std::move(event));
}

} // namespace spyglass::app
