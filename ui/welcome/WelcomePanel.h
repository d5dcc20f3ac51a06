#pragma once

#include <QWidget>

class QGridLayout;
class QLabel;
class QLineEdit;
class QPushButton;

namespace spyglass::ui {

// The first-run panel over the (still empty) exchange list: where the proxy
// listens, shell and curl lines to copy, the CA install button and how to
// intercept a host. The window hides it once traffic arrives.
class WelcomePanel final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WelcomePanel)

public:
    explicit WelcomePanel(QWidget* parent = nullptr);

    void setListenAddress(const QString& address);
    // Whether the root CA is trusted by the system store (changes the CA
    // button's wording).
    void setCaTrusted(bool trusted);

    [[nodiscard]] QString exportLine() const;
    [[nodiscard]] QString curlLine() const;

Q_SIGNALS:
    void rootCaRequested();
    void interceptRulesRequested();
    void dismissed();

private:
    QLineEdit* addCopyRow(const QString& name, QWidget* parent, QGridLayout* grid, int row,
                          const QString& label);

    QLabel* m_title = nullptr;
    QLineEdit* m_export = nullptr;
    QLineEdit* m_curl = nullptr;
    QLabel* m_caState = nullptr;
    QPushButton* m_caButton = nullptr;
};

} // namespace spyglass::ui
