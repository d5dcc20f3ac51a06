#include "UserPrompts.h"

#include <QFileDialog>
#include <QMessageBox>

namespace spyglass::ui {

QString QtUserPrompts::saveFileName(QWidget* parent, const QString& title, const QString& suggested,
                                    const QString& filter) {
    return QFileDialog::getSaveFileName(parent, title, suggested, filter);
}

QString QtUserPrompts::openFileName(QWidget* parent, const QString& title, const QString& directory,
                                    const QString& filter) {
    return QFileDialog::getOpenFileName(parent, title, directory, filter);
}

bool QtUserPrompts::confirm(QWidget* parent, const QString& title, const QString& text) {
    return QMessageBox::warning(parent, title, text, QMessageBox::Yes | QMessageBox::No,
                                QMessageBox::No) == QMessageBox::Yes;
}

void QtUserPrompts::error(QWidget* parent, const QString& title, const QString& text) {
    QMessageBox::critical(parent, title, text);
}

void QtUserPrompts::information(QWidget* parent, const QString& title, const QString& text) {
    QMessageBox::information(parent, title, text);
}

} // namespace spyglass::ui
