#pragma once

#include "ui/services/UserPrompts.h"

#include <QStringList>

// The UserPrompts seam with answers given in advance, so no test blocks in a
// modal file dialog or message box. What was asked is kept for asserts.
class ScriptedPrompts final : public spyglass::ui::UserPrompts {
public:
    QStringList files; // answers to save/open file dialogs, in order ("" = cancel)
    bool confirmAnswer = false;
    QStringList errors; // texts of error() calls
    QStringList infos;  // texts of information() calls
    QStringList titles; // every dialog title asked

    QString saveFileName(QWidget*, const QString& title, const QString&, const QString&) override {
        return next(title);
    }
    QString openFileName(QWidget*, const QString& title, const QString&, const QString&) override {
        return next(title);
    }
    bool confirm(QWidget*, const QString& title, const QString&) override {
        titles << title;
        return confirmAnswer;
    }
    void error(QWidget*, const QString& title, const QString& text) override {
        titles << title;
        errors << text;
    }
    void information(QWidget*, const QString& title, const QString& text) override {
        titles << title;
        infos << text;
    }

private:
    QString next(const QString& title) {
        titles << title;
        return files.isEmpty() ? QString() : files.takeFirst();
    }
};
