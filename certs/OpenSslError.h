#pragma once

#include "certs/Result.h"

#include <QString>

namespace spyglass::certs {

// Drains OpenSSL's thread-local error queue into one readable line:
// "<what>: <reason> (<lib>)...". Call right after the failing OpenSSL call so
// the queue holds that call's errors and nothing stale is left for the next.
QString takeOpenSslError(const QString& what);

// Shorthand for `return Error{takeOpenSslError(what)};`.
Error openSslFailure(const QString& what);

// Empties the queue without reporting (before an operation whose failure is
// expected and handled, e.g. probing a PEM file for a second certificate).
void clearOpenSslErrors();

} // namespace spyglass::certs
