#include "SyntaxHighlighter.h"

namespace spyglass::ui::inspector {

namespace {

// Chosen to keep at least 3:1 contrast on white and on #1e1e1e.
const QColor kKey(0x3b, 0x82, 0xd6);
const QColor kString(0x3d, 0x9a, 0x50);
const QColor kNumber(0xc8, 0x73, 0x1b);
const QColor kKeyword(0xa0, 0x5c, 0xc8);

} // namespace

SyntaxHighlighter::SyntaxHighlighter(QTextDocument* document)
    : QSyntaxHighlighter(document) {}

void SyntaxHighlighter::addRule(const QString& pattern, const QColor& colour, int group,
                                bool bold) {
    Rule rule;
    rule.pattern = QRegularExpression(pattern);
    rule.format.setForeground(colour);
    if (bold)
        rule.format.setFontWeight(QFont::Bold);
    rule.group = group;
    m_rules.append(rule);
}

void SyntaxHighlighter::setLanguage(Language language, const QColor& commentColor) {
    m_language = language;
    m_rules.clear();
    m_commentFormat = QTextCharFormat();
    m_commentFormat.setForeground(commentColor);
    m_commentFormat.setFontItalic(true);
    switch (language) {
    case Language::None:
        break;
    case Language::Json:
        // Later rules win: a key is a string followed by a colon.
        addRule(QStringLiteral(R"(-?\b\d+(\.\d+)?([eE][+-]?\d+)?\b)"), kNumber);
        addRule(QStringLiteral(R"(\b(true|false|null)\b)"), kKeyword);
        addRule(QStringLiteral(R"("(?:[^"\\]|\\.)*")"), kString);
        addRule(QStringLiteral(R"(("(?:[^"\\]|\\.)*")\s*:)"), kKey, 1);
        break;
    case Language::Markup:
        addRule(QStringLiteral(R"(<[/!?]?[A-Za-z_][\w:.-]*|[/?]?>)"), kKey);
        addRule(QStringLiteral(R"(\s([A-Za-z_:][\w:.-]*)\s*=)"), kNumber, 1);
        addRule(QStringLiteral(R"("[^"]*"|'[^']*')"), kString);
        addRule(QStringLiteral(R"(&[#\w]+;)"), kKeyword);
        break;
    case Language::JavaScript:
        addRule(QStringLiteral(R"(\b\d+(\.\d+)?\b)"), kNumber);
        addRule(QStringLiteral(
                    R"(\b(async|await|break|case|catch|class|const|continue|default|delete|do|)"
                    R"(else|export|extends|false|finally|for|function|if|import|in|instanceof|)"
                    R"(let|new|null|return|super|switch|this|throw|true|try|typeof|undefined|)"
                    R"(var|void|while|yield)\b)"),
                kKeyword, 0, true);
        addRule(QStringLiteral(R"("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`(?:[^`\\]|\\.)*`)"),
                kString);
        break;
    case Language::Css:
        addRule(QStringLiteral(R"(^\s*[^{}:;]+(?=\{))"), kKey);
        addRule(QStringLiteral(R"(([\w-]+)\s*:)"), kKeyword, 1);
        addRule(QStringLiteral(R"(#[0-9a-fA-F]{3,8}\b|\b\d+(\.\d+)?(px|em|rem|%|s|ms|vh|vw)?\b)"),
                kNumber);
        addRule(QStringLiteral(R"("[^"]*"|'[^']*')"), kString);
        break;
    }
    rehighlight();
}

void SyntaxHighlighter::highlightBlock(const QString& text) {
    for (const Rule& rule : std::as_const(m_rules)) {
        QRegularExpressionMatchIterator it = rule.pattern.globalMatch(text);
        while (it.hasNext()) {
            const QRegularExpressionMatch match = it.next();
            setFormat(static_cast<int>(match.capturedStart(rule.group)),
                      static_cast<int>(match.capturedLength(rule.group)), rule.format);
        }
    }
    switch (m_language) {
    case Language::Markup:
        highlightMultiLine(text, QStringLiteral("<!--"), QStringLiteral("-->"));
        break;
    case Language::JavaScript:
    case Language::Css:
        highlightMultiLine(text, QStringLiteral("/*"), QStringLiteral("*/"));
        break;
    default:
        setCurrentBlockState(0);
        break;
    }
}

// Comments may span lines: block state 1 means "inside a comment".
void SyntaxHighlighter::highlightMultiLine(const QString& text, const QString& open,
                                           const QString& close) {
    setCurrentBlockState(0);
    qsizetype start = previousBlockState() == 1 ? 0 : text.indexOf(open);
    while (start >= 0) {
        const qsizetype end = text.indexOf(
            close, start + (previousBlockState() == 1 && start == 0 ? 0 : open.size()));
        qsizetype length = 0;
        if (end < 0) {
            setCurrentBlockState(1);
            length = text.size() - start;
        } else {
            length = end - start + close.size();
        }
        setFormat(static_cast<int>(start), static_cast<int>(length), m_commentFormat);
        start = text.indexOf(open, start + length);
    }
    if (m_language == Language::JavaScript) {
        // Line comments, unless the // sits in a string (approximate: not
        // after a quote on the same line before it).
        static const QRegularExpression lineComment(QStringLiteral(R"((^|[^:"'\\])//.*$)"));
        const QRegularExpressionMatch match = lineComment.match(text);
        if (match.hasMatch()) {
            const auto from = match.capturedStart() + match.capturedLength(1);
            setFormat(static_cast<int>(from), static_cast<int>(text.size() - from),
                      m_commentFormat);
        }
    }
}

} // namespace spyglass::ui::inspector
