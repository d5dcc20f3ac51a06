#include "DisplayText.h"

#include <QCoreApplication>

namespace spyglass::ui::inspector {

namespace {

QString tr(const char* text) {
    return QCoreApplication::translate("spyglass::ui::inspector::DisplayText", text);
}

} // namespace

QString DisplayText::bytes(qint64 count) {
    if (count < 1024)
        return QStringLiteral("%1 B").arg(count);
    if (count < 1024 * 1024)
        return QStringLiteral("%1 KiB").arg(static_cast<double>(count) / 1024.0, 0, 'f', 1);
    if (count < qint64{1024} * 1024 * 1024)
        return QStringLiteral("%1 MiB").arg(static_cast<double>(count) / (1024.0 * 1024.0), 0, 'f',
                                            1);
    return QStringLiteral("%1 GiB").arg(static_cast<double>(count) / (1024.0 * 1024.0 * 1024.0), 0,
                                        'f', 2);
}

QString DisplayText::duration(qint64 microseconds) {
    if (microseconds < 1000)
        return QStringLiteral("%1 µs").arg(microseconds);
    if (microseconds < 1'000'000)
        return QStringLiteral("%1 ms").arg(static_cast<double>(microseconds) / 1000.0, 0, 'f', 1);
    return QStringLiteral("%1 s").arg(static_cast<double>(microseconds) / 1e6, 0, 'f', 2);
}

QString DisplayText::truncationReason(const QByteArray& truncated) {
    // The store's reasons (core/store/SessionNames.h).
    if (truncated == "cap")
        return tr("the capture cap per body was reached (raise it with --body-cap)");
    if (truncated == "recorder saturated")
        return tr("the recorder was saturated (the disk could not keep up) and dropped bytes");
    if (truncated == "incomplete")
        return tr("the message did not complete (a connection closed early)");
    return QString::fromUtf8(truncated);
}

QString DisplayText::truncationBanner(const QByteArray& truncated, qint64 stored, qint64 size) {
    if (truncated.isEmpty())
        return {};
    return tr("Body truncated: %1 of %2 kept (%3 of %4 bytes) — %5.")
        .arg(bytes(stored), bytes(size), QString::number(stored), QString::number(size),
             truncationReason(truncated));
}

} // namespace spyglass::ui::inspector
