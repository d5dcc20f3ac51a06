#include "MainActions.h"

#include <QAction>
#include <QIcon>
#include <QMainWindow>
#include <QStyle>

namespace spyglass::ui {

namespace {

QAction* make(QMainWindow* window, const char* name, const QString& text,
              const QKeySequence& shortcut, const QIcon& icon = {}) {
    auto* action = new QAction(icon, text, window);
    action->setObjectName(QString::fromLatin1(name));
    action->setShortcut(shortcut);
    // The shortcut in the tooltip, so toolbar users learn it.
    if (!shortcut.isEmpty())
        action->setToolTip(
            QStringLiteral("%1 (%2)").arg(QString(text).remove(u'&').remove(QStringLiteral("…")),
                                          shortcut.toString(QKeySequence::NativeText)));
    window->addAction(action); // shortcuts work even with the toolbar hidden
    return action;
}

} // namespace

MainActions MainActions::create(QMainWindow* window) {
    QStyle* style = window->style();
    MainActions a;
    a.record =
        make(window, "actionRecord", QObject::tr("&Record"), QKeySequence(QObject::tr("Ctrl+R")),
             style->standardIcon(QStyle::SP_MediaPause));
    a.record->setCheckable(true);
    a.clear =
        make(window, "actionClear", QObject::tr("&Clear"), QKeySequence(QObject::tr("Ctrl+K")),
             style->standardIcon(QStyle::SP_DialogResetButton));
    a.interceptRules = make(window, "actionInterceptRules", QObject::tr("&Intercept rules…"),
                            QKeySequence(QObject::tr("Ctrl+I")),
                            style->standardIcon(QStyle::SP_FileDialogDetailedView));
    a.rootCa = make(window, "actionRootCa", QObject::tr("Root &CA…"),
                    QKeySequence(QObject::tr("Ctrl+Shift+A")),
                    style->standardIcon(QStyle::SP_DriveNetIcon));
    a.settings = make(window, "actionSettings", QObject::tr("&Settings…"),
                      QKeySequence(QObject::tr("Ctrl+,")),
                      style->standardIcon(QStyle::SP_FileDialogInfoView));
    // No shortcut here: FilterBar owns Ctrl+F (two owners would make it ambiguous).
    a.find = make(window, "actionFind", QObject::tr("&Filter (Ctrl+F)"), {});
    a.newSession = make(window, "actionNewSession", QObject::tr("&New session"), QKeySequence::New);
    a.openSession =
        make(window, "actionOpenSession", QObject::tr("&Open session…"), QKeySequence::Open);
    a.showLive = make(window, "actionShowLive", QObject::tr("Show &live capture"),
                      QKeySequence(QObject::tr("Ctrl+L")));
    a.saveAs = make(window, "actionSaveAs", QObject::tr("&Save session as…"), QKeySequence::SaveAs);
    a.exportHar = make(window, "actionExportHar", QObject::tr("&Export HAR…"),
                       QKeySequence(QObject::tr("Ctrl+E")));
    a.quit = make(window, "actionQuit", QObject::tr("&Quit"), QKeySequence::Quit);
    a.showWelcome = make(window, "actionShowWelcome", QObject::tr("&Getting started"), {});
    return a;
}

} // namespace spyglass::ui
