#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <vector>

namespace spyglass::core::store {

// The parsed form of a filter expression (docs/filter-language.md).
enum class FilterField {
    Url,            // bare words, url:
    Host,           // host:
    Path,           // path:
    Client,         // client:
    Method,         // method:GET,POST
    StatusCode,     // status:404, 4xx, >=500, 200-299
    Mode,           // mode:forward|intercepted|tunnel
    ContentType,    // type:
    RequestSize,    // req-size:
    ResponseSize,   // size:
    Duration,       // duration:
    Id,             // id:
    TlsVersion,     // tls:
    HasError,       // has-error
    ErrorText,      // error:
    Header,         // header:Name[=value], either direction
    RequestHeader,  // req-header:
    ResponseHeader, // resp-header:
    Text,           // text: (full-text index over URL and headers)
    Body,           // body: (decoded bodies, either direction)
    RequestBody,    // req-body:
    ResponseBody,   // resp-body:
};

// One numeric condition: `low <= x <= high` (a range or an exact value), or
// a one-sided comparison.
struct FilterRange {
    enum class Op { Equal, NotEqual, Less, LessEqual, Greater, GreaterEqual, Between };
    Op op = Op::Equal;
    qint64 low = 0;
    qint64 high = 0;
};

struct FilterTerm {
    FilterField field = FilterField::Url;
    QString text;  // substring, words, header name
    QString value; // header value (hasValue)
    bool hasValue = false;
    QList<QByteArray> words;         // method and mode lists
    std::vector<FilterRange> ranges; // numeric fields: any of them matches
    int column = 1;                  // where the term starts, 1-based
};

struct FilterNode {
    enum class Kind { Term, And, Or, Not };
    Kind kind = Kind::Term;
    FilterTerm term;                  // Kind::Term
    std::vector<FilterNode> children; // And/Or: two or more; Not: one
};

} // namespace spyglass::core::store
