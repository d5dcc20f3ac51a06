#include "FilterLexer.h"

namespace spyglass::core::store {

namespace {

bool isBreak(QChar c) {
    return c.isSpace() || c == QLatin1Char('(') || c == QLatin1Char(')');
}

bool looksLikeFieldName(const QString& text) {
    if (text.isEmpty())
        return false;
    for (QChar c : text) {
        if (!c.isLetter() && c != QLatin1Char('-') && c != QLatin1Char('_'))
            return false;
    }
    return true;
}

} // namespace

Result<std::vector<FilterToken>> FilterLexer::tokenize(const QString& text) {
    std::vector<FilterToken> tokens;
    const qsizetype n = text.size();
    qsizetype i = 0;
    auto at = [&](qsizetype k) { return k < n ? text.at(k) : QChar(); };
    while (i < n) {
        const QChar c = text.at(i);
        if (c.isSpace()) {
            ++i;
            continue;
        }
        FilterToken token;
        token.column = static_cast<int>(i) + 1;
        if (c == QLatin1Char('(') || c == QLatin1Char(')')) {
            token.kind = c == QLatin1Char('(') ? FilterToken::Kind::LeftParen
                                               : FilterToken::Kind::RightParen;
            tokens.push_back(token);
            ++i;
            continue;
        }
        if (c == QLatin1Char('&') && at(i + 1) == QLatin1Char('&')) {
            token.kind = FilterToken::Kind::And;
            tokens.push_back(token);
            i += 2;
            continue;
        }
        if (c == QLatin1Char('|')) {
            token.kind = FilterToken::Kind::Or;
            tokens.push_back(token);
            i += at(i + 1) == QLatin1Char('|') ? 2 : 1;
            continue;
        }
        // "!x" and "-x" negate; a lone "-" or "-5" stays a word.
        const QChar next = at(i + 1);
        if (c == QLatin1Char('!') ||
            (c == QLatin1Char('-') &&
             (next.isLetter() || next == QLatin1Char('(') || next == QLatin1Char('"')))) {
            token.kind = FilterToken::Kind::Not;
            tokens.push_back(token);
            ++i;
            continue;
        }
        // A word: up to a space or parenthesis outside quotes.
        QString current;
        bool anyQuoted = false;
        bool quotedBeforeColon = false;
        bool fieldDone = false;
        while (i < n && !isBreak(text.at(i))) {
            const QChar ch = text.at(i);
            if (ch == QLatin1Char('"')) {
                const qsizetype open = i;
                ++i;
                bool closed = false;
                while (i < n) {
                    const QChar q = text.at(i);
                    if (q == QLatin1Char('\\') && i + 1 < n) {
                        current += text.at(i + 1);
                        i += 2;
                        continue;
                    }
                    if (q == QLatin1Char('"')) {
                        closed = true;
                        ++i;
                        break;
                    }
                    current += q;
                    ++i;
                }
                if (!closed)
                    return Error{QStringLiteral("at column %1: unterminated quote").arg(open + 1)};
                anyQuoted = true;
                if (!fieldDone)
                    quotedBeforeColon = true;
                continue;
            }
            if (ch == QLatin1Char(':') && !fieldDone && !quotedBeforeColon) {
                fieldDone = true;
                // "http://..." typed as a bare word is a URL, not a field.
                const bool url = at(i + 1) == QLatin1Char('/') && at(i + 2) == QLatin1Char('/');
                if (looksLikeFieldName(current) && !url) {
                    token.field = current;
                    token.hasField = true;
                    current.clear();
                    ++i;
                    continue;
                }
            }
            current += ch;
            ++i;
        }
        token.kind = FilterToken::Kind::Word;
        token.value = current;
        token.quoted = anyQuoted;
        if (!token.hasField && !anyQuoted) {
            const QString lower = current.toLower();
            if (lower == QLatin1StringView("and"))
                token.kind = FilterToken::Kind::And;
            else if (lower == QLatin1StringView("or"))
                token.kind = FilterToken::Kind::Or;
            else if (lower == QLatin1StringView("not"))
                token.kind = FilterToken::Kind::Not;
        }
        tokens.push_back(token);
    }
    FilterToken end;
    end.kind = FilterToken::Kind::End;
    end.column = static_cast<int>(n) + 1;
    tokens.push_back(end);
    return tokens;
}

} // namespace spyglass::core::store
