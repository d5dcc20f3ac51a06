#include "ExchangeColumns.h"

#include <QDateTime>

namespace spyglass::ui {

using core::record::Mode;
using core::store::ListColumn;
using core::store::ListRow;

QString ExchangeColumns::title(ExchangeColumn column) {
    switch (column) {
    case ExchangeColumn::Number:
        return QStringLiteral("#");
    case ExchangeColumn::Time:
        return QStringLiteral("Time");
    case ExchangeColumn::Mode:
        return QStringLiteral("Mode");
    case ExchangeColumn::Method:
        return QStringLiteral("Method");
    case ExchangeColumn::Host:
        return QStringLiteral("Host");
    case ExchangeColumn::Path:
        return QStringLiteral("Path");
    case ExchangeColumn::Status:
        return QStringLiteral("Status");
    case ExchangeColumn::ContentType:
        return QStringLiteral("Content type");
    case ExchangeColumn::RequestSize:
        return QStringLiteral("Request");
    case ExchangeColumn::ResponseSize:
        return QStringLiteral("Response");
    case ExchangeColumn::Duration:
        return QStringLiteral("Duration");
    case ExchangeColumn::Tls:
        return QStringLiteral("TLS");
    case ExchangeColumn::Error:
        return QStringLiteral("Error");
    }
    return {};
}

ListColumn ExchangeColumns::sortKey(ExchangeColumn column) {
    switch (column) {
    case ExchangeColumn::Number:
        return ListColumn::Id;
    case ExchangeColumn::Time:
        return ListColumn::Start;
    case ExchangeColumn::Mode:
        return ListColumn::Mode;
    case ExchangeColumn::Method:
        return ListColumn::Method;
    case ExchangeColumn::Host:
        return ListColumn::Host;
    case ExchangeColumn::Path:
        return ListColumn::Path;
    case ExchangeColumn::Status:
        return ListColumn::StatusCode;
    case ExchangeColumn::ContentType:
        return ListColumn::ContentType;
    case ExchangeColumn::RequestSize:
        return ListColumn::RequestSize;
    case ExchangeColumn::ResponseSize:
        return ListColumn::ResponseSize;
    case ExchangeColumn::Duration:
        return ListColumn::Duration;
    case ExchangeColumn::Tls:
        return ListColumn::TlsVersion;
    case ExchangeColumn::Error:
        return ListColumn::ErrorText;
    }
    return ListColumn::Id;
}

QString ExchangeColumns::modeName(Mode mode) {
    switch (mode) {
    case Mode::Intercepted:
        return QStringLiteral("intercepted");
    case Mode::Tunnel:
        return QStringLiteral("tunnel");
    case Mode::Forward:
        return QStringLiteral("plain HTTP");
    }
    return {};
}

QString ExchangeColumns::formatSize(qint64 bytes) {
    if (bytes < 1024)
        return QString::number(bytes);
    static constexpr const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB"};
    double value = static_cast<double>(bytes) / 1024.0;
    int unit = 0;
    while (value >= 1024.0 && unit < 3) {
        value /= 1024.0;
        ++unit;
    }
    return QString::number(value, 'f', value < 10 ? 1 : 0) + QLatin1Char(' ') +
           QLatin1String(kUnits[unit]);
}

QString ExchangeColumns::formatDuration(const ListRow& row) {
    if (row.durationUs < 0)
        return row.state == ListRow::State::Open ? QStringLiteral("…") : QString();
    if (row.durationUs < 1000)
        return QString::number(row.durationUs) + QStringLiteral(" µs");
    if (row.durationUs < 10'000'000)
        return QString::number(row.durationUs / 1000) + QStringLiteral(" ms");
    return QString::number(static_cast<double>(row.durationUs) / 1e6, 'f', 2) +
           QStringLiteral(" s");
}

QString ExchangeColumns::text(ExchangeColumn column, const ListRow& row) {
    switch (column) {
    case ExchangeColumn::Number:
        return QString::number(row.id);
    case ExchangeColumn::Time:
        return QDateTime::fromMSecsSinceEpoch(row.startUs / 1000)
            .toLocalTime()
            .toString(QStringLiteral("HH:mm:ss.zzz"));
    case ExchangeColumn::Mode:
        return modeName(row.mode);
    case ExchangeColumn::Method:
        return QString::fromLatin1(row.method);
    case ExchangeColumn::Host:
        return QString::fromUtf8(row.host);
    case ExchangeColumn::Path:
        return QString::fromUtf8(row.path);
    case ExchangeColumn::Status:
        return row.status > 0 ? QString::number(row.status) : QString();
    case ExchangeColumn::ContentType:
        return QString::fromLatin1(row.contentType);
    case ExchangeColumn::RequestSize:
        return formatSize(row.requestSize);
    case ExchangeColumn::ResponseSize:
        return formatSize(row.responseSize);
    case ExchangeColumn::Duration:
        return formatDuration(row);
    case ExchangeColumn::Tls:
        return QString::fromLatin1(row.tlsVersion);
    case ExchangeColumn::Error:
        return row.error;
    }
    return {};
}

Qt::Alignment ExchangeColumns::alignment(ExchangeColumn column) {
    switch (column) {
    case ExchangeColumn::Number:
    case ExchangeColumn::RequestSize:
    case ExchangeColumn::ResponseSize:
    case ExchangeColumn::Duration:
        return Qt::AlignRight | Qt::AlignVCenter;
    default:
        return Qt::AlignLeft | Qt::AlignVCenter;
    }
}

QColor ExchangeColumns::foreground(ExchangeColumn column, const ListRow& row) {
    if (column == ExchangeColumn::Error)
        return QColor(0xc6, 0x28, 0x28);
    if (column != ExchangeColumn::Status)
        return {};
    if (row.status >= 500)
        return QColor(0xc6, 0x28, 0x28); // red
    if (row.status >= 400)
        return QColor(0xe6, 0x51, 0x00); // orange
    if (row.status >= 300)
        return QColor(0x15, 0x65, 0xc0); // blue
    if (row.status >= 200)
        return QColor(0x2e, 0x7d, 0x32); // green
    return QColor(0x75, 0x75, 0x75);     // grey: no status (yet)
}

int ExchangeColumns::defaultWidthChars(ExchangeColumn column) {
    switch (column) {
    case ExchangeColumn::Number:
        return 8;
    case ExchangeColumn::Time:
        return 13;
    case ExchangeColumn::Mode:
        return 17; // "intercepted" plus its icon
    case ExchangeColumn::Method:
        return 11; // "CONNECT": capitals are wider than the average character
    case ExchangeColumn::Host:
        return 26;
    case ExchangeColumn::Path:
        return 40;
    case ExchangeColumn::Status:
        return 7;
    case ExchangeColumn::ContentType:
        return 24;
    case ExchangeColumn::RequestSize:
    case ExchangeColumn::ResponseSize:
        return 10;
    case ExchangeColumn::Duration:
        return 10;
    case ExchangeColumn::Tls:
        return 9;
    case ExchangeColumn::Error:
        return 24;
    }
    return 10;
}

} // namespace spyglass::ui
