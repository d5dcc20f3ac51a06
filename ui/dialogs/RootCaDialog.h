#pragma once

#include "ui/services/CaService.h"

#include <QDialog>
#include <functional>

class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QTreeWidget;

namespace spyglass::ui {

class UserPrompts;

// The Spyglass root CA: what it is (subject, SHA-256, validity, file), where
// it is trusted, export (PEM/DER/P12), install/uninstall for the system
// store (pkexec) and NSS databases with exactly what changed, regenerate
// (with a warning) and the manual steps for each OS and for phones.
// Install, uninstall and regenerate run off the GUI thread.
class RootCaDialog final : public QDialog {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RootCaDialog)

public:
    RootCaDialog(CaService& ca, UserPrompts& prompts, QWidget* parent = nullptr);

    // Re-reads the CA and the stores.
    void refresh();
    // The last operation's report, as shown.
    [[nodiscard]] QString reportText() const;
    // True while an install/uninstall/regenerate runs.
    [[nodiscard]] bool isBusy() const { return m_busy; }

private:
    void exportAs(CaService::Format format);
    void runInBackground(const QString& what, std::function<CaService::Report()> job);
    void showReport(const QString& what, const CaService::Report& report);
    void setBusy(bool busy, const QString& what = {});

    CaService& m_ca;
    UserPrompts& m_prompts;
    QLabel* m_subject = nullptr;
    QLabel* m_fingerprint = nullptr;
    QLabel* m_validity = nullptr;
    QLabel* m_path = nullptr;
    QTreeWidget* m_stores = nullptr;
    QPlainTextEdit* m_report = nullptr;
    QPlainTextEdit* m_manual = nullptr;
    QProgressBar* m_progress = nullptr;
    QList<QPushButton*> m_actionButtons;
    bool m_busy = false;
};

} // namespace spyglass::ui
