#include "PatternListEditor.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

namespace spyglass::ui {

namespace {
// The text before an edit, to restore when the edit is invalid.
constexpr int kPreviousTextRole = Qt::UserRole + 1;
} // namespace

PatternListEditor::PatternListEditor(const QString& name, const QString& placeholder,
                                     Validator validator, QWidget* parent)
    : QWidget(parent)
    , m_validator(std::move(validator)) {
    setObjectName(name);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* row = new QHBoxLayout;
    m_input = new QLineEdit(this);
    m_input->setObjectName(name + QStringLiteral("Input"));
    m_input->setPlaceholderText(placeholder);
    m_input->setClearButtonEnabled(true);
    auto* add = new QPushButton(tr("Add"), this);
    add->setObjectName(name + QStringLiteral("Add"));
    m_remove = new QPushButton(tr("Remove"), this);
    m_remove->setObjectName(name + QStringLiteral("Remove"));
    m_remove->setEnabled(false);
    row->addWidget(m_input, 1);
    row->addWidget(add);
    row->addWidget(m_remove);
    layout->addLayout(row);
    m_list = new QListWidget(this);
    m_list->setObjectName(name + QStringLiteral("List"));
    m_list->setToolTip(tr("Double-click an entry to edit it."));
    m_list->setSelectionMode(QAbstractItemView::ExtendedSelection);
    layout->addWidget(m_list, 1);
    m_error = new QLabel(this);
    m_error->setObjectName(name + QStringLiteral("Error"));
    m_error->setWordWrap(true);
    m_error->setForegroundRole(QPalette::BrightText);
    m_error->setStyleSheet(QStringLiteral("color: #d9534f;"));
    m_error->hide();
    layout->addWidget(m_error);

    connect(add, &QPushButton::clicked, this, [this] { addFromInput(); });
    connect(m_input, &QLineEdit::returnPressed, this, [this] { addFromInput(); });
    connect(m_input, &QLineEdit::textEdited, this, [this] { showError({}); });
    connect(m_remove, &QPushButton::clicked, this, [this] {
        const auto selected = m_list->selectedItems();
        for (QListWidgetItem* item : selected)
            delete item;
        Q_EMIT changed();
    });
    connect(m_list, &QListWidget::itemSelectionChanged, this,
            [this] { m_remove->setEnabled(!m_list->selectedItems().isEmpty()); });
    connect(m_list, &QListWidget::itemChanged, this, &PatternListEditor::onItemChanged);
}

void PatternListEditor::setPatterns(const QStringList& patterns) {
    m_updating = true;
    m_list->clear();
    for (const QString& pattern : patterns) {
        auto* item = new QListWidgetItem(pattern, m_list);
        item->setFlags(item->flags() | Qt::ItemIsEditable);
        item->setData(kPreviousTextRole, pattern);
    }
    m_updating = false;
    showError({});
}

QStringList PatternListEditor::patterns() const {
    QStringList list;
    for (int i = 0; i < m_list->count(); ++i)
        list << m_list->item(i)->text();
    return list;
}

QString PatternListEditor::errorText() const {
    return m_error->isVisible() ? m_error->text() : QString();
}

bool PatternListEditor::addFromInput() {
    const QString text = m_input->text().trimmed();
    if (text.isEmpty())
        return false;
    QString error;
    const QString canonical = m_validator(text, &error);
    if (canonical.isEmpty()) {
        showError(error);
        return false;
    }
    if (!patterns().contains(canonical)) {
        m_updating = true;
        auto* item = new QListWidgetItem(canonical, m_list);
        item->setFlags(item->flags() | Qt::ItemIsEditable);
        item->setData(kPreviousTextRole, canonical);
        m_updating = false;
        Q_EMIT changed();
    }
    m_input->clear();
    showError({});
    return true;
}

void PatternListEditor::onItemChanged(QListWidgetItem* item) {
    if (m_updating)
        return;
    const QString previous = item->data(kPreviousTextRole).toString();
    QString error;
    const QString canonical = m_validator(item->text().trimmed(), &error);
    m_updating = true;
    if (canonical.isEmpty()) {
        item->setText(previous);
        showError(error);
    } else {
        item->setText(canonical);
        item->setData(kPreviousTextRole, canonical);
        showError({});
    }
    m_updating = false;
    Q_EMIT changed();
}

void PatternListEditor::showError(const QString& message) {
    m_error->setText(message);
    m_error->setVisible(!message.isEmpty());
}

} // namespace spyglass::ui
