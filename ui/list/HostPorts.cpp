#include "HostPorts.h"

#include <algorithm>

namespace spyglass::ui {

bool HostPorts::add(const QList<core::store::HostPort>& ports) {
    bool changed = false;
    for (const core::store::HostPort& seen : ports) {
        Seen& host = m_hosts[seen.host];
        if (seen.plainHttp) {
            changed |= !host.plainHttp;
            host.plainHttp = true;
            continue;
        }
        const auto at = std::lower_bound(host.tlsPorts.begin(), host.tlsPorts.end(), seen.port);
        if (at == host.tlsPorts.end() || *at != seen.port) {
            host.tlsPorts.insert(at, seen.port);
            changed = true;
        }
    }
    return changed;
}

} // namespace spyglass::ui
