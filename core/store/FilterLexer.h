#pragma once

#include "StoreResult.h"

#include <QString>
#include <vector>

namespace spyglass::core::store {

struct FilterToken {
    enum class Kind { Word, LeftParen, RightParen, Not, And, Or, End };
    Kind kind = Kind::End;
    QString field; // before an unquoted ':' (Word only; may be empty)
    bool hasField = false;
    QString value;       // the rest, quotes removed and escapes resolved
    bool quoted = false; // some of the value was quoted
    int column = 1;      // 1-based
};

// Splits a filter expression into tokens (used by FilterParser).
class FilterLexer {
public:
    static Result<std::vector<FilterToken>> tokenize(const QString& text);
};

} // namespace spyglass::core::store
