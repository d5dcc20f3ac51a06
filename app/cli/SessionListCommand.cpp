#include "SessionCommands.h"
#include "SessionFormat.h"
#include "core/store/SessionReader.h"

#include <cstdio>

namespace spyglass::app {

using core::store::SessionReader;

int runListCommand(const QStringList& arguments) {
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("List the exchanges of a session file, oldest first. See "
                       "docs/filter-language.md for --filter."));
    parser.addPositionalArgument(QStringLiteral("SESSION"), QStringLiteral("The .spyglass file."));
    parser.addOptions({
        {QStringLiteral("filter"),
         QStringLiteral("Only exchanges matching EXPR, e.g. "
                        "'host:example.com status:4xx'."),
         QStringLiteral("EXPR")},
        {QStringLiteral("limit"), QStringLiteral("Print at most N rows."), QStringLiteral("N")},
    });
    if (const int code = SessionFormat::parse(parser, arguments, "list", 1); code >= 0)
        return code;
    qint64 limit = -1;
    if (parser.isSet(QStringLiteral("limit"))) {
        bool ok = false;
        limit = parser.value(QStringLiteral("limit")).toLongLong(&ok);
        if (!ok || limit < 0) {
            std::fprintf(stderr, "spyglass-cli list: --limit takes a number, not \"%s\"\n",
                         qPrintable(parser.value(QStringLiteral("limit"))));
            return 2;
        }
    }
    auto filter = SessionReader::compileFilter(parser.value(QStringLiteral("filter")));
    if (!filter) {
        std::fprintf(stderr, "spyglass-cli list: bad --filter: %s\n",
                     qPrintable(filter.errorMessage()));
        return 2;
    }
    auto reader = SessionReader::open(parser.positionalArguments().constFirst());
    if (!reader) {
        std::fprintf(stderr, "spyglass-cli list: %s\n", qPrintable(reader.errorMessage()));
        return 1;
    }
    SessionFormat::write(stdout, SessionFormat::listHeader() + QLatin1Char('\n'));
    qint64 after = 0;
    qint64 printed = 0;
    while (limit < 0 || printed < limit) {
        auto rows = reader.value()->rowsAfter(after, 500, &filter.value());
        if (!rows) {
            std::fprintf(stderr, "spyglass-cli list: %s\n", qPrintable(rows.errorMessage()));
            return 1;
        }
        if (rows->isEmpty())
            break;
        for (const auto& row : rows.value()) {
            after = row.id;
            if (limit >= 0 && printed >= limit)
                break;
            SessionFormat::write(stdout, SessionFormat::listLine(row) + QLatin1Char('\n'));
            ++printed;
        }
    }
    std::fflush(stdout);
    // Say what the recording is missing, so an empty-looking list is not a
    // mystery.
    if (auto info = reader.value()->sessionInfo(); info) {
        const qint64 dropped =
            info->value(QStringLiteral("recorder_dropped_exchanges")).toLongLong();
        const qint64 lost = info->value(QStringLiteral("recorder_lost_while_paused")).toLongLong();
        if (dropped > 0)
            std::fprintf(stderr,
                         "note: %lld exchanges were not recorded: the recorder was saturated\n",
                         static_cast<long long>(dropped));
        if (lost > 0)
            std::fprintf(stderr,
                         "note: %lld exchanges were not recorded while recording was paused\n",
                         static_cast<long long>(lost));
    }
    return 0;
}

} // namespace spyglass::app
