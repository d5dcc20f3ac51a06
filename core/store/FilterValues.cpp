#include "FilterValues.h"

#include <QRegularExpression>
#include <cmath>

namespace spyglass::core::store {

namespace {

QString expected(FilterValues::Unit unit) {
    switch (unit) {
    case FilterValues::Unit::StatusCode:
        return QStringLiteral("a code (404), a class (4xx), a comparison (>=500), a range "
                              "(200-299) or a list (200,304)");
    case FilterValues::Unit::Size:
        return QStringLiteral("a size such as 1500, 10k, 1.5mb, optionally compared (>1m) or a "
                              "range (1k-1m)");
    case FilterValues::Unit::Duration:
        return QStringLiteral("a duration such as 250ms, 2s, 1.5m or 300us, optionally compared "
                              "(>1s) or a range (100ms-1s)");
    case FilterValues::Unit::Plain:
        break;
    }
    return QStringLiteral("a number, optionally compared (>100) or a range (10-20)");
}

struct UnitScale {
    const char* suffix;
    double scale;
};

// Binary multiples for sizes (1k = 1024), as the list shows them.
constexpr UnitScale kSizeUnits[] = {
    {"kib", 1024.0},     {"kb", 1024.0},   {"k", 1024.0},         {"mib", 1048576.0},
    {"mb", 1048576.0},   {"m", 1048576.0}, {"gib", 1073741824.0}, {"gb", 1073741824.0},
    {"g", 1073741824.0}, {"b", 1.0},
};
// Durations are stored in microseconds; a bare number means milliseconds.
constexpr UnitScale kDurationUnits[] = {
    {"us", 1.0}, {"ms", 1000.0}, {"s", 1e6}, {"min", 6e7}, {"m", 6e7},
};

} // namespace

Result<qint64> FilterValues::parseNumber(const QString& text, Unit unit, const QString& field) {
    const QString lower = text.trimmed().toLower();
    QString digits = lower;
    double scale = unit == Unit::Duration ? 1000.0 : 1.0;
    auto strip = [&](const auto& units) {
        for (const UnitScale& u : units) {
            const QLatin1StringView suffix(u.suffix);
            if (lower.endsWith(suffix) && lower.size() > suffix.size()) {
                digits = lower.left(lower.size() - suffix.size());
                scale = u.scale;
                return;
            }
        }
    };
    if (unit == Unit::Size)
        strip(kSizeUnits);
    else if (unit == Unit::Duration)
        strip(kDurationUnits);
    bool ok = false;
    const bool fractional = unit == Unit::Size || unit == Unit::Duration;
    const double value = fractional ? digits.toDouble(&ok) : double(digits.toLongLong(&ok));
    if (!ok || !std::isfinite(value) || value < 0 || value * scale > 9e18)
        return Error{QStringLiteral("%1: \"%2\" is not %3").arg(field, text, expected(unit))};
    return static_cast<qint64>(std::llround(value * scale));
}

Result<std::vector<FilterRange>> FilterValues::parseRanges(const QString& text, Unit unit,
                                                           const QString& field) {
    std::vector<FilterRange> ranges;
    const QStringList items = text.split(QLatin1Char(','));
    for (const QString& raw : items) {
        const QString item = raw.trimmed();
        if (item.isEmpty())
            return Error{QStringLiteral("%1: empty value; expected %2").arg(field, expected(unit))};
        FilterRange range;
        // Status classes: 4xx, 40x.
        static const QRegularExpression statusClass(QStringLiteral("^([1-5])(\\d?)[xX]{1,2}$"));
        if (unit == Unit::StatusCode) {
            const auto match = statusClass.match(item);
            if (match.hasMatch() && match.capturedLength() == 3) {
                const qint64 base =
                    match.captured(1).toLongLong() * 100 +
                    (match.captured(2).isEmpty() ? 0 : match.captured(2).toLongLong() * 10);
                const qint64 width = match.captured(2).isEmpty() ? 99 : 9;
                ranges.push_back({FilterRange::Op::Between, base, base + width});
                continue;
            }
        }
        static const QList<std::pair<QLatin1StringView, FilterRange::Op>> ops = {
            {QLatin1StringView(">="), FilterRange::Op::GreaterEqual},
            {QLatin1StringView("<="), FilterRange::Op::LessEqual},
            {QLatin1StringView("!="), FilterRange::Op::NotEqual},
            {QLatin1StringView(">"), FilterRange::Op::Greater},
            {QLatin1StringView("<"), FilterRange::Op::Less},
            {QLatin1StringView("="), FilterRange::Op::Equal},
        };
        QString rest = item;
        bool hasOp = false;
        for (const auto& [symbol, op] : ops) {
            if (item.startsWith(symbol)) {
                range.op = op;
                rest = item.mid(symbol.size()).trimmed();
                hasOp = true;
                break;
            }
        }
        const qsizetype dash = hasOp ? -1 : rest.indexOf(QLatin1Char('-'), 1);
        if (dash > 0) {
            auto low = parseNumber(rest.left(dash), unit, field);
            auto high = parseNumber(rest.mid(dash + 1), unit, field);
            if (!low || !high)
                return Error{
                    QStringLiteral("%1: \"%2\" is not %3").arg(field, item, expected(unit))};
            if (high.value() < low.value())
                return Error{
                    QStringLiteral("%1: the range \"%2\" runs backwards").arg(field, item)};
            ranges.push_back({FilterRange::Op::Between, low.value(), high.value()});
            continue;
        }
        auto number = parseNumber(rest, unit, field);
        if (!number)
            return Error{QStringLiteral("%1: \"%2\" is not %3").arg(field, item, expected(unit))};
        if (unit == Unit::StatusCode && number.value() > 999)
            return Error{QStringLiteral("%1: %2 is not a status code (100-999)").arg(field, item)};
        range.low = range.high = number.value();
        ranges.push_back(range);
    }
    return ranges;
}

} // namespace spyglass::core::store
