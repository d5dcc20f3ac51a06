#pragma once

#include "HostListModel.h"
#include "HostPorts.h"
#include "core/proxy/InterceptRules.h"

#include <QByteArray>
#include <QList>

namespace spyglass::ui {

struct HostStatusDecision {
    HostStatus status = HostStatus::Unknown;
    QList<quint16> interceptedPorts; // for PartlyIntercepted
};

// What happens to `host`, from the intercept rules applied to the ports it
// was actually reached on in the session (`seen`): a rule for
// api.example.com:8443 intercepts that port only, and plain HTTP needs no
// rule at all. Before any port is known (the session is still being read)
// port 443 stands for "HTTPS to this host".
[[nodiscard]] HostStatusDecision decideHostStatus(const QByteArray& host,
                                                  const HostPorts::Seen& seen,
                                                  const core::proxy::InterceptRules& rules,
                                                  bool passedThrough);

} // namespace spyglass::ui
