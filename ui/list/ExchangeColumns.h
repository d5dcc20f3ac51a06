#pragma once

#include "core/store/ListOrder.h"
#include "core/store/ListRow.h"

#include <QColor>
#include <QString>
#include <QVariant>

namespace spyglass::ui {

// The exchange list's columns, in their default order.
enum class ExchangeColumn {
    Number,
    Time,
    Mode,
    Method,
    Host,
    Path,
    Status,
    ContentType,
    RequestSize,
    ResponseSize,
    Duration,
    Tls,
    Error,
};
inline constexpr int kExchangeColumnCount = static_cast<int>(ExchangeColumn::Error) + 1;

// How each column shows a list row: text, alignment, colour, and the
// store column it sorts by (the sort runs in SQL).
class ExchangeColumns {
public:
    static QString title(ExchangeColumn column);
    static core::store::ListColumn sortKey(ExchangeColumn column);
    static QString text(ExchangeColumn column, const core::store::ListRow& row);
    static Qt::Alignment alignment(ExchangeColumn column);
    // A colour for the status class (2xx, 3xx, 4xx, 5xx), errors and
    // exchanges without a status; invalid when the default fits.
    static QColor foreground(ExchangeColumn column, const core::store::ListRow& row);
    static QString modeName(core::record::Mode mode);
    // "1.5 KiB"; bytes below 1 KiB as they are.
    static QString formatSize(qint64 bytes);
    // "850 µs", "12 ms", "2.41 s"; "…" while in flight.
    static QString formatDuration(const core::store::ListRow& row);
    // Initial widths in average characters, so columns need no
    // ResizeToContents pass over the rows.
    static int defaultWidthChars(ExchangeColumn column);
};

} // namespace spyglass::ui
