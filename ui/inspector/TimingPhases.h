#pragma once

#include "core/record/RecordEvents.h"

#include <QList>
#include <QString>

namespace spyglass::ui::inspector {

struct TimingPhase {
    enum class Kind { Connect, ClientTls, ServerTls, Request, Wait, Response, Relay };
    Kind kind = Kind::Connect;
    QString name;
    qint64 startUs = 0; // relative to the first recorded moment
    qint64 endUs = 0;
    [[nodiscard]] qint64 durationUs() const { return endUs - startUs; }
};

// The phases of an exchange from its recorded moments, in the order they
// happen: connect, TLS with the client, TLS with the server, request, wait,
// response; a blind tunnel's relay instead of the last three. A phase
// whose start or end was not recorded (0) is left out rather than guessed.
class TimingPhases {
public:
    static QList<TimingPhase> compute(const core::record::Timings& timings, bool tunnel);
    // From the first recorded moment to done; 0 when unknown.
    static qint64 totalUs(const core::record::Timings& timings);
};

} // namespace spyglass::ui::inspector
