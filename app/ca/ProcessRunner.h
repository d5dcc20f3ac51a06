#pragma once

#include <QString>
#include <QStringList>

namespace spyglass::app {

// Runs an external tool (update-ca-certificates, certutil, security, ...)
// with a deadline and captures its output. QProcess is Qt Core, so this works
// in the headless CLI and behind pkexec alike.
struct ProcessResult {
    bool started = false;
    bool timedOut = false;
    int exitCode = -1;
    QString output; // stdout and stderr merged, trimmed

    bool ok() const { return started && !timedOut && exitCode == 0; }
    // "PROGRAM ARGS... failed (exit N): OUTPUT", for error messages.
    QString describeFailure(const QString& program, const QStringList& args) const;
};

class ProcessRunner {
public:
    static constexpr int kDefaultTimeoutMs = 60000;
    static ProcessResult run(const QString& program, const QStringList& args,
                             int timeoutMs = kDefaultTimeoutMs);
    // The full path of `program` on PATH (or as given when it has a slash);
    // empty when not found.
    static QString find(const QString& program);
};

} // namespace spyglass::app
