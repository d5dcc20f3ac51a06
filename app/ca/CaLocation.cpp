#include "app/ca/CaLocation.h"

#include <QDir>
#include <QStandardPaths>

namespace spyglass::app {

using namespace Qt::StringLiterals;

QString CaLocation::defaultDirectory() {
    QString base = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    if (base.isEmpty()) // no application name set (e.g. a library test)
        base =
            QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) + u"/Spyglass"_s;
    return QDir::cleanPath(base + u"/ca"_s);
}

QString CaLocation::resolve(const QString& option) {
    if (!option.isEmpty())
        return QDir::cleanPath(QDir::current().absoluteFilePath(option));
    if (const QString env = qEnvironmentVariable("SPYGLASS_CA_DIR"); !env.isEmpty())
        return QDir::cleanPath(QDir::current().absoluteFilePath(env));
    return defaultDirectory();
}

} // namespace spyglass::app
