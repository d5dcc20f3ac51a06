#pragma once

#include <QByteArray>
#include <QString>
#include <QtGlobal>

namespace spyglass::ui::inspector {

// Numbers and reasons as the inspector writes them.
class DisplayText {
public:
    // "512 B", "1.5 KiB", "16.0 MiB".
    static QString bytes(qint64 count);
    // "850 µs", "12.3 ms", "1.25 s".
    static QString duration(qint64 microseconds);
    // Why a stored body is shorter than the message, for a person.
    static QString truncationReason(const QByteArray& truncated);
    // "Body truncated: 1.0 KiB of 5.0 KiB kept — <reason>."; "" when whole.
    static QString truncationBanner(const QByteArray& truncated, qint64 stored, qint64 size);
};

} // namespace spyglass::ui::inspector
