#pragma once

#include "core/proxy/InterceptRules.h"

#include <QDialog>

class QLabel;
class QLineEdit;
class QListWidget;

namespace spyglass::ui {

class PatternListEditor;
class ProxyControl;

// Which CONNECT tunnels are intercepted: include and exclude patterns, a
// tester that says what a host:port would get and which rule decides, and
// the hosts passed through after their client rejected our certificate.
// The rules take effect when the dialog is accepted (the window applies them
// to the running proxy); Clear on the passthrough list acts at once.
class InterceptRulesDialog final : public QDialog {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(InterceptRulesDialog)

public:
    InterceptRulesDialog(const core::proxy::InterceptRules& rules, ProxyControl& proxy,
                         QWidget* parent = nullptr);

    [[nodiscard]] core::proxy::InterceptRules rules() const;
    // "example.com:443 → intercepted by *.example.com", or why the input is
    // not a host:port.
    [[nodiscard]] static QString testText(const core::proxy::InterceptRules& rules,
                                          const QString& input);

private:
    void updateTester();
    void refreshPassthrough();

    ProxyControl& m_proxy;
    PatternListEditor* m_include = nullptr;
    PatternListEditor* m_exclude = nullptr;
    QLineEdit* m_testInput = nullptr;
    QLabel* m_testResult = nullptr;
    QListWidget* m_passthrough = nullptr;
};

} // namespace spyglass::ui
