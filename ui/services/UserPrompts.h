#pragma once

#include <QString>

class QWidget;

namespace spyglass::ui {

// The file dialogs and message boxes the window and dialogs open, behind one
// seam: the app passes QtUserPrompts, tests pass scripted answers (so a test
// never blocks in a modal dialog nor writes outside its temp dir).
class UserPrompts {
public:
    virtual ~UserPrompts() = default;
    // Empty when the user cancelled.
    virtual QString saveFileName(QWidget* parent, const QString& title, const QString& suggested,
                                 const QString& filter) = 0;
    virtual QString openFileName(QWidget* parent, const QString& title, const QString& directory,
                                 const QString& filter) = 0;
    // "Are you sure?" with a destructive default of No.
    virtual bool confirm(QWidget* parent, const QString& title, const QString& text) = 0;
    virtual void error(QWidget* parent, const QString& title, const QString& text) = 0;
    virtual void information(QWidget* parent, const QString& title, const QString& text) = 0;

protected:
    UserPrompts() = default;
    UserPrompts(const UserPrompts&) = default;
    UserPrompts& operator=(const UserPrompts&) = default;
};

// The real dialogs.
class QtUserPrompts final : public UserPrompts {
public:
    QString saveFileName(QWidget* parent, const QString& title, const QString& suggested,
                         const QString& filter) override;
    QString openFileName(QWidget* parent, const QString& title, const QString& directory,
                         const QString& filter) override;
    bool confirm(QWidget* parent, const QString& title, const QString& text) override;
    void error(QWidget* parent, const QString& title, const QString& text) override;
    void information(QWidget* parent, const QString& title, const QString& text) override;
};

} // namespace spyglass::ui
