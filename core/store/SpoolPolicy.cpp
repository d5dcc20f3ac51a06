#include "SpoolPolicy.h"

namespace spyglass::core::store {

void SpoolPolicy::observe(const WriterLoad& load) {
    if (m_use != SpoolUse::WhenContended || load.cpuPressure < 0) {
        m_contended = false; // no pressure figure: never defer the index
        return;
    }
    // Hysteresis on the demand, not on the pressure: while spooling the
    // writer's own work no longer adds to the pressure it measures.
    const double needed = m_contended ? kLightDemand : kHeavyDemand;
    m_contended = load.cpuPressure >= kContendedPressure && load.demandCores >= needed;
}

bool SpoolPolicy::spill(bool spoolEmpty) const {
    switch (m_use) {
    case SpoolUse::Never:
        return false;
    case SpoolUse::Always:
        return true;
    case SpoolUse::WhenContended:
        return !spoolEmpty || m_contended;
    }
    return false;
}

bool SpoolPolicy::drain(bool spoolEmpty, qint64 spoolBytes, bool stopping) const {
    if (spoolEmpty)
        return false;
    if (stopping || m_use != SpoolUse::WhenContended)
        return true;
    return !m_contended || spoolBytes >= kMaxSpoolBytes;
}

} // namespace spyglass::core::store
