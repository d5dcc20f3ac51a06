#pragma once

#include "StoreResult.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>
#include <memory>
#include <vector>

namespace spyglass::core::store {

// The session writer's spool (docs/architecture.md, "Recording"): an
// append-only file beside the session (SESSION-spool) that holds records the
// writer took from the queue but has not applied to SQLite yet, in order.
// Payloads are opaque bytes (RecordCodec encodes them). One thread owns an
// object; it appends, flushes and reads with the same descriptor.
//
// File layout, little-endian:
//   header (kHeaderBytes): "SPYGLASS-SPOOL\n\0" | u32 version (1) | u32 0 | u64 random id
//   frames: u32 payload length | u32 checksum (low half of XXH3-64) of the payload | payload
// Every frame checks itself, so a replay after SIGKILL finds where the last
// complete frame ends (a torn tail) or a damaged one (checksum mismatch).
//
// The object holds an exclusive flock(2) for its whole life: open() of a
// spool that a running recorder (or another replay) holds fails at once.
// The spool is never fsync'd: it only has to survive the process, and what
// the OS loses in a power cut SQLite's WAL (synchronous=NORMAL) loses too.
class RecordSpool {
public:
    static constexpr qint64 kHeaderBytes = 32;
    static constexpr qint64 kFrameHeaderBytes = 8;
    static constexpr quint32 kVersion = 1;
    static constexpr int kFileMode = 0600; // records hold decrypted traffic

    // Creates a new spool at `path` (mode 0600 whatever the umask) with a
    // fresh random id, locked. Fails if `path` exists: a stale spool is the
    // caller's to replay or remove first. On Linux the file appears under
    // its name only once its header is written and it is locked (O_TMPFILE
    // + linkat), so a reader never sees a half-made spool.
    [[nodiscard]] static Result<std::unique_ptr<RecordSpool>> create(const QString& path);
    // Opens an existing spool to replay it: checks the header, takes the
    // lock without waiting (an Error says the spool is in use by a running
    // recorder when it is held) and puts the read cursor on the first frame.
    // endOffset() is the file's size at open. Such a spool is read-only:
    // append() on it is a programming error and flush() fails.
    [[nodiscard]] static Result<std::unique_ptr<RecordSpool>> open(const QString& path);
    // Whether a live object (a running recorder, or a replay) holds the
    // spool at `path` now. False when there is no such file.
    [[nodiscard]] static bool isHeld(const QString& path);
    // Whether path() still names this file: a recorder unlinks its spool
    // before it lets go of the lock, so a lock won on an unlinked file is a
    // spool that was fully applied, not a stale one.
    [[nodiscard]] bool isLinked() const;

    // Closes the file and keeps it. Frames appended but not flushed are
    // dropped (a destructor cannot report a failed write): flush first.
    ~RecordSpool();
    RecordSpool(const RecordSpool&) = delete;
    RecordSpool& operator=(const RecordSpool&) = delete;

    [[nodiscard]] quint64 id() const { return m_id; }
    [[nodiscard]] QString path() const { return m_path; }

    // Buffers one frame in memory; flush() writes the buffer.
    void append(QByteArrayView payload);
    // The same without a copy: the caller appends the payload to the buffer
    // beginFrame() returns (and nothing else), then calls endFrame().
    [[nodiscard]] QByteArray& beginFrame();
    void endFrame();
    // Writes all buffered frames at endOffset() with one write (looping on
    // short writes and EINTR). On failure (ENOSPC, EIO, EFBIG...) the Error
    // names the file and the frames stay buffered: a later flush rewrites
    // them from the same offset, so nothing is lost or written twice.
    [[nodiscard]] Status flush();
    [[nodiscard]] qint64 bufferedBytes() const { return m_pending.size(); }
    // Frames this object appended and flushed (0 for an open()ed spool).
    [[nodiscard]] qint64 flushedFrames() const { return m_flushedFrames; }
    // The file offset after the last flushed frame: what read() may read.
    [[nodiscard]] qint64 endOffset() const { return m_end; }

    // The read cursor: the file offset of the next frame to read.
    [[nodiscard]] qint64 readOffset() const { return m_read; }
    // Moves the cursor to `offset`, which must lie in [kHeaderBytes,
    // endOffset()] and be a frame start (a saved readOffset(); a wrong one
    // shows as a damaged frame on the next read).
    [[nodiscard]] Status seek(qint64 offset);
    // Reads whole frames from the cursor into `out` (cleared first), about
    // `maxBytes` of frames (payloads and their 8-byte frame headers, so that
    // empty payloads are bounded too) but at least one when one is complete,
    // and advances the cursor past them; never reads past endOffset(). The
    // value is the number of frames read. A frame cut short or failing its
    // checksum stops the read with the cursor on it and sets `*torn`; without
    // `torn`, it is an Error once no good frame precedes it.
    [[nodiscard]] Result<qsizetype> read(qint64 maxBytes, std::vector<QByteArray>& out,
                                         bool* torn = nullptr);
    // Everything flushed has been read and nothing waits unflushed.
    [[nodiscard]] bool atEnd() const { return m_read == m_end && m_pending.isEmpty(); }

    // Closes and unlinks the file (once everything in it is committed to
    // the session). The object is closed afterwards, whatever the result.
    [[nodiscard]] Status remove();

private:
    RecordSpool(int fd, QString path, quint64 id, qint64 end, bool writable);

    // Makes [offset, offset + bytes) of the file available in m_window
    // (bytes <= the read chunk, offset + bytes <= m_end); false with errno
    // set when pread fails, false with errno 0 when the file ends first.
    bool fillWindow(qint64 offset, qint64 bytes);
    // An Error for the failed system call in errno, naming the file.
    Error ioError(const char* what) const;

    int m_fd = -1;
    QString m_path;
    quint64 m_id = 0;
    bool m_writable = false;

    QByteArray m_pending; // frames appended and not yet written (capacity kept)
    qint64 m_pendingFrames = 0;
    qsizetype m_frameStart = -1; // the frame beginFrame() opened in m_pending
    qint64 m_flushedFrames = 0;
    qint64 m_end = kHeaderBytes;

    qint64 m_read = kHeaderBytes;
    // Reads go through one reusable buffer of large preads: m_window holds
    // the file's bytes [m_windowStart, m_windowStart + m_window.size()).
    // Flushed bytes never change, so the window stays valid as the file grows.
    QByteArray m_window;
    qint64 m_windowStart = 0;
};

} // namespace spyglass::core::store
