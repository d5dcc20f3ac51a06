#include "TimingWaterfall.h"

#include "DisplayText.h"

#include <QPainter>

namespace spyglass::ui::inspector {

namespace {

constexpr int kMargin = 8;
constexpr int kLabelWidth = 110;
constexpr int kDurationWidth = 80;

// One hue per kind of phase, mid-tones that show on light and dark bases.
QColor phaseColour(TimingPhase::Kind kind) {
    static const QColor colours[] = {QColor(0xe0, 0x8e, 0x2b), QColor(0x9b, 0x6c, 0xd6),
                                     QColor(0xc0, 0x5c, 0xa8), QColor(0x3b, 0x82, 0xd6),
                                     QColor(0x8a, 0x8f, 0x98), QColor(0x3d, 0x9a, 0x50),
                                     QColor(0x2a, 0x9d, 0x9d)};
    return colours[static_cast<int>(kind)];
}

} // namespace

TimingWaterfall::TimingWaterfall(QWidget* parent)
    : QWidget(parent) {
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
}

void TimingWaterfall::setTimings(const core::record::Timings& timings, bool tunnel) {
    m_phases = TimingPhases::compute(timings, tunnel);
    m_totalUs = TimingPhases::totalUs(timings);
    for (const TimingPhase& phase : std::as_const(m_phases))
        m_totalUs = std::max(m_totalUs, phase.endUs);
    updateGeometry();
    update();
}

void TimingWaterfall::clear() {
    m_phases.clear();
    m_totalUs = 0;
    updateGeometry();
    update();
}

int TimingWaterfall::rowHeight() const {
    return fontMetrics().height() + 8;
}

QSize TimingWaterfall::sizeHint() const {
    // The phases plus a row for the total.
    return {kLabelWidth + kDurationWidth + 300,
            static_cast<int>(m_phases.size() + 1) * rowHeight() + 2 * kMargin};
}

QSize TimingWaterfall::minimumSizeHint() const {
    return {kLabelWidth + kDurationWidth + 60, sizeHint().height()};
}

void TimingWaterfall::paintEvent(QPaintEvent* event) {
    Q_UNUSED(event);
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const int row = rowHeight();
    const int barLeft = kMargin + kLabelWidth;
    const int barWidth = std::max(1, width() - barLeft - kDurationWidth - kMargin);
    const QColor text = palette().color(QPalette::WindowText);
    const QColor grid = palette().color(QPalette::Mid);
    if (m_phases.isEmpty()) {
        painter.setPen(palette().color(QPalette::PlaceholderText));
        painter.drawText(rect(), Qt::AlignCenter, tr("No timings recorded"));
        return;
    }
    const double scale = m_totalUs > 0 ? static_cast<double>(barWidth) / m_totalUs : 0.0;
    // The time axis: start and end lines behind the bars.
    painter.setPen(QPen(grid, 1, Qt::DotLine));
    const int bottom = kMargin + static_cast<int>(m_phases.size()) * row;
    painter.drawLine(barLeft, kMargin, barLeft, bottom);
    painter.drawLine(barLeft + barWidth, kMargin, barLeft + barWidth, bottom);
    for (int i = 0; i < m_phases.size(); ++i) {
        const TimingPhase& phase = m_phases[i];
        const int top = kMargin + i * row;
        const QRect label(kMargin, top, kLabelWidth - 6, row);
        painter.setPen(text);
        painter.drawText(label, Qt::AlignVCenter | Qt::AlignLeft, phase.name);
        const int x = barLeft + static_cast<int>(phase.startUs * scale);
        // At least 2 px, so a 3 µs phase is still visible beside a 2 s one.
        const int w = std::max(2, static_cast<int>(phase.durationUs() * scale));
        painter.setPen(Qt::NoPen);
        painter.setBrush(phaseColour(phase.kind));
        painter.drawRoundedRect(QRect(x, top + 4, w, row - 8), 2, 2);
        painter.setPen(text);
        painter.drawText(QRect(barLeft + barWidth + 6, top, kDurationWidth - 6, row),
                         Qt::AlignVCenter | Qt::AlignRight,
                         DisplayText::duration(phase.durationUs()));
    }
    const int totalTop = bottom;
    QFont bold = font();
    bold.setBold(true);
    painter.setFont(bold);
    painter.drawText(QRect(kMargin, totalTop, kLabelWidth - 6, row), Qt::AlignVCenter, tr("Total"));
    painter.drawText(QRect(barLeft + barWidth + 6, totalTop, kDurationWidth - 6, row),
                     Qt::AlignVCenter | Qt::AlignRight, DisplayText::duration(m_totalUs));
}

} // namespace spyglass::ui::inspector
