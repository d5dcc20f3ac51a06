#pragma once

#include "certs/Result.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace spyglass::certs {

// File operations for secrets. On POSIX a file is written to a mkstemp(3)
// temporary in the target directory (created 0600 whatever the umask), given
// its final mode with fchmod, fsync'd, and rename(2)d over the target, then
// the directory is fsync'd: readers see the old file or the whole new one,
// never a partial or world-readable key. Elsewhere QSaveFile does the rename.
class SecureFile {
public:
    static constexpr int kPrivateFileMode = 0600;
    static constexpr int kPublicFileMode = 0644;
    static constexpr int kPrivateDirMode = 0700;

    static Status writeAtomically(const QString& path, const QByteArray& data, int mode);
    static Result<QByteArray> read(const QString& path, qsizetype maxBytes = 1 << 20);

    // Creates `path` (and missing parents) and makes `path` itself 0700.
    // An existing directory owned by someone else is an error.
    static Status ensurePrivateDirectory(const QString& path);

    // Refuses a directory or file that is a symlink, not owned by the
    // effective user, or has any group/other permission bit. The message
    // names the path, what is wrong, and the chmod/chown that fixes it.
    static Status checkPrivate(const QString& path, bool isDirectory);

    // Removes group/other bits (chmod 700/600). Ownership is not changed:
    // a file owned by someone else is reported, not taken over.
    // Returns a line per change made.
    static Result<QStringList> fixPrivate(const QString& path, bool isDirectory);

    static Status remove(const QString& path);
};

} // namespace spyglass::certs
