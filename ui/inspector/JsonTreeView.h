#pragma once

#include <QJsonDocument>
#include <QJsonValue>
#include <QTreeWidget>

namespace spyglass::ui::inspector {

// A JSON document as a collapsible tree (key, value, type). Building stops
// at kMaxItems with a final "… more not shown" item: a tree widget with
// millions of items would freeze the GUI thread, and the Text mode still
// shows the whole document.
class JsonTreeView final : public QTreeWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(JsonTreeView)

public:
    static constexpr int kMaxItems = 50'000;

    explicit JsonTreeView(QWidget* parent = nullptr);
    void setDocument(const QJsonDocument& document);
    [[nodiscard]] int itemCount() const { return m_items; }
    [[nodiscard]] bool capped() const { return m_capped; }

private:
    void addValue(QTreeWidgetItem* parent, const QString& key, const QJsonValue& value);

    int m_items = 0;
    bool m_capped = false;
};

} // namespace spyglass::ui::inspector
