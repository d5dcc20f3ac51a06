#pragma once

#include "FilterAst.h"
#include "StoreResult.h"

#include <QStringList>
#include <optional>

namespace spyglass::core::store {

// Parses the filter language (docs/filter-language.md) into a FilterNode.
// Errors name the column and say what was expected, e.g.
//   at column 1: unknown field "hots" (did you mean "host"?)
class FilterParser {
public:
    // An empty expression parses to nullopt: no condition, every row.
    static Result<std::optional<FilterNode>> parse(const QString& text);
    // The field names the language knows, for completion and messages.
    static QStringList fieldNames();
};

} // namespace spyglass::core::store
