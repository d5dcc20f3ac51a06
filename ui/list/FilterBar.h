#pragma once

#include <QStringList>
#include <QWidget>

class QLabel;
class QLineEdit;
class QSettings;
class QStringListModel;
class QTimer;

namespace spyglass::ui {

class ExchangeListModel;

// The filter field above the exchange list (objectName "filterField"; the
// inline error label is "filterError"). It takes the store's filter
// language (docs/filter-language.md): the expression applies shortly after
// typing stops or at once on Return; a syntax error shows inline, with its
// column, and leaves the list as it was. Expressions applied with Return
// go into a history (a completer on the field; Down opens it), kept in
// QSettings when setHistorySettings is given. Ctrl+F (QKeySequence::Find)
// anywhere in the window focuses the field.
class FilterBar final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FilterBar)

public:
    static constexpr int kMaxHistory = 20;
    static constexpr int kTypingDelayMs = 300;

    explicit FilterBar(QWidget* parent = nullptr);

    // Applies the filter to `model` and shows its errors. Not owned.
    void setExchangeModel(ExchangeListModel* model);
    // Loads the history from `settings` under `key` and saves it there.
    void setHistorySettings(QSettings* settings, const QString& key);

    [[nodiscard]] QString text() const;
    void setText(const QString& expression);
    [[nodiscard]] QStringList history() const { return m_history; }
    // "" hides the error.
    void showError(const QString& message);
    [[nodiscard]] QString error() const;
    [[nodiscard]] QLineEdit* field() const { return m_field; }

Q_SIGNALS:
    // The expression to apply (also emitted without a model set).
    void filterChanged(const QString& expression);

private:
    void apply(bool remember);
    void remember(const QString& expression);

    QLineEdit* m_field = nullptr;
    QLabel* m_error = nullptr;
    QTimer* m_typing = nullptr;
    QStringListModel* m_historyModel = nullptr;
    QStringList m_history;
    ExchangeListModel* m_model = nullptr;
    QSettings* m_settings = nullptr;
    QString m_settingsKey;
};

} // namespace spyglass::ui
