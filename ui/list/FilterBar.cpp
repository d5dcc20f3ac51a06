#include "FilterBar.h"

#include "ExchangeListModel.h"

#include <QCompleter>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QSettings>
#include <QShortcut>
#include <QStringListModel>
#include <QTimer>
#include <QVBoxLayout>

namespace spyglass::ui {

FilterBar::FilterBar(QWidget* parent)
    : QWidget(parent)
    , m_field(new QLineEdit(this))
    , m_error(new QLabel(this))
    , m_typing(new QTimer(this))
    , m_historyModel(new QStringListModel(this)) {
    setObjectName(QStringLiteral("filterBar"));
    m_field->setObjectName(QStringLiteral("filterField"));
    m_field->setPlaceholderText(tr("Filter: host:example.com status:4xx,5xx -method:OPTIONS  "
                                   "(Ctrl+F)"));
    m_field->setClearButtonEnabled(true);
    auto* completer = new QCompleter(m_historyModel, m_field);
    completer->setCompletionMode(QCompleter::PopupCompletion);
    completer->setCaseSensitivity(Qt::CaseInsensitive);
    completer->setFilterMode(Qt::MatchContains);
    m_field->setCompleter(completer);

    m_error->setObjectName(QStringLiteral("filterError"));
    m_error->setWordWrap(true);
    m_error->setTextFormat(Qt::PlainText);
    m_error->setStyleSheet(QStringLiteral("color: #c62828;"));
    m_error->hide();

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(m_field);
    layout->addWidget(m_error);

    m_typing->setSingleShot(true);
    m_typing->setInterval(kTypingDelayMs);
    connect(m_typing, &QTimer::timeout, this, [this] { apply(false); });
    connect(m_field, &QLineEdit::textEdited, m_typing, qOverload<>(&QTimer::start));
    connect(m_field, &QLineEdit::returnPressed, this, [this] {
        m_typing->stop();
        apply(true);
    });
    // The clear button changes the text without textEdited.
    connect(m_field, &QLineEdit::textChanged, this, [this](const QString& text) {
        if (text.isEmpty() && !m_field->isModified())
            apply(false);
    });

    auto* find = new QShortcut(QKeySequence::Find, this);
    find->setContext(Qt::WindowShortcut);
    connect(find, &QShortcut::activated, this, [this] {
        m_field->setFocus(Qt::ShortcutFocusReason);
        m_field->selectAll();
    });
}

void FilterBar::setExchangeModel(ExchangeListModel* model) {
    if (m_model)
        disconnect(m_model, nullptr, this, nullptr);
    m_model = model;
    if (model)
        connect(model, &ExchangeListModel::filterError, this, &FilterBar::showError);
}

void FilterBar::setHistorySettings(QSettings* settings, const QString& key) {
    m_settings = settings;
    m_settingsKey = key;
    if (!settings)
        return;
    m_history = settings->value(key).toStringList().mid(0, kMaxHistory);
    m_historyModel->setStringList(m_history);
}

QString FilterBar::text() const {
    return m_field->text();
}

void FilterBar::setText(const QString& expression) {
    m_field->setText(expression);
    apply(false);
}

QString FilterBar::error() const {
    return m_error->isHidden() ? QString() : m_error->text();
}

void FilterBar::showError(const QString& message) {
    m_error->setText(message);
    m_error->setVisible(!message.isEmpty());
    // A red frame too, for when the label is scrolled out of a small pane.
    m_field->setStyleSheet(message.isEmpty() ? QString()
                                             : QStringLiteral("QLineEdit { border: 1px solid "
                                                              "#c62828; }"));
}

void FilterBar::apply(bool rememberIt) {
    const QString expression = m_field->text();
    Q_EMIT filterChanged(expression);
    QString error;
    if (m_model) {
        error = m_model->setFilter(expression); // also shows through filterError
    } else {
        auto compiled = core::store::SessionReader::compileFilter(expression);
        error = compiled ? QString() : compiled.errorMessage();
        showError(error);
    }
    if (rememberIt && error.isEmpty() && !expression.trimmed().isEmpty())
        remember(expression.trimmed());
}

void FilterBar::remember(const QString& expression) {
    m_history.removeAll(expression);
    m_history.prepend(expression);
    while (m_history.size() > kMaxHistory)
        m_history.removeLast();
    m_historyModel->setStringList(m_history);
    if (m_settings && !m_settingsKey.isEmpty())
        m_settings->setValue(m_settingsKey, m_history);
}

} // namespace spyglass::ui
