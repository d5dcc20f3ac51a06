#include "RecordSpool.h"

#include <QFile>
#include <QRandomGenerator>
#include <QtEndian>
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <limits>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

namespace spyglass::core::store {

namespace {

// 15 characters and a NUL: `head -c 15 SESSION-spool` names the file.
constexpr char kMagic[16] = "SPYGLASS-SPOOL\n";
constexpr qint64 kVersionAt = 16;
constexpr qint64 kIdAt = 24;
// One pread fills this much of the read window: large enough that a replay
// of 1 KiB records costs one system call per thousand of them.
constexpr qint64 kReadChunk = qint64(1) << 20;

QString systemError(const QString& what, const QString& path, int error) {
    return QStringLiteral("%1 %2: %3")
        .arg(what, path, QString::fromLocal8Bit(std::strerror(error)));
}

QString existsError(const QString& path) {
    return QStringLiteral("cannot create the spool %1: the file exists. A spool left by a recorder "
                          "that stopped early is replayed when its session is next opened for "
                          "recording; open the session once, or remove the file if its records "
                          "are not wanted")
        .arg(path);
}

QString inUseError(const QString& path) {
    return QStringLiteral("%1 is in use by a running recorder: another Spyglass is recording into "
                          "this session. Stop it, or record into another session")
        .arg(path);
}

// The low 32 bits of XXH3 (libxxhash): a checksum, not a defence against
// tampering. It finds the garbage a power cut can leave where the kernel had
// not written a page yet, as zlib's crc32 would, at a fraction of the cost
// (crc32 was 39 % of the recorder's CPU while spooling).
quint32 crcOf(const char* data, qint64 size) {
    return static_cast<quint32>(::XXH3_64bits(data, static_cast<size_t>(size)));
}

// pwrite(2) until all `size` bytes are written; false with errno set.
bool writeAll(int fd, const char* data, qint64 size, qint64 offset) {
    qint64 done = 0;
    while (done < size) {
        const ssize_t n =
            ::pwrite(fd, data + done, static_cast<size_t>(size - done), offset + done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (n == 0)
                errno = EIO; // a regular file that takes no bytes: never loop on it
            return false;
        }
        done += n;
    }
    return true;
}

// pread(2) up to `size` bytes; the count read (short only at the end of the
// file), or -1 with errno set.
qint64 readUpTo(int fd, char* data, qint64 size, qint64 offset) {
    qint64 done = 0;
    while (done < size) {
        const ssize_t n = ::pread(fd, data + done, static_cast<size_t>(size - done), offset + done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        done += n;
    }
    return done;
}

QByteArray directoryOf(const QByteArray& name) {
    const qsizetype slash = name.lastIndexOf('/');
    if (slash < 0)
        return QByteArrayLiteral(".");
    if (slash == 0)
        return QByteArrayLiteral("/");
    return name.left(slash);
}

QByteArray makeHeader(quint64 id) {
    QByteArray header(RecordSpool::kHeaderBytes, '\0');
    std::memcpy(header.data(), kMagic, sizeof kMagic);
    qToLittleEndian<quint32>(RecordSpool::kVersion, header.data() + kVersionAt);
    qToLittleEndian<quint64>(id, header.data() + kIdAt);
    return header;
}

// An unnamed file in the spool's directory (O_TMPFILE), or -1 with errno
// set: EOPNOTSUPP/EISDIR/EINVAL when the filesystem or kernel lacks it.
int openUnnamed(const QByteArray& name) {
    return ::open(directoryOf(name).constData(), O_TMPFILE | O_RDWR | O_CLOEXEC,
                  RecordSpool::kFileMode);
}

bool lacksUnnamedFiles(int error) {
    return error == EOPNOTSUPP || error == EISDIR || error == EINVAL;
}

} // namespace

RecordSpool::RecordSpool(int fd, QString path, quint64 id, qint64 end, bool writable)
    : m_fd(fd)
    , m_path(std::move(path))
    , m_id(id)
    , m_writable(writable)
    , m_end(end) {}

RecordSpool::~RecordSpool() {
    if (m_fd >= 0)
        ::close(m_fd);
}

Result<std::unique_ptr<RecordSpool>> RecordSpool::create(const QString& path) {
    const QByteArray name = QFile::encodeName(path);
    // Made unnamed, then linked under its name once it is whole and locked:
    // a replay that looks at the same moment finds either no spool or a
    // locked one with a header, never an empty file it cannot tell from a
    // crash. Where that is not available, O_EXCL (with the same errors).
    int fd = openUnnamed(name);
    const bool unnamed = fd >= 0;
    if (!unnamed && !lacksUnnamedFiles(errno))
        return Error{systemError(QStringLiteral("cannot create the spool"), path, errno)};
    if (!unnamed) {
        fd =
            ::open(name.constData(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, kFileMode);
        if (fd < 0)
            return Error{errno == EEXIST
                             ? existsError(path)
                             : systemError(QStringLiteral("cannot create the spool"), path, errno)};
    }
    auto fail = [&](const QString& message) -> Error {
        if (!unnamed)
            ::unlink(name.constData()); // made by the O_EXCL open above: ours
        ::close(fd);
        return Error{message};
    };
    // The mode passed to open() loses the umask's bits; records hold
    // decrypted traffic, so the mode is exactly 0600.
    if (::fchmod(fd, kFileMode) != 0)
        return fail(systemError(QStringLiteral("cannot make private (chmod 600)"), path, errno));
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0)
        return fail(errno == EWOULDBLOCK ? inUseError(path)
                                         : systemError(QStringLiteral("cannot lock"), path, errno));
    const quint64 id = QRandomGenerator::system()->generate64();
    const QByteArray header = makeHeader(id);
    if (!writeAll(fd, header.constData(), header.size(), 0))
        return fail(systemError(QStringLiteral("cannot write"), path, errno));
    if (unnamed) {
        // linkat() of /proc/self/fd/N needs no privilege (AT_EMPTY_PATH
        // does) and fails with EEXIST exactly as O_EXCL would.
        const QByteArray self = "/proc/self/fd/" + QByteArray::number(fd);
        if (::linkat(AT_FDCWD, self.constData(), AT_FDCWD, name.constData(), AT_SYMLINK_FOLLOW) !=
            0)
            return fail(errno == EEXIST
                            ? existsError(path)
                            : systemError(QStringLiteral("cannot create the spool"), path, errno));
    }
    return std::unique_ptr<RecordSpool>(new RecordSpool(fd, path, id, kHeaderBytes, true));
}

Result<std::unique_ptr<RecordSpool>> RecordSpool::open(const QString& path) {
    const QByteArray name = QFile::encodeName(path);
    const int fd = ::open(name.constData(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return Error{errno == ENOENT ? QStringLiteral("no such spool file: %1").arg(path)
                                     : systemError(QStringLiteral("cannot open"), path, errno)};
    auto fail = [fd](const QString& message) -> Error {
        ::close(fd);
        return Error{message};
    };
    struct stat info {};
    if (::fstat(fd, &info) != 0)
        return fail(systemError(QStringLiteral("cannot inspect"), path, errno));
    if (!S_ISREG(info.st_mode))
        return fail(QStringLiteral("%1 is not a regular file").arg(path));
    // Locked before the size is taken: a recorder that held the lock may
    // have flushed more until it let go.
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0)
        return fail(errno == EWOULDBLOCK ? inUseError(path)
                                         : systemError(QStringLiteral("cannot lock"), path, errno));
    if (::fstat(fd, &info) != 0)
        return fail(systemError(QStringLiteral("cannot inspect"), path, errno));
    char header[kHeaderBytes];
    const qint64 got = readUpTo(fd, header, kHeaderBytes, 0);
    if (got < 0)
        return fail(systemError(QStringLiteral("cannot read"), path, errno));
    if (got < kHeaderBytes || std::memcmp(header, kMagic, sizeof kMagic) != 0)
        return fail(QStringLiteral("%1 is not a Spyglass spool file (its header is missing or "
                                   "wrong); move it away to record into the session")
                        .arg(path));
    const quint32 version = qFromLittleEndian<quint32>(header + kVersionAt);
    if (version != kVersion)
        return fail(QStringLiteral("%1 is a spool of format %2 and this Spyglass reads format %3; "
                                   "open the session with the Spyglass that recorded it")
                        .arg(path)
                        .arg(version)
                        .arg(kVersion));
    const quint64 id = qFromLittleEndian<quint64>(header + kIdAt);
    return std::unique_ptr<RecordSpool>(
        new RecordSpool(fd, path, id, static_cast<qint64>(info.st_size), false));
}

bool RecordSpool::isHeld(const QString& path) {
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    // A shared lock conflicts with the holder's exclusive one; when it is
    // granted nobody holds the spool, and closing the descriptor drops it.
    const bool held = ::flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
    ::close(fd);
    return held;
}

bool RecordSpool::isLinked() const {
    struct stat named {};
    struct stat mine {};
    if (m_fd < 0 || ::fstat(m_fd, &mine) != 0 ||
        ::stat(QFile::encodeName(m_path).constData(), &named) != 0)
        return false;
    return named.st_dev == mine.st_dev && named.st_ino == mine.st_ino;
}

void RecordSpool::append(QByteArrayView payload) {
    Q_ASSERT(m_writable);
    Q_ASSERT(payload.size() <= qsizetype(std::numeric_limits<quint32>::max()));
    char frame[kFrameHeaderBytes];
    qToLittleEndian<quint32>(static_cast<quint32>(payload.size()), frame);
    qToLittleEndian<quint32>(crcOf(payload.data(), payload.size()), frame + 4);
    m_pending.append(frame, kFrameHeaderBytes);
    m_pending.append(payload);
    ++m_pendingFrames;
}

QByteArray& RecordSpool::beginFrame() {
    Q_ASSERT(m_writable);
    m_frameStart = m_pending.size();
    m_pending.resize(m_frameStart + kFrameHeaderBytes); // filled by endFrame()
    return m_pending;
}

void RecordSpool::endFrame() {
    Q_ASSERT(m_frameStart >= 0);
    const qsizetype payloadAt = m_frameStart + kFrameHeaderBytes;
    const qsizetype size = m_pending.size() - payloadAt;
    Q_ASSERT(size >= 0 && size <= qsizetype(std::numeric_limits<quint32>::max()));
    char* frame = m_pending.data() + m_frameStart;
    qToLittleEndian<quint32>(static_cast<quint32>(size), frame);
    qToLittleEndian<quint32>(crcOf(frame + kFrameHeaderBytes, size), frame + 4);
    m_frameStart = -1;
    ++m_pendingFrames;
}

Status RecordSpool::flush() {
    Q_ASSERT(m_frameStart < 0);
    if (m_pending.isEmpty())
        return {};
    if (m_fd < 0)
        return Error{QStringLiteral("cannot write %1: the spool is closed").arg(m_path)};
    if (!m_writable)
        return Error{QStringLiteral("cannot write %1: it was opened to be replayed").arg(m_path)};
    // At m_end, not at the file position: after a failed write the retry
    // rewrites the same bytes over whatever part of them reached the file.
    if (!writeAll(m_fd, m_pending.constData(), m_pending.size(), m_end))
        return ioError("cannot write");
    m_end += m_pending.size();
    m_flushedFrames += m_pendingFrames;
    m_pendingFrames = 0;
    m_pending.resize(0); // keeps the capacity for the next batch
    return {};
}

Status RecordSpool::seek(qint64 offset) {
    if (offset < kHeaderBytes || offset > m_end)
        return Error{QStringLiteral("cannot continue reading %1 at offset %2: the spool's frames "
                                    "lie between %3 and %4")
                         .arg(m_path)
                         .arg(offset)
                         .arg(kHeaderBytes)
                         .arg(m_end)};
    m_read = offset;
    return {};
}

bool RecordSpool::fillWindow(qint64 offset, qint64 bytes) {
    if (offset >= m_windowStart && offset + bytes <= m_windowStart + m_window.size())
        return true;
    // Never past m_end: bytes there may be rewritten by a retried flush.
    const qint64 want = std::min(kReadChunk, m_end - offset);
    m_window.resize(want);
    const qint64 got = readUpTo(m_fd, m_window.data(), want, offset);
    m_windowStart = offset;
    m_window.resize(std::max<qint64>(got, 0));
    if (got < 0)
        return false;
    if (got < bytes) {
        errno = 0; // the file is shorter than it was: cut short
        return false;
    }
    return true;
}

Result<qsizetype> RecordSpool::read(qint64 maxBytes, std::vector<QByteArray>& out, bool* torn) {
    out.clear();
    if (torn)
        *torn = false;
    if (m_fd < 0)
        return Error{QStringLiteral("cannot read %1: the spool is closed").arg(m_path)};
    if (m_window.capacity() < kReadChunk)
        m_window.reserve(kReadChunk);
    qint64 taken = 0; // frame bytes (headers and payloads) read in this call
    QString damage;
    while (m_read < m_end) {
        const qint64 left = m_end - m_read;
        if (left < kFrameHeaderBytes || !fillWindow(m_read, kFrameHeaderBytes)) {
            if (errno != 0 && left >= kFrameHeaderBytes)
                return ioError("cannot read");
            damage = QStringLiteral("its last frame is cut short");
            break;
        }
        const char* head = m_window.constData() + (m_read - m_windowStart);
        const qint64 length = qFromLittleEndian<quint32>(head);
        const quint32 crc = qFromLittleEndian<quint32>(head + 4);
        const qint64 frameBytes = kFrameHeaderBytes + length;
        if (frameBytes > left) {
            damage = QStringLiteral("its last frame is cut short");
            break;
        }
        if (!out.empty() && taken + frameBytes > maxBytes)
            break;
        QByteArray payload;
        if (frameBytes <= kReadChunk) {
            if (!fillWindow(m_read, frameBytes)) {
                if (errno != 0)
                    return ioError("cannot read");
                damage = QStringLiteral("its last frame is cut short");
                break;
            }
            payload = QByteArray(
                m_window.constData() + (m_read - m_windowStart) + kFrameHeaderBytes, length);
        } else {
            // Larger than the window: straight into the payload's own bytes.
            payload = QByteArray(length, Qt::Uninitialized);
            const qint64 got = readUpTo(m_fd, payload.data(), length, m_read + kFrameHeaderBytes);
            if (got < 0)
                return ioError("cannot read");
            if (got < length) {
                damage = QStringLiteral("its last frame is cut short");
                break;
            }
        }
        if (crcOf(payload.constData(), length) != crc) {
            damage = QStringLiteral("a frame fails its checksum");
            break;
        }
        out.push_back(std::move(payload));
        m_read += frameBytes;
        taken += frameBytes;
        if (taken >= maxBytes)
            break;
    }
    if (!damage.isEmpty()) {
        if (torn)
            *torn = true;
        else if (out.empty())
            return Error{QStringLiteral("cannot replay %1 past offset %2: %3 (the recorder was "
                                        "stopped while writing it, or the file was damaged)")
                             .arg(m_path)
                             .arg(m_read)
                             .arg(damage)};
    }
    return static_cast<qsizetype>(out.size());
}

Status RecordSpool::remove() {
    if (m_fd < 0)
        return Error{QStringLiteral("cannot remove %1: the spool is closed").arg(m_path)};
    // Unlinked while still locked, so a replay that opens the path from now
    // on finds no spool rather than one whose records were all applied.
    Status result;
    if (::unlink(QFile::encodeName(m_path).constData()) != 0)
        result = Error{systemError(QStringLiteral("cannot remove"), m_path, errno)};
    ::close(m_fd);
    m_fd = -1;
    m_pending.clear();
    m_pendingFrames = 0;
    return result;
}

Error RecordSpool::ioError(const char* what) const {
    const int error = errno;
    QString message = systemError(QString::fromLatin1(what), m_path, error);
    if (error == ENOSPC || error == EFBIG || error == EDQUOT)
        message += QStringLiteral(" (free space on its disk, then the write is retried)");
    return Error{message};
}

} // namespace spyglass::core::store
