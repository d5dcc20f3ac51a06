#include "SessionCommands.h"
#include "SessionFormat.h"
#include "core/store/CurlCommand.h"
#include "core/store/HarExporter.h"
#include "core/store/SessionReader.h"

#include <QFile>
#include <QSaveFile>
#include <cstdio>

namespace spyglass::app {

using namespace core::store;
namespace record = core::record;

namespace {

int exportCurl(SessionReader& reader, const QString& idText, bool redact) {
    bool ok = false;
    const qint64 id = idText.toLongLong(&ok);
    if (!ok || id <= 0) {
        std::fprintf(stderr, "spyglass-cli export: \"%s\" is not an exchange id\n",
                     qPrintable(idText));
        return 2;
    }
    auto found = reader.exchange(id);
    if (!found) {
        std::fprintf(stderr, "spyglass-cli export: %s\n", qPrintable(found.errorMessage()));
        return 1;
    }
    if (!found.value()) {
        std::fprintf(stderr, "spyglass-cli export: no exchange %lld\n", static_cast<long long>(id));
        return 1;
    }
    const ExchangeDetail& detail = *found.value();
    if (detail.row.mode == record::Mode::Tunnel) {
        std::fprintf(stderr,
                     "spyglass-cli export: exchange %lld is a tunnel; it has no HTTP request\n",
                     static_cast<long long>(id));
        return 1;
    }
    std::optional<BodyContent> body;
    if (detail.body(record::Direction::Request)) {
        DecodeLimits limits;
        limits.maxOutput = CurlCommand::kMaxInlineBody * 16;
        auto content = reader.body(id, record::Direction::Request, false, limits);
        if (!content) {
            std::fprintf(stderr, "spyglass-cli export: %s\n", qPrintable(content.errorMessage()));
            return 1;
        }
        body = std::move(content).value();
    }
    SessionFormat::writeBytes(stdout,
                              CurlCommand::build(detail, body ? &*body : nullptr, redact) + '\n');
    std::fflush(stdout);
    return 0;
}

int exportHar(SessionReader& reader, const QString& out, const QString& filterText, bool redact) {
    auto filter = SessionReader::compileFilter(filterText);
    if (!filter) {
        std::fprintf(stderr, "spyglass-cli export: bad --filter: %s\n",
                     qPrintable(filter.errorMessage()));
        return 2;
    }
    HarOptions options;
    options.redact = redact;
    Result<HarSummary> summary = Error{};
    if (out == QLatin1StringView("-")) {
        QFile file;
        if (!file.open(stdout, QIODevice::WriteOnly)) {
            std::fprintf(stderr, "spyglass-cli export: cannot write to stdout\n");
            return 1;
        }
        summary = HarExporter::write(reader, file, &filter.value(), options);
    } else {
        // Written beside the target and renamed at the end: no half HAR file.
        QSaveFile file(out);
        if (!file.open(QIODevice::WriteOnly)) {
            std::fprintf(stderr, "spyglass-cli export: cannot write %s: %s\n", qPrintable(out),
                         qPrintable(file.errorString()));
            return 1;
        }
        // A HAR holds the same secrets as the session: owner-only.
        file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        summary = HarExporter::write(reader, file, &filter.value(), options);
        if (summary && !file.commit())
            summary = Error{QStringLiteral("cannot write %1: %2").arg(out, file.errorString())};
    }
    if (!summary) {
        std::fprintf(stderr, "spyglass-cli export: %s\n", qPrintable(summary.errorMessage()));
        return 1;
    }
    std::fprintf(stderr, "exported %lld exchanges%s\n", static_cast<long long>(summary->entries),
                 summary->skippedTunnels > 0
                     ? qPrintable(QStringLiteral(" (%1 tunnels skipped: no HTTP inside to export)")
                                      .arg(summary->skippedTunnels))
                     : "");
    return 0;
}

} // namespace

int runExportCommand(const QStringList& arguments) {
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Export a session as HAR 1.2 (--har), or one request as a curl command (--curl)."));
    parser.addPositionalArgument(QStringLiteral("SESSION"), QStringLiteral("The .spyglass file."));
    parser.addOptions({
        {QStringLiteral("har"), QStringLiteral("Write HAR 1.2 to OUT ('-' for stdout)."),
         QStringLiteral("OUT")},
        {QStringLiteral("filter"), QStringLiteral("Only exchanges matching EXPR."),
         QStringLiteral("EXPR")},
        {QStringLiteral("redact"), QStringLiteral("Mask Authorization, Proxy-Authorization, Cookie "
                                                  "and Set-Cookie values.")},
        {QStringLiteral("curl"), QStringLiteral("Print exchange ID's request as a curl command."),
         QStringLiteral("ID")},
    });
    if (const int code = SessionFormat::parse(parser, arguments, "export", 1); code >= 0)
        return code;
    const bool har = parser.isSet(QStringLiteral("har"));
    const bool curl = parser.isSet(QStringLiteral("curl"));
    if (har == curl) {
        std::fprintf(stderr, "spyglass-cli export: give exactly one of --har OUT or --curl ID\n");
        return 2;
    }
    if (curl && parser.isSet(QStringLiteral("filter"))) {
        std::fprintf(stderr, "spyglass-cli export: --filter applies to --har only\n");
        return 2;
    }
    auto reader = SessionReader::open(parser.positionalArguments().constFirst());
    if (!reader) {
        std::fprintf(stderr, "spyglass-cli export: %s\n", qPrintable(reader.errorMessage()));
        return 1;
    }
    const bool redact = parser.isSet(QStringLiteral("redact"));
    if (curl)
        return exportCurl(*reader.value(), parser.value(QStringLiteral("curl")), redact);
    return exportHar(*reader.value(), parser.value(QStringLiteral("har")),
                     parser.value(QStringLiteral("filter")), redact);
}

} // namespace spyglass::app
