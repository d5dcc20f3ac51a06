#include "SessionRecording.h"

#include "core/store/FilterValues.h"

#include <QDateTime>
#include <cstdio>

namespace spyglass::app {

using core::store::SessionFile;
using core::store::SessionWriter;

void SessionRecording::addOptions(QCommandLineParser& parser) {
    parser.addOptions({
        {QStringLiteral("session"),
         QStringLiteral("Record into this session file (created 0600, or appended to). Default: "
                        "a new file in %1.")
             .arg(SessionFile::defaultDirectory()),
         QStringLiteral("FILE")},
        {QStringLiteral("no-record"), QStringLiteral("Do not record traffic.")},
        {QStringLiteral("body-cap"),
         QStringLiteral("Bytes of each request and response body to record (default 16m; "
                        "k/m/g suffixes; 0 records headers only). Longer bodies are marked "
                        "truncated with their true size."),
         QStringLiteral("BYTES")},
        {QStringLiteral("durable"),
         QStringLiteral("Durable capture: make every commit reach the disk (synchronous=FULL), "
                        "so a power loss loses nothing recorded; slower. Implies --spool never.")},
        {QStringLiteral("spool"),
         QStringLiteral("When records may wait in FILE-spool to be indexed later: busy (default: "
                        "only while every core is busy and traffic is heavy, so recording does "
                        "not slow it), always, or never (index as traffic flows)."),
         QStringLiteral("WHEN")},
    });
}

std::optional<QString> SessionRecording::newSessionPath(QString* error) {
    auto path = SessionFile::newDefaultPath(QDateTime::currentDateTime());
    if (!path) {
        *error = path.errorMessage();
        return std::nullopt;
    }
    return path.value();
}

int SessionRecording::writerOptions(const QCommandLineParser& parser,
                                    std::optional<core::store::WriterOptions>* result,
                                    QString* error) {
    result->reset();
    const bool noRecord = parser.isSet(QStringLiteral("no-record"));
    if (noRecord &&
        (parser.isSet(QStringLiteral("session")) || parser.isSet(QStringLiteral("body-cap")) ||
         parser.isSet(QStringLiteral("durable")) || parser.isSet(QStringLiteral("spool")))) {
        *error = QStringLiteral(
            "--no-record cannot be combined with --session, --body-cap, --durable or --spool");
        return 2;
    }
    if (noRecord)
        return 0;
    core::store::WriterOptions options;
    if (parser.isSet(QStringLiteral("body-cap"))) {
        auto cap = core::store::FilterValues::parseNumber(parser.value(QStringLiteral("body-cap")),
                                                          core::store::FilterValues::Unit::Size,
                                                          QStringLiteral("--body-cap"));
        if (!cap) {
            *error = cap.errorMessage();
            return 2;
        }
        options.queue.bodyCap = cap.value();
    }
    if (parser.isSet(QStringLiteral("spool"))) {
        const QString when = parser.value(QStringLiteral("spool"));
        if (when == QLatin1String("busy")) {
            options.spool = core::store::SpoolUse::WhenContended;
        } else if (when == QLatin1String("always")) {
            options.spool = core::store::SpoolUse::Always;
        } else if (when == QLatin1String("never")) {
            options.spool = core::store::SpoolUse::Never;
        } else {
            *error = QStringLiteral("--spool must be busy, always or never, not '%1'").arg(when);
            return 2;
        }
    }
    if (parser.isSet(QStringLiteral("durable"))) {
        options.durability = SessionFile::Durability::Full;
        options.spool = core::store::SpoolUse::Never; // the spool is not synced
    }
    if (parser.isSet(QStringLiteral("session"))) {
        options.path = parser.value(QStringLiteral("session"));
    } else {
        auto path = newSessionPath(error);
        if (!path)
            return 1;
        options.path = *path;
    }
    *result = std::move(options);
    return 0;
}

int SessionRecording::create(const QCommandLineParser& parser,
                             std::unique_ptr<SessionWriter>* writer, QString* error) {
    writer->reset();
    std::optional<core::store::WriterOptions> options;
    if (const int code = writerOptions(parser, &options, error); code != 0 || !options)
        return code;
    // The headless proxy opens SQLite with the first exchange: an idle
    // `spyglass-cli run` stays small (issue 7). The path is still checked
    // here, before traffic flows.
    options->openOnFirstRecord = true;
    auto opened = SessionWriter::open(*options);
    if (!opened) {
        *error = opened.errorMessage();
        return 1;
    }
    *writer = std::move(opened).value();
    return 0;
}

void SessionRecording::reportStatusChanges(SessionWriter& writer) {
    writer.setStatusListener([](const core::store::RecorderStatus& status) {
        if (status.state == core::store::RecorderStatus::State::Paused)
            std::fprintf(stderr, "spyglass-cli run: recording paused: %s\n",
                         qPrintable(status.message));
        else
            std::fprintf(stderr, "spyglass-cli run: recording resumed (%s)\n",
                         qPrintable(status.path));
        std::fflush(stderr);
    });
}

} // namespace spyglass::app
