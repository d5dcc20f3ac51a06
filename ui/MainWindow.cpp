#include "MainWindow.h"

#include <QAction>
#include <QApplication>
#include <QFontDatabase>
#include <QLabel>
#include <QMenuBar>
#include <QPlainTextEdit>
#include <QStatusBar>
#include <QVBoxLayout>

namespace spyglass::ui {

namespace {
// The log is a view of recent activity, not the capture: bounded so a long
// session cannot grow the window's memory.
constexpr int kMaxLogLines = 5000;
} // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent) {
    setWindowTitle(QStringLiteral("Spyglass"));
    setObjectName(QStringLiteral("mainWindow"));
    auto* central = new QWidget(this);
    auto* layout = new QVBoxLayout(central);

    m_address = new QLabel(central);
    m_address->setObjectName(QStringLiteral("listenAddressLabel"));
    m_address->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont big = m_address->font();
    big.setPointSizeF(big.pointSizeF() * 1.4);
    big.setBold(true);
    m_address->setFont(big);
    layout->addWidget(m_address);

    m_howTo = new QLabel(central);
    m_howTo->setObjectName(QStringLiteral("howToLabel"));
    m_howTo->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_howTo->setWordWrap(true);
    layout->addWidget(m_howTo);

    m_log = new QPlainTextEdit(central);
    m_log->setObjectName(QStringLiteral("exchangeLog"));
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(kMaxLogLines);
    m_log->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_log->setPlaceholderText(tr("Finished exchanges appear here."));
    layout->addWidget(m_log, 1);
    setCentralWidget(central);

    auto* fileMenu = menuBar()->addMenu(tr("&File"));
    auto* quit = fileMenu->addAction(tr("&Quit"));
    quit->setObjectName(QStringLiteral("actionQuit"));
    quit->setShortcut(QKeySequence::Quit);
    connect(quit, &QAction::triggered, this, &QWidget::close);

    statusBar()->showMessage(tr("Starting the proxy…"));
    resize(900, 560);
}

void MainWindow::setListenAddress(const QString& address) {
    m_address->setText(tr("Spyglass is listening on %1").arg(address));
    const QString url = QStringLiteral("http://") + address;
    m_howTo->setText(tr("Point your client at it:\n"
                        "  export http_proxy=%1 https_proxy=%1\n"
                        "  curl -x %1 https://example.com/")
                         .arg(url));
    statusBar()->showMessage(tr("Listening on %1").arg(address));
}

void MainWindow::addExchange(const core::proxy::ExchangeSummary& /*summary*/, const QString& line) {
    ++m_count;
    m_log->appendPlainText(line);
    statusBar()->showMessage(tr("%n exchange(s)", nullptr, m_count));
}

} // namespace spyglass::ui
