#include "SpoolPolicy.h"

namespace spyglass::core::store {

void SpoolPolicy::observe(const WriterLoad& load, bool spooling) {
    if (m_use != SpoolUse::WhenContended || load.cpuPressure < 0) {
        m_contended = false; // no pressure figure: never defer the index
        return;
    }
    if (spooling && m_contended) {
        m_contended = load.demandCores >= kLightDemand; // until the traffic eases
        return;
    }
    m_contended = load.cpuPressure >= kContendedPressure && load.demandCores >= kHeavyDemand;
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

bool SpoolPolicy::drain(bool spoolEmpty, qint64 spoolBytes, double lagSeconds,
                        bool stopping) const {
    if (spoolEmpty)
        return false;
    if (stopping || m_use != SpoolUse::WhenContended)
        return true;
    return !m_contended || spoolBytes >= kMaxSpoolBytes || lagSeconds >= kMaxLagSeconds;
}

} // namespace spyglass::core::store
