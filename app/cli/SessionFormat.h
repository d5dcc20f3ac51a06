#pragma once

#include "core/store/ListRow.h"

#include <QByteArray>
#include <QCommandLineParser>
#include <QString>
#include <cstdio>

namespace spyglass::app {

// Text formatting shared by `spyglass-cli list` and `show`.
class SessionFormat {
public:
    static QString size(qint64 bytes);          // "512 B", "1.5 KiB", "3.0 MiB"
    static QString duration(qint64 micros);     // "850 us", "12.3 ms", "2.50 s", "-"
    static QString time(qint64 epochMicros);    // "2025-01-01 12:00:00.123" local
    static QString isoTime(qint64 epochMicros); // "2025-01-01T12:00:00.123Z"
    static QString listLine(const core::store::ListRow& row);
    static QString listHeader();
    static void write(FILE* stream, const QString& text);
    static void writeBytes(FILE* stream, const QByteArray& bytes);
    // Parses `arguments` for command `name`; prints errors/help. Returns
    // -1 to go on, or the exit code to return now.
    static int parse(QCommandLineParser& parser, const QStringList& arguments, const char* name,
                     int positional);
};

} // namespace spyglass::app
