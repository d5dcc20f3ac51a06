#include "SessionFormat.h"

#include "core/store/SessionNames.h"

#include <QDateTime>

namespace spyglass::app {

QString SessionFormat::size(qint64 bytes) {
    if (bytes < 1024)
        return QStringLiteral("%1 B").arg(bytes);
    if (bytes < 1024 * 1024)
        return QStringLiteral("%1 KiB").arg(static_cast<double>(bytes) / 1024.0, 0, 'f', 1);
    if (bytes < 1024LL * 1024 * 1024)
        return QStringLiteral("%1 MiB").arg(static_cast<double>(bytes) / 1048576.0, 0, 'f', 1);
    return QStringLiteral("%1 GiB").arg(static_cast<double>(bytes) / 1073741824.0, 0, 'f', 2);
}

QString SessionFormat::duration(qint64 micros) {
    if (micros < 0)
        return QStringLiteral("-");
    if (micros < 1000)
        return QStringLiteral("%1 us").arg(micros);
    if (micros < 1000000)
        return QStringLiteral("%1 ms").arg(static_cast<double>(micros) / 1000.0, 0, 'f', 1);
    return QStringLiteral("%1 s").arg(static_cast<double>(micros) / 1e6, 0, 'f', 2);
}

QString SessionFormat::time(qint64 epochMicros) {
    return QDateTime::fromMSecsSinceEpoch(epochMicros / 1000)
        .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz"));
}

QString SessionFormat::isoTime(qint64 epochMicros) {
    return QDateTime::fromMSecsSinceEpoch(epochMicros / 1000, Qt::UTC).toString(Qt::ISODateWithMs);
}

QString SessionFormat::listHeader() {
    return QStringLiteral("%1  %2  %3 %4  %5  %6  %7  %8")
        .arg(QStringLiteral("ID"), 7)
        .arg(QStringLiteral("STARTED"), -23)
        .arg(QStringLiteral("METHOD"), -7)
        .arg(QStringLiteral("STATUS"), 6)
        .arg(QStringLiteral("RESPONSE"), 9)
        .arg(QStringLiteral("TIME"), 9)
        .arg(QStringLiteral("MODE"), -11)
        .arg(QStringLiteral("URL"));
}

QString SessionFormat::listLine(const core::store::ListRow& row) {
    using core::store::ListRow;
    QString status = row.status > 0 ? QString::number(row.status) : QStringLiteral("-");
    QString line = QStringLiteral("%1  %2  %3 %4  %5  %6  %7  %8")
                       .arg(row.id, 7)
                       .arg(time(row.startUs), -23)
                       .arg(QString::fromLatin1(row.method), -7)
                       .arg(status, 6)
                       .arg(size(row.responseSize), 9)
                       .arg(duration(row.durationUs), 9)
                       .arg(QString::fromLatin1(core::store::modeName(row.mode)), -11)
                       .arg(QString::fromUtf8(row.url()));
    if (!row.error.isEmpty())
        line += QStringLiteral("  error: ") + row.error;
    if (row.state == ListRow::State::Open)
        line += QStringLiteral("  (in flight)");
    else if (row.state == ListRow::State::Incomplete)
        line += QStringLiteral("  (incomplete)");
    return line;
}

void SessionFormat::write(FILE* stream, const QString& text) {
    writeBytes(stream, text.toUtf8());
}

void SessionFormat::writeBytes(FILE* stream, const QByteArray& bytes) {
    std::fwrite(bytes.constData(), 1, static_cast<size_t>(bytes.size()), stream);
}

int SessionFormat::parse(QCommandLineParser& parser, const QStringList& arguments, const char* name,
                         int positional) {
    parser.addHelpOption();
    if (!parser.parse(arguments)) {
        std::fprintf(stderr, "spyglass-cli %s: %s\nTry 'spyglass-cli %s --help'.\n", name,
                     qPrintable(parser.errorText()), name);
        return 2;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        write(stdout, parser.helpText());
        return 0;
    }
    if (parser.positionalArguments().size() != positional) {
        std::fprintf(
            stderr,
            "spyglass-cli %s: expected %d argument%s, got %lld\nTry 'spyglass-cli %s --help'.\n",
            name, positional, positional == 1 ? "" : "s",
            static_cast<long long>(parser.positionalArguments().size()), name);
        return 2;
    }
    return -1;
}

} // namespace spyglass::app
