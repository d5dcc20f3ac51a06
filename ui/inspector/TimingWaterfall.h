#pragma once

#include "TimingPhases.h"

#include <QWidget>

namespace spyglass::ui::inspector {

// A waterfall of an exchange's phases: one row each, a bar placed on a
// common time axis (so gaps show), and the duration beside it. Painted, so
// it follows the palette and scales to any width.
class TimingWaterfall final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TimingWaterfall)

public:
    explicit TimingWaterfall(QWidget* parent = nullptr);

    void setTimings(const core::record::Timings& timings, bool tunnel);
    void clear();
    [[nodiscard]] const QList<TimingPhase>& phases() const { return m_phases; }
    [[nodiscard]] qint64 totalUs() const { return m_totalUs; }

    [[nodiscard]] QSize sizeHint() const override;
    [[nodiscard]] QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    [[nodiscard]] int rowHeight() const;

    QList<TimingPhase> m_phases;
    qint64 m_totalUs = 0;
};

} // namespace spyglass::ui::inspector
