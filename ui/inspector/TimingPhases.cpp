#include "TimingPhases.h"

#include <QCoreApplication>
#include <algorithm>

namespace spyglass::ui::inspector {

namespace {

QString tr(const char* text) {
    return QCoreApplication::translate("spyglass::ui::inspector::TimingPhases", text);
}

qint64 origin(const core::record::Timings& t) {
    qint64 first = 0;
    for (qint64 moment :
         {t.acceptUs, t.connectRequestUs, t.upstreamConnectStartUs, t.upstreamConnectedUs,
          t.clientTlsStartUs, t.clientTlsDoneUs, t.serverTlsStartUs, t.serverTlsDoneUs,
          t.requestStartUs, t.requestSentUs, t.responseStartUs, t.doneUs}) {
        if (moment > 0 && (first == 0 || moment < first))
            first = moment;
    }
    return first;
}

} // namespace

qint64 TimingPhases::totalUs(const core::record::Timings& timings) {
    const qint64 first = origin(timings);
    return first > 0 && timings.doneUs >= first ? timings.doneUs - first : 0;
}

QList<TimingPhase> TimingPhases::compute(const core::record::Timings& t, bool tunnel) {
    const qint64 first = origin(t);
    QList<TimingPhase> phases;
    using Kind = TimingPhase::Kind;
    auto add = [&](Kind kind, const QString& name, qint64 start, qint64 end) {
        if (start > 0 && end > 0 && end >= start)
            phases.append(TimingPhase{kind, name, start - first, end - first});
    };
    add(Kind::Connect, tr("Connect"), t.upstreamConnectStartUs, t.upstreamConnectedUs);
    add(Kind::ClientTls, tr("TLS to client"), t.clientTlsStartUs, t.clientTlsDoneUs);
    add(Kind::ServerTls, tr("TLS to server"), t.serverTlsStartUs, t.serverTlsDoneUs);
    if (tunnel) {
        add(Kind::Relay, tr("Relay"), t.upstreamConnectedUs, t.doneUs);
    } else {
        add(Kind::Request, tr("Request"), t.requestStartUs, t.requestSentUs);
        add(Kind::Wait, tr("Wait"), t.requestSentUs, t.responseStartUs);
        add(Kind::Response, tr("Response"), t.responseStartUs, t.doneUs);
    }
    // Listed in the order they began (the server TLS leg can start before the
    // client's finishes).
    std::stable_sort(phases.begin(), phases.end(), [](const TimingPhase& a, const TimingPhase& b) {
        return a.startUs < b.startUs;
    });
    return phases;
}

} // namespace spyglass::ui::inspector
