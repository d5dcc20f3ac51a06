#pragma once

#include <QAbstractScrollArea>
#include <QByteArray>

namespace spyglass::ui::inspector {

// Offset, hex and ASCII columns, 16 bytes a line, for bodies of any size:
// it paints only the lines in the viewport (Wireshark's byte_view_text
// does the same), so a 16 MiB body (a million lines) costs no more to show
// or scroll than a small one. Holds the bytes by implicit sharing.
class HexView final : public QAbstractScrollArea {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HexView)

public:
    static constexpr int kBytesPerLine = 16;

    explicit HexView(QWidget* parent = nullptr);

    void setData(const QByteArray& data);
    [[nodiscard]] const QByteArray& data() const { return m_data; }
    [[nodiscard]] qint64 lineCount() const;
    // The text of one line as painted ("00000010  41 42 ...  |AB..|").
    [[nodiscard]] QString lineText(qint64 line) const;
    [[nodiscard]] qint64 firstVisibleLine() const;
    [[nodiscard]] int visibleLineCount() const;
    void scrollToLine(qint64 line);
    // How many lines the last paint drew (tests check it stays at a screenful).
    [[nodiscard]] int linesPaintedLastTime() const { return m_linesPainted; }

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    void updateScrollBars();
    [[nodiscard]] int lineHeight() const;
    [[nodiscard]] int offsetDigits() const;

    QByteArray m_data;
    int m_linesPainted = 0;
};

} // namespace spyglass::ui::inspector
