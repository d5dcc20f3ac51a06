#include "HeadersView.h"

#include "core/store/HeadText.h"

#include <QCheckBox>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QStackedWidget>
#include <QTableWidget>
#include <QVBoxLayout>

namespace spyglass::ui::inspector {

HeadersView::HeadersView(const QString& namePrefix, QWidget* parent)
    : QWidget(parent) {
    const QFont fixed = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* top = new QHBoxLayout;
    m_startLine = new QLabel(this);
    m_startLine->setObjectName(namePrefix + QStringLiteral("StartLine"));
    m_startLine->setFont(fixed);
    m_startLine->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_rawToggle = new QCheckBox(tr("Raw"), this);
    m_rawToggle->setObjectName(namePrefix + QStringLiteral("RawToggle"));
    m_rawToggle->setToolTip(tr("Show the head's bytes as received (and as forwarded)"));
    connect(m_rawToggle, &QCheckBox::toggled, this, &HeadersView::setRaw);
    top->addWidget(m_startLine, 1);
    top->addWidget(m_rawToggle);
    layout->addLayout(top);

    m_stack = new QStackedWidget(this);
    m_table = new QTableWidget(0, 2, m_stack);
    m_table->setObjectName(namePrefix);
    m_table->setHorizontalHeaderLabels({tr("Name"), tr("Value")});
    m_table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setWordWrap(false);
    // One text line per field, not the style's roomy default.
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    m_raw = new QPlainTextEdit(m_stack);
    m_raw->setObjectName(namePrefix + QStringLiteral("Raw"));
    m_raw->setReadOnly(true);
    m_raw->setFont(fixed);
    m_raw->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_stack->addWidget(m_table);
    m_stack->addWidget(m_raw);
    layout->addWidget(m_stack, 1);
}

void HeadersView::setRaw(bool raw) {
    const QSignalBlocker block(m_rawToggle);
    m_rawToggle->setChecked(raw);
    m_stack->setCurrentWidget(raw ? static_cast<QWidget*>(m_raw) : m_table);
}

void HeadersView::setHead(const core::store::StoredHead* head,
                          const QList<const core::store::StoredHead*>& interim) {
    m_table->setRowCount(0);
    if (!head) {
        m_startLine->setText(tr("(no head recorded)"));
        m_raw->clear();
        return;
    }
    // Field values are bytes; Latin-1 shows every byte (RFC 9110 §5.5:
    // obs-text is opaque), UTF-8 would turn some into replacement marks.
    const core::store::HeadText parsed = core::store::HeadText::parse(head->raw);
    QString startLine = QString::fromLatin1(parsed.startLine());
    QString rawInterim;
    QStringList interimLines;
    for (const core::store::StoredHead* early : interim) {
        const QString line =
            QString::fromLatin1(core::store::HeadText::parse(early->raw).startLine());
        interimLines << line.section(u' ', 1);
        rawInterim += QString::fromLatin1(early->raw);
    }
    if (!interimLines.isEmpty())
        startLine += tr("  (after %1)").arg(interimLines.join(QStringLiteral(", ")));
    m_startLine->setText(startLine);
    m_table->setRowCount(static_cast<int>(parsed.fields().size()));
    for (int row = 0; row < parsed.fields().size(); ++row) {
        const core::store::HeadField& field = parsed.fields()[row];
        m_table->setItem(row, 0, new QTableWidgetItem(QString::fromLatin1(field.name)));
        m_table->setItem(row, 1, new QTableWidgetItem(QString::fromLatin1(field.value)));
    }
    QString raw = rawInterim + QString::fromLatin1(head->raw);
    if (!head->forwarded.isEmpty() && head->forwarded != head->raw)
        raw += tr("\n——— as forwarded ———\n") + QString::fromLatin1(head->forwarded);
    // Every line ends in CRLF on the wire; the view shows lines.
    raw.replace(QStringLiteral("\r\n"), QStringLiteral("\n"));
    m_raw->setPlainText(raw);
}

} // namespace spyglass::ui::inspector
