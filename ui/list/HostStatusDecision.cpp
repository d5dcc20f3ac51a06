#include "HostStatusDecision.h"

namespace spyglass::ui {

HostStatusDecision decideHostStatus(const QByteArray& host, const HostPorts::Seen& seen,
                                    const core::proxy::InterceptRules& rules, bool passedThrough) {
    if (passedThrough)
        return {HostStatus::PassedThrough, {}};
    if (seen.tlsPorts.isEmpty()) {
        if (seen.plainHttp)
            return {HostStatus::PlainHttp, {}};
        return {rules.decide(host, 443).intercept ? HostStatus::Intercepted : HostStatus::Tunneled,
                {}};
    }
    QList<quint16> intercepted;
    for (quint16 port : seen.tlsPorts) {
        if (rules.decide(host, port).intercept)
            intercepted.append(port);
    }
    if (intercepted.isEmpty())
        return {HostStatus::Tunneled, {}};
    if (intercepted.size() == seen.tlsPorts.size())
        return {HostStatus::Intercepted, {}};
    return {HostStatus::PartlyIntercepted, intercepted};
}

} // namespace spyglass::ui
