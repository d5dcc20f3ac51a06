#pragma once

#include "core/proxy/ExchangeSummary.h"

#include <QMainWindow>

class QLabel;
class QPlainTextEdit;

namespace spyglass::ui {

// The main window. For now (issue 2) it shows where the proxy listens, how to
// point a client at it, and one line per finished exchange; the session
// inspector replaces the log in issue 6.
class MainWindow final : public QMainWindow {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    explicit MainWindow(QWidget* parent = nullptr);

    void setListenAddress(const QString& address);
    void addExchange(const core::proxy::ExchangeSummary& summary, const QString& line);

private:
    QLabel* m_address = nullptr;
    QLabel* m_howTo = nullptr;
    QPlainTextEdit* m_log = nullptr;
    int m_count = 0;
};

} // namespace spyglass::ui
