#pragma once

#include "core/store/LiveQueries.h"

#include <QByteArray>
#include <QHash>
#include <QList>

namespace spyglass::ui {

// The ports each host of a session was reached on, so the host list can
// tell what the intercept rules do to that host (a rule for
// api.example.com:8443 says nothing about port 443). Filled by the
// exchange list model from SessionReader::hostPorts.
class HostPorts {
public:
    struct Seen {
        QList<quint16> tlsPorts; // CONNECT targets (tunnelled or intercepted), ascending
        bool plainHttp = false;  // forwarded plain HTTP (no rule applies)
    };

    void clear() { m_hosts.clear(); }
    // Merges what a query found; true when anything was new.
    bool add(const QList<core::store::HostPort>& ports);
    // What was seen for `host`; empty when nothing (yet).
    [[nodiscard]] Seen of(const QByteArray& host) const { return m_hosts.value(host); }
    [[nodiscard]] bool isEmpty() const { return m_hosts.isEmpty(); }

private:
    QHash<QByteArray, Seen> m_hosts;
};

} // namespace spyglass::ui
