#pragma once

#include <QString>

namespace spyglass::app {

// Where the CA lives, first match wins:
//   1. --ca-dir DIR
//   2. $SPYGLASS_CA_DIR
//   3. QStandardPaths::AppDataLocation + "/ca" (~/.local/share/Spyglass/ca)
class CaLocation {
public:
    static QString resolve(const QString& option);
    static QString defaultDirectory();
};

} // namespace spyglass::app
