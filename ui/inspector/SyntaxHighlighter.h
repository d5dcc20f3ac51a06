#pragma once

#include <QList>
#include <QRegularExpression>
#include <QSyntaxHighlighter>
#include <QTextCharFormat>

namespace spyglass::ui::inspector {

// Regex highlighting for the body viewer's Text mode: JSON, HTML/XML,
// JavaScript and CSS. Colours are mid-tone hues picked to read on both light
// and dark bases; comments use the palette's placeholder colour.
class SyntaxHighlighter final : public QSyntaxHighlighter {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SyntaxHighlighter)

public:
    enum class Language { None, Json, Markup, JavaScript, Css };

    explicit SyntaxHighlighter(QTextDocument* document);
    void setLanguage(Language language, const QColor& commentColor);
    [[nodiscard]] Language language() const { return m_language; }

protected:
    void highlightBlock(const QString& text) override;

private:
    struct Rule {
        QRegularExpression pattern;
        QTextCharFormat format;
        int group = 0; // which capture group gets the format
    };
    void addRule(const QString& pattern, const QColor& colour, int group = 0, bool bold = false);
    void highlightMultiLine(const QString& text, const QString& open, const QString& close);

    Language m_language = Language::None;
    QList<Rule> m_rules;
    QTextCharFormat m_commentFormat;
};

} // namespace spyglass::ui::inspector
