#pragma once

#include <QString>

namespace spyglass::ui::inspector {

// What a recorded error means for the person reading it, and the fix when
// there is one. The proxy's messages already say what happened; this adds
// the "why" and, for the most common failure (a client that does not trust
// the Spyglass CA), an action the inspector turns into a link.
struct ErrorAdvice {
    enum class Action { None, OpenRootCa };

    QString explanation; // empty when there is nothing to add
    QString fix;         // empty when there is no known fix
    Action action = Action::None;

    static ErrorAdvice forError(const QString& error);
};

} // namespace spyglass::ui::inspector
