#include "FilterParser.h"

#include "FilterLexer.h"
#include "FilterValues.h"

#include <algorithm>

namespace spyglass::core::store {

namespace {

// Nesting deeper than this is a mistake or an attack, not a filter.
constexpr int kMaxDepth = 64;

struct FieldName {
    const char* name;
    FilterField field;
};

constexpr FieldName kFields[] = {
    {"url", FilterField::Url},
    {"host", FilterField::Host},
    {"domain", FilterField::Host},
    {"path", FilterField::Path},
    {"client", FilterField::Client},
    {"method", FilterField::Method},
    {"status", FilterField::StatusCode},
    {"code", FilterField::StatusCode},
    {"mode", FilterField::Mode},
    {"type", FilterField::ContentType},
    {"content-type", FilterField::ContentType},
    {"size", FilterField::ResponseSize},
    {"resp-size", FilterField::ResponseSize},
    {"req-size", FilterField::RequestSize},
    {"duration", FilterField::Duration},
    {"time", FilterField::Duration},
    {"id", FilterField::Id},
    {"tls", FilterField::TlsVersion},
    {"error", FilterField::ErrorText},
    {"header", FilterField::Header},
    {"req-header", FilterField::RequestHeader},
    {"resp-header", FilterField::ResponseHeader},
    {"text", FilterField::Text},
    {"body", FilterField::Body},
    {"req-body", FilterField::RequestBody},
    {"resp-body", FilterField::ResponseBody},
};

int editDistance(const QString& a, const QString& b) {
    std::vector<int> row(static_cast<std::size_t>(b.size()) + 1);
    for (std::size_t j = 0; j < row.size(); ++j)
        row[j] = static_cast<int>(j);
    for (qsizetype i = 1; i <= a.size(); ++i) {
        int diagonal = row[0];
        row[0] = static_cast<int>(i);
        for (qsizetype j = 1; j <= b.size(); ++j) {
            const int above = row[static_cast<std::size_t>(j)];
            const int cost = a.at(i - 1) == b.at(j - 1) ? 0 : 1;
            row[static_cast<std::size_t>(j)] =
                std::min({above + 1, row[static_cast<std::size_t>(j) - 1] + 1, diagonal + cost});
            diagonal = above;
        }
    }
    return row.back();
}

QString unknownField(const FilterToken& token) {
    const QString name = token.field.toLower();
    QString best;
    int bestDistance = 3;
    for (const FieldName& field : kFields) {
        const int distance = editDistance(name, QLatin1StringView(field.name));
        if (distance < bestDistance) {
            bestDistance = distance;
            best = QLatin1StringView(field.name);
        }
    }
    QString message =
        QStringLiteral("at column %1: unknown field \"%2\"").arg(token.column).arg(token.field);
    if (!best.isEmpty())
        return message + QStringLiteral(" (did you mean \"%1\"?)").arg(best);
    return message + QStringLiteral("; fields are ") +
           FilterParser::fieldNames().join(QStringLiteral(", "));
}

bool isTokenText(const QString& text) {
    static const QString extra = QStringLiteral("!#$%&'*+-.^_`|~");
    return !text.isEmpty() && std::all_of(text.begin(), text.end(), [](QChar c) {
        return c.unicode() < 128 && (c.isLetterOrNumber() || extra.contains(c));
    });
}

class Parser {
public:
    explicit Parser(std::vector<FilterToken> tokens)
        : m_tokens(std::move(tokens)) {}

    Result<std::optional<FilterNode>> parseAll() {
        if (peek().kind == FilterToken::Kind::End)
            return std::optional<FilterNode>();
        auto node = parseOr(0);
        if (!node)
            return node.error();
        const FilterToken& rest = peek();
        if (rest.kind == FilterToken::Kind::RightParen)
            return Error{
                QStringLiteral("at column %1: \")\" without a matching \"(\"").arg(rest.column)};
        if (rest.kind != FilterToken::Kind::End)
            return Error{QStringLiteral("at column %1: unexpected text").arg(rest.column)};
        return std::optional<FilterNode>(std::move(node).value());
    }

private:
    const FilterToken& peek() const { return m_tokens[m_pos]; }
    const FilterToken& take() { return m_tokens[m_pos++]; }

    Result<FilterNode> parseOr(int depth) {
        auto first = parseAnd(depth);
        if (!first)
            return first;
        FilterNode node;
        node.kind = FilterNode::Kind::Or;
        node.children.push_back(std::move(first).value());
        while (peek().kind == FilterToken::Kind::Or) {
            const FilterToken& op = take();
            if (!startsTerm(peek()))
                return Error{QStringLiteral("at column %1: \"or\" needs a condition after it")
                                 .arg(op.column)};
            auto next = parseAnd(depth);
            if (!next)
                return next;
            node.children.push_back(std::move(next).value());
        }
        return collapse(std::move(node));
    }

    Result<FilterNode> parseAnd(int depth) {
        auto first = parseUnary(depth);
        if (!first)
            return first;
        FilterNode node;
        node.kind = FilterNode::Kind::And;
        node.children.push_back(std::move(first).value());
        for (;;) {
            if (peek().kind == FilterToken::Kind::And) {
                const FilterToken& op = take();
                if (!startsTerm(peek()))
                    return Error{QStringLiteral("at column %1: \"and\" needs a condition after it")
                                     .arg(op.column)};
            } else if (!startsTerm(peek())) {
                break;
            }
            auto next = parseUnary(depth);
            if (!next)
                return next;
            node.children.push_back(std::move(next).value());
        }
        return collapse(std::move(node));
    }

    Result<FilterNode> parseUnary(int depth) {
        if (depth > kMaxDepth)
            return Error{QStringLiteral("at column %1: nested too deeply").arg(peek().column)};
        const FilterToken& token = take();
        switch (token.kind) {
        case FilterToken::Kind::Not: {
            if (!startsTerm(peek()))
                return Error{QStringLiteral("at column %1: \"not\" needs a condition after it")
                                 .arg(token.column)};
            auto inner = parseUnary(depth + 1);
            if (!inner)
                return inner;
            FilterNode node;
            node.kind = FilterNode::Kind::Not;
            node.children.push_back(std::move(inner).value());
            return node;
        }
        case FilterToken::Kind::LeftParen: {
            if (peek().kind == FilterToken::Kind::RightParen)
                return Error{QStringLiteral("at column %1: empty parentheses").arg(token.column)};
            auto inner = parseOr(depth + 1);
            if (!inner)
                return inner;
            if (peek().kind != FilterToken::Kind::RightParen)
                return Error{
                    QStringLiteral("at column %1: missing \")\" for the \"(\" at column %2")
                        .arg(peek().column)
                        .arg(token.column)};
            take();
            return inner;
        }
        case FilterToken::Kind::Word:
            return term(token);
        case FilterToken::Kind::RightParen:
            return Error{
                QStringLiteral("at column %1: \")\" without a matching \"(\"").arg(token.column)};
        case FilterToken::Kind::And:
        case FilterToken::Kind::Or:
            return Error{QStringLiteral("at column %1: \"%2\" needs a condition before it")
                             .arg(token.column)
                             .arg(token.kind == FilterToken::Kind::And ? QStringLiteral("and")
                                                                       : QStringLiteral("or"))};
        case FilterToken::Kind::End:
            break;
        }
        return Error{QStringLiteral("at column %1: the filter ends too early").arg(token.column)};
    }

    static bool startsTerm(const FilterToken& token) {
        return token.kind == FilterToken::Kind::Word || token.kind == FilterToken::Kind::Not ||
               token.kind == FilterToken::Kind::LeftParen;
    }

    static FilterNode collapse(FilterNode node) {
        if (node.children.size() == 1)
            return std::move(node.children.front());
        return node;
    }

    static Result<FilterNode> term(const FilterToken& token);

    std::vector<FilterToken> m_tokens;
    std::size_t m_pos = 0;
};

Result<FilterNode> Parser::term(const FilterToken& token) {
    FilterNode node;
    FilterTerm& t = node.term;
    t.column = token.column;
    const QString where = QStringLiteral("at column %1: ").arg(token.column);
    if (!token.hasField) {
        if (!token.quoted && token.value.toLower() == QLatin1StringView("has-error")) {
            t.field = FilterField::HasError;
            return node;
        }
        t.field = FilterField::Url;
        t.text = token.value;
        if (t.text.isEmpty())
            return Error{where + QStringLiteral("empty quotes match nothing useful")};
        return node;
    }
    const QString name = token.field.toLower();
    const auto known =
        std::find_if(std::begin(kFields), std::end(kFields),
                     [&](const FieldName& f) { return name == QLatin1StringView(f.name); });
    if (known == std::end(kFields))
        return Error{unknownField(token)};
    t.field = known->field;
    const QString& value = token.value;
    if (value.trimmed().isEmpty())
        return Error{where + QStringLiteral("\"%1:\" needs a value").arg(name)};
    auto ranges = [&](FilterValues::Unit unit) -> Result<FilterNode> {
        auto parsed = FilterValues::parseRanges(value, unit, name);
        if (!parsed)
            return Error{where + parsed.errorMessage()};
        t.ranges = std::move(parsed).value();
        return node;
    };
    switch (t.field) {
    case FilterField::StatusCode:
        return ranges(FilterValues::Unit::StatusCode);
    case FilterField::RequestSize:
    case FilterField::ResponseSize:
        return ranges(FilterValues::Unit::Size);
    case FilterField::Duration:
        return ranges(FilterValues::Unit::Duration);
    case FilterField::Id:
        return ranges(FilterValues::Unit::Plain);
    case FilterField::Method:
        for (const QString& word : value.split(QLatin1Char(','))) {
            if (!isTokenText(word.trimmed()))
                return Error{where +
                             QStringLiteral("method: \"%1\" is not a method name").arg(word)};
            t.words.append(word.trimmed().toUpper().toLatin1());
        }
        return node;
    case FilterField::Mode:
        for (const QString& word : value.split(QLatin1Char(','))) {
            const QString mode = word.trimmed().toLower();
            if (mode != QLatin1StringView("forward") && mode != QLatin1StringView("intercepted") &&
                mode != QLatin1StringView("tunnel"))
                return Error{where + QStringLiteral("mode: \"%1\" is not one of forward, "
                                                    "intercepted, tunnel")
                                         .arg(word)};
            t.words.append(mode.toLatin1());
        }
        return node;
    case FilterField::Header:
    case FilterField::RequestHeader:
    case FilterField::ResponseHeader: {
        const qsizetype equals = value.indexOf(QLatin1Char('='));
        t.text = equals < 0 ? value : value.left(equals);
        if (!isTokenText(t.text))
            return Error{where + QStringLiteral("%1: \"%2\" is not a header name "
                                                "(write header:Name or header:Name=value)")
                                     .arg(name, t.text)};
        if (equals >= 0) {
            t.hasValue = true;
            t.value = value.mid(equals + 1);
        }
        return node;
    }
    default:
        t.text = value;
        return node;
    }
}

} // namespace

Result<std::optional<FilterNode>> FilterParser::parse(const QString& text) {
    auto tokens = FilterLexer::tokenize(text);
    if (!tokens)
        return tokens.error();
    return Parser(std::move(tokens).value()).parseAll();
}

QStringList FilterParser::fieldNames() {
    QStringList names;
    for (const FieldName& field : kFields)
        names << QLatin1StringView(field.name);
    names << QStringLiteral("has-error");
    return names;
}

} // namespace spyglass::core::store
