#pragma once

#include "FilterAst.h"
#include "StoreResult.h"

#include <QString>
#include <vector>

namespace spyglass::core::store {

// The numeric values of the filter language: status codes and classes,
// sizes with units, durations with units, plain integers; each as a
// comparison (">=500"), a range ("200-299") or a comma list ("200,304").
class FilterValues {
public:
    enum class Unit { Plain, StatusCode, Size, Duration };

    // `field` names the field in messages ("status").
    static Result<std::vector<FilterRange>> parseRanges(const QString& text, Unit unit,
                                                        const QString& field);
    // One number with an optional unit: "1.5m" → 1572864 (Size), "250ms" →
    // 250000 microseconds (Duration).
    static Result<qint64> parseNumber(const QString& text, Unit unit, const QString& field);
};

} // namespace spyglass::core::store
