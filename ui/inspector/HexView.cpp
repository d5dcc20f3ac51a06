#include "HexView.h"

#include <QEvent>
#include <QFontDatabase>
#include <QPainter>
#include <QScrollBar>

namespace spyglass::ui::inspector {

namespace {

constexpr int kMargin = 4;

char hexDigit(int value) {
    return "0123456789abcdef"[value & 0xF];
}

} // namespace

HexView::HexView(QWidget* parent)
    : QAbstractScrollArea(parent) {
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    viewport()->setBackgroundRole(QPalette::Base);
    viewport()->setAutoFillBackground(true);
    updateScrollBars();
}

void HexView::setData(const QByteArray& data) {
    m_data = data;
    verticalScrollBar()->setValue(0);
    horizontalScrollBar()->setValue(0);
    updateScrollBars();
    viewport()->update();
}

qint64 HexView::lineCount() const {
    return (m_data.size() + kBytesPerLine - 1) / kBytesPerLine;
}

int HexView::offsetDigits() const {
    // At least 8 digits; more for bodies past 4 GiB.
    int digits = 8;
    for (qint64 size = m_data.size() >> 32; size > 0; size >>= 4)
        ++digits;
    return digits;
}

QString HexView::lineText(qint64 line) const {
    const qint64 start = line * kBytesPerLine;
    if (line < 0 || start >= m_data.size())
        return {};
    const qint64 count = std::min<qint64>(kBytesPerLine, m_data.size() - start);
    QByteArray text = QByteArray::number(start, 16).rightJustified(offsetDigits(), '0') + "  ";
    QByteArray ascii;
    for (int i = 0; i < kBytesPerLine; ++i) {
        if (i == kBytesPerLine / 2)
            text += ' ';
        if (i < count) {
            const auto byte = static_cast<uchar>(m_data[start + i]);
            text += hexDigit(byte >> 4);
            text += hexDigit(byte);
            text += ' ';
            ascii += byte >= 0x20 && byte < 0x7F ? static_cast<char>(byte) : '.';
        } else {
            text += "   ";
        }
    }
    return QString::fromLatin1(text + " |" + ascii + '|');
}

int HexView::lineHeight() const {
    return fontMetrics().height();
}

int HexView::visibleLineCount() const {
    return std::max(1, viewport()->height() / lineHeight());
}

qint64 HexView::firstVisibleLine() const {
    return verticalScrollBar()->value();
}

void HexView::scrollToLine(qint64 line) {
    verticalScrollBar()->setValue(static_cast<int>(std::clamp<qint64>(line, 0, lineCount())));
}

void HexView::updateScrollBars() {
    // One scroll step is one line; a million lines fit an int range easily
    // (a 32 GiB body would not, and is never held in memory).
    const qint64 lines = lineCount();
    const int visible = visibleLineCount();
    verticalScrollBar()->setRange(0, static_cast<int>(std::max<qint64>(0, lines - visible)));
    verticalScrollBar()->setPageStep(visible);
    verticalScrollBar()->setSingleStep(1);
    const int width = fontMetrics().horizontalAdvance(QLatin1Char('0')) *
                      static_cast<int>(lineText(0).size() + 1);
    horizontalScrollBar()->setRange(0, std::max(0, width + 2 * kMargin - viewport()->width()));
    horizontalScrollBar()->setPageStep(viewport()->width());
}

void HexView::paintEvent(QPaintEvent* event) {
    Q_UNUSED(event);
    QPainter painter(viewport());
    const int height = lineHeight();
    const int ascent = fontMetrics().ascent();
    const int x = kMargin - horizontalScrollBar()->value();
    const int offsetWidth =
        fontMetrics().horizontalAdvance(QString(offsetDigits(), QLatin1Char('0')));
    const QColor offsetColor = palette().color(QPalette::PlaceholderText);
    const QColor textColor = palette().color(QPalette::Text);
    const qint64 first = firstVisibleLine();
    const qint64 last = std::min(lineCount(), first + visibleLineCount() + 1);
    m_linesPainted = 0;
    for (qint64 line = first; line < last; ++line) {
        const int y = static_cast<int>(line - first) * height + ascent;
        const QString text = lineText(line);
        const int digits = offsetDigits();
        painter.setPen(offsetColor);
        painter.drawText(x, y, text.left(digits));
        painter.setPen(textColor);
        painter.drawText(x + offsetWidth, y, text.mid(digits));
        ++m_linesPainted;
    }
}

void HexView::resizeEvent(QResizeEvent* event) {
    QAbstractScrollArea::resizeEvent(event);
    updateScrollBars();
}

void HexView::changeEvent(QEvent* event) {
    QAbstractScrollArea::changeEvent(event);
    if (event->type() == QEvent::FontChange)
        updateScrollBars();
}

} // namespace spyglass::ui::inspector
