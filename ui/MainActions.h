#pragma once

#include <QObject>

class QAction;
class QMainWindow;

namespace spyglass::ui {

// The main window's actions with their names (tests trigger them by
// objectName), shortcuts and icons. Shortcuts are listed in README.md.
struct MainActions {
    QAction* record = nullptr;         // Ctrl+R, checkable: recording on/paused
    QAction* clear = nullptr;          // Ctrl+K: finish this session, start a new one
    QAction* interceptRules = nullptr; // Ctrl+I
    QAction* rootCa = nullptr;         // Ctrl+Shift+A
    QAction* settings = nullptr;       // Ctrl+,
    QAction* find = nullptr;           // focus the filter field (Ctrl+F is FilterBar's)
    QAction* newSession = nullptr;     // Ctrl+N (same as clear, from the File menu)
    QAction* openSession = nullptr;    // Ctrl+O
    QAction* showLive = nullptr;       // Ctrl+L: back to the session being recorded
    QAction* saveAs = nullptr;         // Ctrl+Shift+S
    QAction* exportHar = nullptr;      // Ctrl+E
    QAction* quit = nullptr;           // Ctrl+Q
    QAction* showWelcome = nullptr;    // Help ▸ Getting started

    // Creates them as children of `window`.
    static MainActions create(QMainWindow* window);
};

} // namespace spyglass::ui
