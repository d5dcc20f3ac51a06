#include "certs/SecureFile.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

#ifdef Q_OS_UNIX
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace spyglass::certs {

using namespace Qt::StringLiterals;

namespace {

#ifdef Q_OS_UNIX
QString errnoText(int err) {
    return QString::fromLocal8Bit(std::strerror(err));
}

QString octal(unsigned mode) {
    return u"0"_s + QString::number(mode & 07777, 8);
}

Status syncDirectory(const QByteArray& dir) {
    const int fd = ::open(dir.constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return Error{u"Cannot open directory "_s + QFile::decodeName(dir) + u": "_s +
                     errnoText(errno)};
    // Makes the rename itself durable; EINVAL means the filesystem has no
    // directory fsync, which is fine.
    const int rc = ::fsync(fd);
    const int err = errno;
    ::close(fd);
    if (rc != 0 && err != EINVAL)
        return Error{u"Cannot sync directory "_s + QFile::decodeName(dir) + u": "_s +
                     errnoText(err)};
    return {};
}
#endif

} // namespace

Status SecureFile::writeAtomically(const QString& path, const QByteArray& data, int mode) {
#ifdef Q_OS_UNIX
    const QFileInfo info(path);
    const QByteArray dir = QFile::encodeName(info.absolutePath());
    QByteArray tmpl =
        QFile::encodeName(info.absolutePath() + u"/."_s + info.fileName() + u".tmp-XXXXXX"_s);
    const int fd = ::mkstemp(tmpl.data()); // O_EXCL, mode 0600 regardless of umask
    if (fd < 0)
        return Error{u"Cannot create a file in "_s + info.absolutePath() + u": "_s +
                     errnoText(errno) + u". Check that the directory exists and is writable."_s};
    auto fail = [&](const QString& what) -> Status {
        const int err = errno;
        ::close(fd);
        ::unlink(tmpl.constData());
        return Error{what + u" "_s + path + u": "_s + errnoText(err)};
    };
    if (::fchmod(fd, static_cast<mode_t>(mode)) != 0)
        return fail(u"Cannot set the mode of"_s);
    qsizetype done = 0;
    while (done < data.size()) {
        const ssize_t n =
            ::write(fd, data.constData() + done, static_cast<size_t>(data.size() - done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return fail(u"Cannot write"_s);
        done += n;
    }
    if (::fsync(fd) != 0)
        return fail(u"Cannot sync"_s);
    if (::close(fd) != 0) {
        const int err = errno;
        ::unlink(tmpl.constData());
        return Error{u"Cannot close "_s + path + u": "_s + errnoText(err)};
    }
    if (::rename(tmpl.constData(), QFile::encodeName(path).constData()) != 0) {
        const int err = errno;
        ::unlink(tmpl.constData());
        return Error{u"Cannot replace "_s + path + u": "_s + errnoText(err)};
    }
    return syncDirectory(dir);
#else
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(data) != data.size() || !file.commit())
        return Error{u"Cannot write "_s + path + u": "_s + file.errorString()};
    Q_UNUSED(mode)
    return {};
#endif
}

Result<QByteArray> SecureFile::read(const QString& path, qsizetype maxBytes) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error{u"Cannot read "_s + path + u": "_s + file.errorString()};
    QByteArray data = file.read(maxBytes + 1);
    if (data.size() > maxBytes)
        return Error{u"File "_s + path + u" is unexpectedly large"_s};
    return data;
}

Status SecureFile::ensurePrivateDirectory(const QString& path) {
    if (!QDir().mkpath(path))
        return Error{u"Cannot create directory "_s + path +
                     u". Check the permissions of its parent directory."_s};
#ifdef Q_OS_UNIX
    struct stat st = {};
    const QByteArray p = QFile::encodeName(path);
    if (::lstat(p.constData(), &st) != 0)
        return Error{u"Cannot inspect "_s + path + u": "_s + errnoText(errno)};
    if (!S_ISDIR(st.st_mode))
        return Error{path + u" is not a directory (a symlink or file is in the way); remove it "
                            u"or choose another directory with --ca-dir"_s};
    if (st.st_uid != ::geteuid())
        return Error{u"Directory "_s + path + u" is owned by uid "_s + QString::number(st.st_uid) +
                     u", not by you (uid "_s + QString::number(::geteuid()) + u"). Fix: chown "_s +
                     QString::number(::geteuid()) + u" '"_s + path + u'\''};
    if ((st.st_mode & 07777) != kPrivateDirMode && ::chmod(p.constData(), kPrivateDirMode) != 0)
        return Error{u"Cannot make "_s + path + u" private (chmod 700): "_s + errnoText(errno)};
#endif
    return {};
}

Status SecureFile::checkPrivate(const QString& path, bool isDirectory) {
#ifdef Q_OS_UNIX
    struct stat st = {};
    if (::lstat(QFile::encodeName(path).constData(), &st) != 0)
        return Error{u"Cannot inspect "_s + path + u": "_s + errnoText(errno)};
    const QString kind = isDirectory ? u"directory"_s : u"file"_s;
    if (isDirectory ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode))
        return Error{path + u" is not a regular "_s + kind +
                     u" (a symlink or other file is in its place); Spyglass refuses to use it. "
                     u"Fix: remove it and let Spyglass create a new CA, or point --ca-dir "
                     u"elsewhere."_s};
    if (st.st_uid != ::geteuid())
        return Error{u"The CA "_s + kind + u' ' + path + u" is owned by uid "_s +
                     QString::number(st.st_uid) + u", not by you (uid "_s +
                     QString::number(::geteuid()) +
                     u"); someone else could have replaced it. Fix: sudo chown "_s +
                     QString::number(::geteuid()) + u" '"_s + path + u'\''};
    if ((st.st_mode & 077) != 0) {
        const unsigned want = isDirectory ? kPrivateDirMode : kPrivateFileMode;
        return Error{u"The CA "_s + kind + u' ' + path + u" has mode "_s + octal(st.st_mode) +
                     u"; it must be "_s + octal(want) +
                     u" (readable only by you), since anyone who can read the CA key can "
                     u"impersonate every website to this machine. Fix: chmod "_s +
                     QString::number(want, 8) + u" '"_s + path +
                     u"', or run: spyglass-cli ca show --fix-permissions"_s};
    }
#else
    Q_UNUSED(path)
    Q_UNUSED(isDirectory)
#endif
    return {};
}

Result<QStringList> SecureFile::fixPrivate(const QString& path, bool isDirectory) {
    QStringList changes;
#ifdef Q_OS_UNIX
    struct stat st = {};
    const QByteArray p = QFile::encodeName(path);
    if (::lstat(p.constData(), &st) != 0)
        return Error{u"Cannot inspect "_s + path + u": "_s + errnoText(errno)};
    if (S_ISLNK(st.st_mode))
        return Error{path + u" is a symlink; Spyglass does not follow it. Remove it."_s};
    if (st.st_uid != ::geteuid())
        return Error{path + u" is owned by uid "_s + QString::number(st.st_uid) +
                     u"; only its owner or root can fix it: sudo chown "_s +
                     QString::number(::geteuid()) + u" '"_s + path + u'\''};
    const unsigned want = isDirectory ? kPrivateDirMode : kPrivateFileMode;
    const unsigned now = st.st_mode & 07777;
    if ((now & 077) != 0) {
        const mode_t fixed = static_cast<mode_t>((now & 0700) | (want & 0700));
        if (::chmod(p.constData(), fixed) != 0)
            return Error{u"Cannot chmod "_s + path + u": "_s + errnoText(errno)};
        changes << u"chmod "_s + octal(now) + u" -> "_s + octal(fixed) + u": "_s + path;
    }
#else
    Q_UNUSED(path)
    Q_UNUSED(isDirectory)
#endif
    return changes;
}

Status SecureFile::remove(const QString& path) {
    QFile file(path);
    if (file.exists() && !file.remove())
        return Error{u"Cannot remove "_s + path + u": "_s + file.errorString()};
    return {};
}

} // namespace spyglass::certs
