#pragma once

#include "core/store/SessionWriter.h"

#include <QCommandLineParser>
#include <QString>
#include <memory>
#include <optional>

namespace spyglass::app {

// The recording options of `spyglass-cli run` and `spyglass` (--session,
// --no-record, --body-cap, --durable) and the SessionWriter they describe.
class SessionRecording {
public:
    static void addOptions(QCommandLineParser& parser);
    // The writer options the command line asks for (a new file in the
    // default directory unless --session names one); nullopt with --no-record.
    // Returns 0, or the exit code after setting `error` (as create()).
    static int writerOptions(const QCommandLineParser& parser,
                             std::optional<core::store::WriterOptions>* options, QString* error);
    // A path for a new session file in the default directory.
    static std::optional<QString> newSessionPath(QString* error);
    // `spyglass-cli run`'s writer: creates and checks the session file now
    // and opens it with the first record (WriterOptions::openOnFirstRecord);
    // `writer` stays null with --no-record. Returns 0, or the exit code after setting `error`
    // (2 for a bad option value, 1 when the file cannot be opened).
    static int create(const QCommandLineParser& parser,
                      std::unique_ptr<core::store::SessionWriter>* writer, QString* error);
    // Prints pauses and resumes to stderr (from the writer thread).
    static void reportStatusChanges(core::store::SessionWriter& writer);
};

} // namespace spyglass::app
