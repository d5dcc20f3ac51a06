#pragma once

#include "FilterAst.h"

#include <QByteArray>
#include <variant>
#include <vector>

namespace spyglass::core::store {

// A filter as SQL: a condition on `exchanges AS e` with `?` parameters,
// bound in order. Values are always bound, never spliced into the text.
struct FilterSql {
    QByteArray where = QByteArrayLiteral("1");
    std::vector<std::variant<qint64, QByteArray>> binds;
    // The condition calls sg_body_contains (decodes bodies: a bounded but
    // slow scan) or sg_header_match; both are registered by SessionReader.
    bool scansBodies = false;
};

// Compiles a parsed filter to SQL (not a Qt proxy model: the database does
// the filtering, with its indexes, on the query thread).
class FilterCompiler {
public:
    static FilterSql compile(const FilterNode& node);
};

} // namespace spyglass::core::store
