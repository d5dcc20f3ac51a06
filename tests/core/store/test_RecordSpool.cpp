// RecordSpool: the session writer's append-only spool file. Real files in a
// temporary directory; the lock and the write-failure cases run in forked
// children, since flock(2) and RLIMIT_FSIZE are per process.
#undef QT_NO_CAST_FROM_ASCII
#define QT_RESTRICTED_CAST_FROM_ASCII
#include "core/store/RecordSpool.h"

#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <QtEndian>
#include <csignal>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace spyglass::core::store;

namespace {

// Payload number `i`: sizes from 0 to 64 KiB (and a few larger than the
// spool's 1 MiB read window), bytes covering 0x00..0xff, different for each
// number so that a reordered or repeated frame shows.
QByteArray payload(int i) {
    static constexpr qsizetype kSizes[] = {0, 1, 200, 1500, 65536, 7, 1024, 333};
    qsizetype size = kSizes[i % std::size(kSizes)];
    if (i % 2500 == 1234)
        size = (qsizetype(1) << 20) + 4093; // beyond the read window
    QByteArray bytes(size, Qt::Uninitialized);
    for (qsizetype j = 0; j < size; ++j)
        bytes[j] = static_cast<char>((i * 131 + j * 7 + (j >> 8)) & 0xff);
    return bytes;
}

qint64 frameBytes(int i) {
    return RecordSpool::kFrameHeaderBytes + payload(i).size();
}

std::unique_ptr<RecordSpool> created(const QString& path) {
    auto made = RecordSpool::create(path);
    if (!made)
        qFatal("create %s: %s", qPrintable(path), qPrintable(made.errorMessage()));
    return std::move(made).value();
}

std::unique_ptr<RecordSpool> opened(const QString& path) {
    auto made = RecordSpool::open(path);
    if (!made)
        qFatal("open %s: %s", qPrintable(path), qPrintable(made.errorMessage()));
    return std::move(made).value();
}

// Reads until the spool says it is at its end or stops early; the number of
// read() calls is bounded by the frames it can hold.
std::vector<QByteArray> readAll(RecordSpool& spool, qint64 maxBytes, bool* torn = nullptr) {
    std::vector<QByteArray> all;
    std::vector<QByteArray> batch;
    for (int calls = 0; calls < 1'000'000; ++calls) {
        bool stopped = false;
        auto got = spool.read(maxBytes, batch, &stopped);
        if (!got)
            qFatal("read: %s", qPrintable(got.errorMessage()));
        if (got.value() != qsizetype(batch.size()))
            qFatal("read returned %lld for %zu frames", qlonglong(got.value()), batch.size());
        for (QByteArray& frame : batch)
            all.push_back(std::move(frame));
        if (torn)
            *torn = stopped;
        if (stopped || got.value() == 0)
            break;
    }
    return all;
}

// Writes payloads [from, to) flushing every `flushEvery` appends.
void appendRange(RecordSpool& spool, int from, int to, int flushEvery) {
    for (int i = from; i < to; ++i) {
        spool.append(payload(i));
        if ((i + 1) % flushEvery == 0)
            QVERIFY(spool.flush());
    }
    QVERIFY(spool.flush());
}

void verifyRange(const std::vector<QByteArray>& frames, int from, int to) {
    QCOMPARE(qsizetype(frames.size()), qsizetype(to - from));
    for (int i = from; i < to; ++i) {
        if (frames[i - from] != payload(i))
            QFAIL(qPrintable(QStringLiteral("frame %1 differs").arg(i)));
    }
}

qint64 fileSize(const QString& path) {
    return QFileInfo(path).size();
}

// Runs `body` in a forked child and returns its exit code (or 100 + signal).
// The child never returns into Qt Test.
template <typename Body> int inChild(Body body) {
    const pid_t pid = ::fork();
    if (pid == 0)
        ::_exit(body());
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 100 + WTERMSIG(status);
}

} // namespace

class TestRecordSpool : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString spoolPath(const char* name) const { return m_dir.filePath(QString::fromLatin1(name)); }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    // Records hold decrypted traffic: 0600 even when the umask allows more.
    void createMakesAPrivateFileWithHeaderAndFreshId() {
        const mode_t old = ::umask(0);
        auto first = RecordSpool::create(spoolPath("private-spool"));
        auto second = RecordSpool::create(spoolPath("private-spool-2"));
        ::umask(old);
        QVERIFY2(first, qPrintable(first.ok() ? QString() : first.errorMessage()));
        QVERIFY2(second, qPrintable(second.ok() ? QString() : second.errorMessage()));
        struct stat info {};
        QCOMPARE(::stat(QFile::encodeName(spoolPath("private-spool")).constData(), &info), 0);
        QCOMPARE(info.st_mode & 07777, mode_t(0600));
        QVERIFY(first.value()->id() != second.value()->id());
        QCOMPARE(first.value()->endOffset(), RecordSpool::kHeaderBytes);
        QCOMPARE(first.value()->readOffset(), RecordSpool::kHeaderBytes);
        QVERIFY(first.value()->atEnd());

        QFile file(spoolPath("private-spool"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray header = file.readAll();
        QCOMPARE(header.size(), RecordSpool::kHeaderBytes);
        QCOMPARE(header.left(16), QByteArray("SPYGLASS-SPOOL\n\0", 16));
        QCOMPARE(qFromLittleEndian<quint32>(header.constData() + 16), RecordSpool::kVersion);
        QCOMPARE(qFromLittleEndian<quint64>(header.constData() + 24), first.value()->id());
    }

    void createRefusesAnExistingPath() {
        const QString path = spoolPath("existing-spool");
        {
            QFile file(path);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write("someone else's bytes");
        }
        auto made = RecordSpool::create(path);
        QVERIFY(!made);
        QVERIFY2(made.errorMessage().contains(path), qPrintable(made.errorMessage()));
        QVERIFY2(made.errorMessage().contains("exists"), qPrintable(made.errorMessage()));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), QByteArray("someone else's bytes"));

        // A live spool is refused the same way, and left as it is.
        auto live = created(spoolPath("live-spool"));
        auto again = RecordSpool::create(spoolPath("live-spool"));
        QVERIFY(!again);
        QVERIFY(again.errorMessage().contains(spoolPath("live-spool")));
        QCOMPARE(fileSize(spoolPath("live-spool")), RecordSpool::kHeaderBytes);

        auto nowhere = RecordSpool::create(spoolPath("no-such-dir/spool"));
        QVERIFY(!nowhere);
        QVERIFY2(nowhere.errorMessage().contains(spoolPath("no-such-dir/spool")),
                 qPrintable(nowhere.errorMessage()));
    }

    void roundTripsPayloadsInOrderWhateverTheReadSize() {
        const QString path = spoolPath("round-trip-spool");
        auto spool = created(path);
        constexpr int kCount = 10'000;
        appendRange(*spool, 0, kCount, 97);
        QCOMPARE(spool->flushedFrames(), qint64(kCount));
        qint64 expectedEnd = RecordSpool::kHeaderBytes;
        for (int i = 0; i < kCount; ++i)
            expectedEnd += frameBytes(i);
        QCOMPARE(spool->endOffset(), expectedEnd);
        QCOMPARE(fileSize(path), expectedEnd);

        // From "one frame per call" to "many window fills per call".
        for (qint64 maxBytes : {qint64(0), qint64(1), qint64(1000), qint64(70'000), qint64(3) << 20,
                                qint64(1) << 40}) {
            QVERIFY(spool->seek(RecordSpool::kHeaderBytes));
            QVERIFY(!spool->atEnd());
            bool torn = true;
            const std::vector<QByteArray> frames = readAll(*spool, maxBytes, &torn);
            QVERIFY(!torn);
            verifyRange(frames, 0, kCount);
            QVERIFY(spool->atEnd());
            QCOMPARE(spool->readOffset(), expectedEnd);
        }
    }

    // A read returns about maxBytes of frames, and at least one.
    void readStopsNearMaxBytes() {
        auto spool = created(spoolPath("bounded-read-spool"));
        for (int i = 0; i < 100; ++i)
            spool->append(QByteArray(992, char(i))); // 1000-byte frames
        QVERIFY(spool->flush());
        std::vector<QByteArray> out{QByteArray("stale")};
        auto got = spool->read(5000, out);
        QVERIFY(got);
        QCOMPARE(got.value(), qsizetype(5));
        QCOMPARE(qsizetype(out.size()), qsizetype(5));
        QCOMPARE(out[0], QByteArray(992, char(0)));
        got = spool->read(10, out);
        QVERIFY(got);
        QCOMPARE(got.value(), qsizetype(1));
        QCOMPARE(out[0], QByteArray(992, char(5)));
        QCOMPARE(spool->readOffset(), RecordSpool::kHeaderBytes + 6 * 1000);
    }

    // The writer drains while it appends: read some, append more, read on.
    void interleavesAppendFlushAndRead() {
        auto spool = created(spoolPath("interleaved-spool"));
        std::vector<QByteArray> out;
        int next = 0;    // next payload number to read
        int written = 0; // payloads appended so far
        for (int round = 0; round < 40; ++round) {
            const int batch = 1 + (round * 37) % 150;
            appendRange(*spool, written, written + batch, 1000);
            written += batch;
            // Appended but not flushed: invisible to reads, and not at end.
            spool->append(payload(written));
            QVERIFY(!spool->atEnd());
            auto got = spool->read(20'000 + round * 1000, out);
            QVERIFY(got);
            QVERIFY(got.value() >= 1);
            QVERIFY(next + got.value() <= written);
            for (const QByteArray& frame : out)
                QCOMPARE(frame, payload(next++));
            QVERIFY(spool->flush());
            ++written;
        }
        verifyRange(readAll(*spool, 100'000), next, written);
        QVERIFY(spool->atEnd());
        QCOMPARE(spool->flushedFrames(), qint64(written));
        // Reading at the end is not an error.
        auto got = spool->read(1000, out);
        QVERIFY(got);
        QCOMPARE(got.value(), qsizetype(0));
    }

    void framesWrittenInPlaceEqualAppendedOnes() {
        // beginFrame()/endFrame() (the writer encodes straight into the
        // buffer) make the same bytes as append() of the same payload.
        auto inPlace = created(spoolPath("in-place-spool"));
        auto copied = created(spoolPath("copied-spool"));
        for (int i = 0; i < 300; ++i) {
            const QByteArray bytes = payload(i);
            if (i % 3 == 0) {
                inPlace->append(bytes);
            } else {
                inPlace->beginFrame().append(bytes);
                inPlace->endFrame();
            }
            copied->append(bytes);
        }
        QVERIFY(inPlace->flush());
        QVERIFY(copied->flush());
        QCOMPARE(inPlace->endOffset(), copied->endOffset());
        QCOMPARE(inPlace->flushedFrames(), qint64(300));
        verifyRange(readAll(*inPlace, 64 * 1024), 0, 300);
        QFile a(inPlace->path());
        QFile b(copied->path());
        QVERIFY(a.open(QIODevice::ReadOnly) && b.open(QIODevice::ReadOnly));
        QCOMPARE(a.readAll().mid(RecordSpool::kHeaderBytes),
                 b.readAll().mid(RecordSpool::kHeaderBytes));
    }

    void openReplaysASpoolWhoseWriterIsGone() {
        const QString path = spoolPath("replay-spool");
        quint64 id = 0;
        qint64 end = 0;
        {
            auto spool = created(path);
            appendRange(*spool, 0, 3000, 250);
            id = spool->id();
            end = spool->endOffset();
        }
        auto replay = opened(path);
        QCOMPARE(replay->id(), id);
        QCOMPARE(replay->endOffset(), end);
        QCOMPARE(replay->readOffset(), RecordSpool::kHeaderBytes);
        QCOMPARE(replay->flushedFrames(), qint64(0));
        bool torn = true;
        verifyRange(readAll(*replay, 256 * 1024, &torn), 0, 3000);
        QVERIFY(!torn);
        QVERIFY(replay->atEnd());
        auto missing = RecordSpool::open(spoolPath("no-such-spool"));
        QVERIFY(!missing);
        QVERIFY(missing.errorMessage().contains(spoolPath("no-such-spool")));
    }

    // flock(2) locks belong to the open file description: a second open()
    // in this process and one in another process both see the lock.
    void openFailsWhileTheSpoolIsHeld() {
        const QString path = spoolPath("held-spool");
        {
            auto writer = created(path);
            auto second = RecordSpool::open(path);
            QVERIFY(!second);
            QVERIFY2(second.errorMessage().contains("in use"), qPrintable(second.errorMessage()));
            QVERIFY(second.errorMessage().contains(path));
            const int code = inChild([&] {
                auto other = RecordSpool::open(path);
                return other ? 1 : other.errorMessage().contains("in use") ? 0 : 2;
            });
            QCOMPARE(code, 0);
        }
        // Released with the writer; a replay holds it in turn.
        auto replay = opened(path);
        auto another = RecordSpool::open(path);
        QVERIFY(!another);
        QVERIFY(another.errorMessage().contains("in use"));
        replay.reset();
        QVERIFY(RecordSpool::open(path));
    }

    void openRefusesWhatIsNotASpool() {
        const QString path = spoolPath("foreign-spool");
        {
            QFile file(path);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(QByteArray(64, 'x'));
        }
        auto opened = RecordSpool::open(path);
        QVERIFY(!opened);
        QVERIFY(opened.errorMessage().contains(path));
        QVERIFY(opened.errorMessage().contains("not a Spyglass spool"));
    }

    // SIGKILL in the middle of a write leaves part of the last frame.
    void aTornTailIsReportedAfterTheCompleteFrames() {
        const QString path = spoolPath("torn-spool");
        qint64 lastFrameAt = 0;
        {
            auto spool = created(path);
            appendRange(*spool, 0, 99, 10);
            lastFrameAt = spool->endOffset();
            appendRange(*spool, 99, 100, 10);
        }
        QCOMPARE(payload(99).size(), qsizetype(1500));
        for (qint64 cut : {qint64(3), qint64(8), qint64(600)}) {
            QVERIFY(::truncate(QFile::encodeName(path).constData(), lastFrameAt + cut) == 0);
            auto replay = opened(path);
            QCOMPARE(replay->endOffset(), lastFrameAt + cut);
            bool torn = false;
            verifyRange(readAll(*replay, 1 << 20, &torn), 0, 99);
            QVERIFY(torn);
            QCOMPARE(replay->readOffset(), lastFrameAt);
            QVERIFY(!replay->atEnd());
            // Asked again, the same: the cursor stays on the bad frame.
            std::vector<QByteArray> out;
            auto again = replay->read(1 << 20, out, &torn);
            QVERIFY(again);
            QCOMPARE(again.value(), qsizetype(0));
            QVERIFY(torn);
            // Without `torn`: an Error naming the file once no frame precedes it.
            auto unchecked = replay->read(1 << 20, out);
            QVERIFY(!unchecked);
            QVERIFY2(unchecked.errorMessage().contains(path), qPrintable(unchecked.errorMessage()));
            QVERIFY(unchecked.errorMessage().contains("cut short"));
        }
    }

    void aFlippedByteFailsTheChecksumAtItsFrame() {
        const QString path = spoolPath("flipped-spool");
        qint64 badFrameAt = 0;
        {
            auto spool = created(path);
            appendRange(*spool, 0, 51, 50);
            badFrameAt = spool->endOffset();
            appendRange(*spool, 51, 80, 50);
        }
        QCOMPARE(payload(51).size(), qsizetype(1500));
        {
            QFile file(path);
            QVERIFY(file.open(QIODevice::ReadWrite));
            QVERIFY(file.seek(badFrameAt + RecordSpool::kFrameHeaderBytes + 700));
            char byte = 0;
            QVERIFY(file.getChar(&byte));
            QVERIFY(file.seek(badFrameAt + RecordSpool::kFrameHeaderBytes + 700));
            QVERIFY(file.putChar(char(byte ^ 0x10)));
        }
        auto replay = opened(path);
        bool torn = false;
        verifyRange(readAll(*replay, 4096, &torn), 0, 51);
        QVERIFY(torn);
        QCOMPARE(replay->readOffset(), badFrameAt);
        std::vector<QByteArray> out;
        auto unchecked = replay->read(4096, out);
        QVERIFY(!unchecked);
        QVERIFY2(unchecked.errorMessage().contains("checksum"),
                 qPrintable(unchecked.errorMessage()));
    }

    // The session saves readOffset() with each commit; the next writer
    // continues there.
    void seekToASavedOffsetContinues() {
        const QString path = spoolPath("seek-spool");
        qint64 saved = 0;
        {
            auto spool = created(path);
            appendRange(*spool, 0, 500, 100);
            std::vector<QByteArray> out;
            int read = 0;
            while (read < 123) {
                auto got = spool->read(1, out);
                QVERIFY(got);
                read += int(got.value());
            }
            saved = spool->readOffset();
        }
        auto replay = opened(path);
        QVERIFY(!replay->seek(RecordSpool::kHeaderBytes - 1));
        auto beyond = replay->seek(replay->endOffset() + 1);
        QVERIFY(!beyond);
        QVERIFY(beyond.errorMessage().contains(path));
        QVERIFY(replay->seek(saved));
        QCOMPARE(replay->readOffset(), saved);
        verifyRange(readAll(*replay, 50'000), 123, 500);
        QVERIFY(replay->seek(replay->endOffset()));
        QVERIFY(replay->atEnd());
    }

    // A write the file system refuses (here EFBIG, from RLIMIT_FSIZE with
    // SIGXFSZ ignored, in a child so the limit stays there): the frames stay
    // buffered and a later flush writes them once, where they belong.
    void aFailedFlushKeepsItsFramesForTheRetry() {
        const QString path = spoolPath("full-spool");
        int pipeFds[2];
        QCOMPARE(::pipe(pipeFds), 0);
        const int code = inChild([&]() -> int {
            ::close(pipeFds[0]);
            ::signal(SIGXFSZ, SIG_IGN);
            auto made = RecordSpool::create(path);
            if (!made)
                return 10;
            RecordSpool& spool = *made.value();
            for (int i = 0; i < 10; ++i)
                spool.append(QByteArray(1000, char(i)));
            if (!spool.flush())
                return 11;
            const qint64 end = spool.endOffset();
            for (int i = 10; i < 60; ++i)
                spool.append(QByteArray(1000, char(i)));
            const qint64 buffered = spool.bufferedBytes();
            rlimit limit{};
            ::getrlimit(RLIMIT_FSIZE, &limit);
            const rlim_t hard = limit.rlim_max;
            limit.rlim_cur = rlim_t(end + 20'500); // part of the batch fits
            if (::setrlimit(RLIMIT_FSIZE, &limit) != 0)
                return 12;
            const Status failed = spool.flush();
            if (failed)
                return 13;
            const QByteArray message = failed.errorMessage().toUtf8();
            if (::write(pipeFds[1], message.constData(), size_t(message.size())) < 0)
                return 14;
            if (spool.endOffset() != end || spool.bufferedBytes() != buffered ||
                spool.flushedFrames() != 10)
                return 15;
            for (int i = 60; i < 70; ++i)
                spool.append(QByteArray(1000, char(i)));
            limit.rlim_cur = hard;
            if (::setrlimit(RLIMIT_FSIZE, &limit) != 0)
                return 16;
            if (!spool.flush())
                return 17;
            return spool.flushedFrames() == 70 ? 0 : 18;
        });
        ::close(pipeFds[1]);
        QByteArray message(4096, '\0');
        const ssize_t got = ::read(pipeFds[0], message.data(), size_t(message.size()));
        ::close(pipeFds[0]);
        QCOMPARE(code, 0);
        message.resize(qMax<ssize_t>(got, 0));
        QVERIFY2(QString::fromUtf8(message).contains(path), message.constData());
        QVERIFY2(message.contains("cannot write"), message.constData());

        const qint64 frame = RecordSpool::kFrameHeaderBytes + 1000;
        QCOMPARE(fileSize(path), RecordSpool::kHeaderBytes + 70 * frame);
        auto replay = opened(path);
        bool torn = true;
        const std::vector<QByteArray> frames = readAll(*replay, 1 << 20, &torn);
        QVERIFY(!torn);
        QCOMPARE(qsizetype(frames.size()), qsizetype(70));
        for (int i = 0; i < 70; ++i)
            QCOMPARE(frames[i], QByteArray(1000, char(i)));
    }

    void removeUnlinksTheFile() {
        const QString path = spoolPath("removed-spool");
        auto spool = created(path);
        appendRange(*spool, 0, 10, 5);
        QVERIFY(QFile::exists(path));
        QVERIFY(spool->remove());
        QVERIFY(!QFile::exists(path));
        QVERIFY(!spool->remove());
        std::vector<QByteArray> out;
        QVERIFY(!spool->read(100, out));
        // The name is free for the next spool.
        QVERIFY(RecordSpool::create(path));
    }

    // Numbers for docs/performance.md; printed, never asserted.
    void printThroughput() {
        const QString path = spoolPath("throughput-spool");
        constexpr int kCount = 100'000;
        const QByteArray record(1024, 'r');
        auto spool = created(path);
        QElapsedTimer timer;
        timer.start();
        for (int i = 0; i < kCount; ++i) {
            spool->append(record);
            if ((i + 1) % 1000 == 0)
                QVERIFY(spool->flush());
        }
        QVERIFY(spool->flush());
        const qint64 writeNs = qMax<qint64>(timer.nsecsElapsed(), 1);
        const double megabytes = double(spool->endOffset()) / 1e6;

        QVERIFY(spool->seek(RecordSpool::kHeaderBytes));
        std::vector<QByteArray> out;
        qint64 frames = 0;
        timer.restart();
        for (int calls = 0; calls < kCount && !spool->atEnd(); ++calls) {
            auto got = spool->read(4 << 20, out);
            QVERIFY(got);
            frames += got.value();
        }
        const qint64 readNs = qMax<qint64>(timer.nsecsElapsed(), 1);
        QCOMPARE(frames, qint64(kCount));
        QCOMPARE(out.back(), record);
        qInfo("spool: %d x 1 KiB: append+flush %.0f MB/s (%.0f records/s), read %.0f MB/s "
              "(%.0f records/s)",
              kCount, megabytes / (writeNs / 1e9), kCount / (writeNs / 1e9),
              megabytes / (readNs / 1e9), kCount / (readNs / 1e9));
    }
};

QTEST_GUILESS_MAIN(TestRecordSpool)
#include "test_RecordSpool.moc"
