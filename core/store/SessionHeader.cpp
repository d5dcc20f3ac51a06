#include "SessionHeader.h"

#include "SessionSchema.h"

namespace spyglass::core::store {

namespace {

constexpr QByteArrayView kMagic("SQLite format 3\0", 16);
constexpr int kHeaderBytes = 100;
constexpr int kUserVersionOffset = 60;
constexpr int kApplicationIdOffset = 68;
constexpr int kPageTypeOffset = 100;
constexpr int kCellCountOffset = 103;
// Page 1 holds sqlite_schema: a leaf table page lists the schema's objects
// itself; an interior page means there are too many to fit on one page.
constexpr unsigned char kLeafTablePage = 0x0d;

quint32 bigEndian32(QByteArrayView bytes, int offset) {
    const auto byte = [&](int i) {
        return static_cast<quint32>(static_cast<unsigned char>(bytes[offset + i]));
    };
    return byte(0) << 24 | byte(1) << 16 | byte(2) << 8 | byte(3);
}

// Whether sqlite_schema lists anything, as far as page 1 tells.
bool hasSchemaObjects(QByteArrayView bytes) {
    if (bytes.size() < SessionHeader::kPeekBytes)
        return false; // a header without page 1: SQLite says what is wrong
    if (static_cast<unsigned char>(bytes[kPageTypeOffset]) != kLeafTablePage)
        return true;
    const int cells = static_cast<unsigned char>(bytes[kCellCountOffset]) << 8 |
                      static_cast<unsigned char>(bytes[kCellCountOffset + 1]);
    return cells > 0;
}

} // namespace

Status SessionHeader::check(QByteArrayView firstBytes, const QString& path, bool current) {
    if (firstBytes.isEmpty())
        return {}; // an empty file becomes a new session
    if (firstBytes.size() < kHeaderBytes || !firstBytes.startsWith(kMagic))
        return Error{notSqliteError(path)};
    const quint32 applicationId = bigEndian32(firstBytes, kApplicationIdOffset);
    const quint32 version = bigEndian32(firstBytes, kUserVersionOffset);
    // The header in the file may lag behind a WAL, but only ever with older
    // values: the format version only grows, and Spyglass sets its
    // application_id in the same transaction as the first version.
    if (applicationId != 0 && applicationId != static_cast<quint32>(SessionSchema::kApplicationId))
        return Error{foreignDatabaseError(path)};
    if (applicationId == 0) {
        // SessionSchema::migrate accepts an unmarked file only when it is
        // empty (version 0, no objects): anything else is another program's.
        if (current && (version != 0 || hasSchemaObjects(firstBytes)))
            return Error{foreignDatabaseError(path)};
        return {};
    }
    if (version > static_cast<quint32>(SessionSchema::kCurrentVersion))
        return Error{
            newerFormatError(path, static_cast<int>(version), SessionSchema::kCurrentVersion)};
    return {};
}

QString SessionHeader::notSqliteError(const QString& path) {
    return QStringLiteral("%1 is not a Spyglass session (not an SQLite database)").arg(path);
}

// The next two are also SessionSchema's identity check's words, so the
// eager and the lazy open say the same (test_LazyWriter compares them).
QString SessionHeader::foreignDatabaseError(const QString& path) {
    return QStringLiteral("%1 is an SQLite database but not a Spyglass session").arg(path);
}

QString SessionHeader::newerFormatError(const QString& path, int version, int newest) {
    return QStringLiteral("%1 is a session of format %2, written by a newer Spyglass; "
                          "this one reads formats up to %3")
        .arg(path)
        .arg(version)
        .arg(newest);
}

} // namespace spyglass::core::store
