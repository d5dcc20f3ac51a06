#pragma once

#include <QStringList>
#include <QWidget>
#include <functional>

class QLabel;
class QLineEdit;
class QListWidget;
class QListWidgetItem;
class QPushButton;

namespace spyglass::ui {

// A list of host patterns with add, edit (double-click) and remove, each
// entry validated as it is typed in: an invalid pattern is not added and the
// reason shows under the list. Used for the include/exclude rules and the
// insecure-upstream hosts. Child objectNames: <name>Input, <name>Add,
// <name>Remove, <name>List, <name>Error.
class PatternListEditor final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PatternListEditor)

public:
    // Returns the canonical text, or an empty string with `error` set.
    using Validator = std::function<QString(const QString& text, QString* error)>;

    PatternListEditor(const QString& name, const QString& placeholder, Validator validator,
                      QWidget* parent = nullptr);

    void setPatterns(const QStringList& patterns);
    [[nodiscard]] QStringList patterns() const;
    [[nodiscard]] QString errorText() const;
    // Adds the text in the input (what the Add button does); false if invalid.
    bool addFromInput();

Q_SIGNALS:
    void changed();

private:
    void onItemChanged(QListWidgetItem* item);
    void showError(const QString& message);

    Validator m_validator;
    QLineEdit* m_input = nullptr;
    QListWidget* m_list = nullptr;
    QPushButton* m_remove = nullptr;
    QLabel* m_error = nullptr;
    bool m_updating = false;
};

} // namespace spyglass::ui
