#include "MessagePane.h"

#include "BodyViewer.h"
#include "HeadersView.h"

#include <QSplitter>
#include <QVBoxLayout>

namespace spyglass::ui::inspector {

MessagePane::MessagePane(const QString& name, QWidget* parent)
    : QWidget(parent) {
    setObjectName(name + QStringLiteral("Page"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    auto* splitter = new QSplitter(Qt::Vertical, this);
    m_headers = new HeadersView(name + QStringLiteral("Headers"), splitter);
    m_body = new BodyViewer(splitter);
    m_body->setNamePrefix(name + QStringLiteral("Body"));
    splitter->addWidget(m_headers);
    splitter->addWidget(m_body);
    // Heads are short; the body gets most of the height.
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 2);
    m_splitter = splitter;
    layout->addWidget(splitter);
}

void MessagePane::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    // A third for the head, the rest for the body, once the real height is
    // known (stretch factors only share out later growth); afterwards the
    // person's own splitter position stands.
    if (!m_splitSet && m_splitter->height() > 0) {
        const int height = m_splitter->height();
        m_splitter->setSizes({height / 3, height - height / 3});
        m_splitSet = true;
    }
}

} // namespace spyglass::ui::inspector
