#pragma once

#include "core/store/ExchangeDetail.h"

#include <QWidget>

class QCheckBox;
class QLabel;
class QPlainTextEdit;
class QStackedWidget;
class QTableWidget;

namespace spyglass::ui::inspector {

// A message head: the start line, then the fields as a table (name, value,
// in the order received), or the raw bytes as received and, when the proxy
// changed them, as forwarded. The table's objectName is the prefix given
// ("requestHeaders"); the others add StartLine, Raw and RawToggle.
class HeadersView final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HeadersView)

public:
    explicit HeadersView(const QString& namePrefix, QWidget* parent = nullptr);

    // nullptr clears (no head recorded). `interim`: 1xx responses that came
    // before the final one (100 Continue, 103 Early Hints), shown in the raw
    // view and named after the start line.
    void setHead(const core::store::StoredHead* head,
                 const QList<const core::store::StoredHead*>& interim = {});
    void setRaw(bool raw);
    [[nodiscard]] QTableWidget* table() const { return m_table; }

private:
    QLabel* m_startLine = nullptr;
    QCheckBox* m_rawToggle = nullptr;
    QStackedWidget* m_stack = nullptr;
    QTableWidget* m_table = nullptr;
    QPlainTextEdit* m_raw = nullptr;
};

} // namespace spyglass::ui::inspector
