#pragma once

#include <QWidget>

class QSplitter;

namespace spyglass::ui::inspector {

class BodyViewer;
class HeadersView;

// The Request or Response tab: the head above, the body below, in a
// splitter. objectNames: "<name>Headers" (the table), "<name>Body".
class MessagePane final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MessagePane)

public:
    explicit MessagePane(const QString& name, QWidget* parent = nullptr);

    [[nodiscard]] HeadersView* headers() const { return m_headers; }
    [[nodiscard]] BodyViewer* body() const { return m_body; }

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    QSplitter* m_splitter = nullptr;
    bool m_splitSet = false;
    HeadersView* m_headers = nullptr;
    BodyViewer* m_body = nullptr;
};

} // namespace spyglass::ui::inspector
