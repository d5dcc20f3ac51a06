#pragma once

#include <QString>
#include <QStringList>
#include <QtGlobal>

namespace spyglass::core::store {

// A snapshot of the recorder for the status bar and `spyglass-cli run`.
struct RecorderStatus {
    enum class State { Stopped, Recording, Paused };

    State state = State::Stopped;
    QString path;
    QString message;              // why recording is paused; empty otherwise
    qint64 recordedExchanges = 0; // committed to the file
    qint64 droppedExchanges = 0;  // not recorded: the queue was full
    qint64 lostWhilePaused = 0;   // not recorded: recording was paused
    qint64 saturatedBodies = 0;   // bodies cut short: "recorder saturated"
    qint64 droppedBodyBytes = 0;  // bytes cut for saturation
    qint64 damagedExchanges = 0;  // recorded with parts missing
    qint64 pauses = 0;            // times recording paused on a storage error
    qint64 spooledRecords = 0;    // in the spool, not yet in SQLite (indexed when there is room)

    // One line: "recording to FILE: 1234 exchanges (3 dropped, ...)".
    [[nodiscard]] QString summary() const {
        QString line = state == State::Paused ? QStringLiteral("recording paused (%1)").arg(message)
                                              : QStringLiteral("recorded to %1").arg(path);
        line += QStringLiteral(": %1 exchanges").arg(recordedExchanges);
        if (spooledRecords > 0)
            line += QStringLiteral(" (%1 records waiting in the spool)").arg(spooledRecords);
        QStringList losses;
        if (droppedExchanges > 0)
            losses << QStringLiteral("%1 dropped (recorder saturated)").arg(droppedExchanges);
        if (lostWhilePaused > 0)
            losses << QStringLiteral("%1 not recorded while paused").arg(lostWhilePaused);
        if (saturatedBodies > 0)
            losses
                << QStringLiteral("%1 bodies truncated (recorder saturated)").arg(saturatedBodies);
        if (damagedExchanges > 0)
            losses << QStringLiteral("%1 incomplete").arg(damagedExchanges);
        if (!losses.isEmpty())
            line += QStringLiteral(" (") + losses.join(QStringLiteral(", ")) + QLatin1Char(')');
        return line;
    }
};

} // namespace spyglass::core::store
