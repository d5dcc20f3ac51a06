#include "JsonTreeView.h"

#include <QHeaderView>
#include <QJsonArray>
#include <QJsonObject>

namespace spyglass::ui::inspector {

namespace {

// Expanded on load: the first levels are what people look at first.
constexpr int kExpandedDepth = 2;

QString typeName(const QJsonValue& value) {
    switch (value.type()) {
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Bool:
        return QStringLiteral("boolean");
    case QJsonValue::Double:
        return QStringLiteral("number");
    case QJsonValue::String:
        return QStringLiteral("string");
    case QJsonValue::Array:
        return QStringLiteral("array");
    case QJsonValue::Object:
        return QStringLiteral("object");
    case QJsonValue::Undefined:
        break;
    }
    return {};
}

QString valueText(const QJsonValue& value) {
    switch (value.type()) {
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Bool:
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Double:
        return QString::number(value.toDouble(), 'g', 17);
    case QJsonValue::String:
        return u'"' + value.toString() + u'"';
    case QJsonValue::Array:
        return QStringLiteral("[%1 items]").arg(value.toArray().size());
    case QJsonValue::Object:
        return QStringLiteral("{%1 keys}").arg(value.toObject().size());
    case QJsonValue::Undefined:
        break;
    }
    return {};
}

} // namespace

JsonTreeView::JsonTreeView(QWidget* parent)
    : QTreeWidget(parent) {
    setColumnCount(3);
    setHeaderLabels({tr("Key"), tr("Value"), tr("Type")});
    setUniformRowHeights(true);
    setAlternatingRowColors(true);
    header()->setStretchLastSection(false);
    header()->setSectionResizeMode(1, QHeaderView::Stretch);
    setColumnWidth(0, 220);
}

void JsonTreeView::setDocument(const QJsonDocument& document) {
    clear();
    m_items = 0;
    m_capped = false;
    if (document.isNull())
        return;
    const QJsonValue root =
        document.isArray() ? QJsonValue(document.array()) : QJsonValue(document.object());
    addValue(nullptr, QStringLiteral("(root)"), root);
    if (m_capped) {
        auto* more = new QTreeWidgetItem(this);
        more->setText(0, tr("… more not shown (use Text mode)"));
        more->setFirstColumnSpanned(true);
    }
    expandToDepth(kExpandedDepth - 1);
}

void JsonTreeView::addValue(QTreeWidgetItem* parent, const QString& key, const QJsonValue& value) {
    if (m_items >= kMaxItems) {
        m_capped = true;
        return;
    }
    auto* item = parent ? new QTreeWidgetItem(parent) : new QTreeWidgetItem(this);
    ++m_items;
    item->setText(0, key);
    item->setText(1, valueText(value));
    item->setText(2, typeName(value));
    if (value.isObject()) {
        const QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end() && !m_capped; ++it)
            addValue(item, it.key(), it.value());
    } else if (value.isArray()) {
        const QJsonArray array = value.toArray();
        for (qsizetype i = 0; i < array.size() && !m_capped; ++i)
            addValue(item, QStringLiteral("[%1]").arg(i), array.at(i));
    }
}

} // namespace spyglass::ui::inspector
