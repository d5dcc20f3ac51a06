#pragma once

#include "LoadedExchange.h"

#include <QWidget>

class QFormLayout;
class QLabel;
class QPushButton;

namespace spyglass::ui::inspector {

// The Overview tab: what the exchange was and how it went, in one glance.
// Every value is a QLabel with an objectName ("overviewUrl",
// "overviewStatus", "overviewMode", "overviewClient", "overviewServer",
// "overviewTiming", "overviewRequestSize", "overviewResponseSize",
// "overviewTls", "overviewNote", "overviewError", "overviewExplanation",
// "overviewFix") plus the "overviewOpenRootCa" button, shown when the fix is
// to install the Spyglass root CA.
class OverviewPane final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(OverviewPane)

public:
    explicit OverviewPane(QWidget* parent = nullptr);

    void setExchange(const LoadedExchange& exchange);
    void clear();

Q_SIGNALS:
    void openRootCaRequested();

private:
    QLabel* addField(const QString& label, const QString& name);
    void setRow(QLabel* field, const QString& text);

    QFormLayout* m_form = nullptr;
    QLabel* m_url = nullptr;
    QLabel* m_status = nullptr;
    QLabel* m_mode = nullptr;
    QLabel* m_client = nullptr;
    QLabel* m_server = nullptr;
    QLabel* m_timing = nullptr;
    QLabel* m_requestSize = nullptr;
    QLabel* m_responseSize = nullptr;
    QLabel* m_tls = nullptr;
    QLabel* m_note = nullptr;
    QLabel* m_error = nullptr;
    QLabel* m_explanation = nullptr;
    QLabel* m_fix = nullptr;
    QPushButton* m_openRootCa = nullptr;
    QWidget* m_rootCaRow = nullptr;
};

} // namespace spyglass::ui::inspector
