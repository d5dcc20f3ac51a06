// SessionWriter with openOnFirstRecord (`spyglass-cli run`, issue 7): the
// file is created and checked at open() without SQLite, opened for real by
// the writer thread with the first record, and a late failure pauses
// recording like any storage error.
#undef QT_NO_CAST_FROM_ASCII
#define QT_RESTRICTED_CAST_FROM_ASCII
#include "SessionInspector.h"
#include "SyntheticExchange.h"
#include "core/store/SessionFile.h"
#include "core/store/SessionReader.h"
#include "core/store/SessionSchema.h"
#include "core/store/SessionWriter.h"

#include <QDir>
#include <QTemporaryDir>
#include <QTest>
#include <sys/stat.h>

using namespace spyglass::core;
using namespace spyglass::core::store;
using spyglass::core::store::testing::SessionInspector;
using spyglass::core::store::testing::SyntheticExchange;

namespace {

WriterOptions optionsFor(const QString& path, bool lazy) {
    WriterOptions options;
    options.path = path;
    options.openOnFirstRecord = lazy;
    // Short, so the tests that resume do not wait for the default 5 s.
    options.retryInterval = std::chrono::milliseconds(200);
    return options;
}

std::unique_ptr<SessionWriter> openLazy(const QString& path) {
    auto writer = SessionWriter::open(optionsFor(path, true));
    if (!writer)
        qFatal("%s", qPrintable(writer.errorMessage()));
    return std::move(writer).value();
}

void runSql(const QString& path, const QByteArray& sql) {
    auto db = SqliteConnection::open(path, SqliteConnection::Access::ReadWrite);
    if (!db)
        qFatal("%s", qPrintable(db.errorMessage()));
    if (Status done = db.value()->exec(sql); !done)
        qFatal("%s", qPrintable(done.errorMessage()));
}

void writeFile(const QString& path, const QByteArray& bytes) {
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size())
        qFatal("cannot write %s", qPrintable(path));
}

QByteArray readFile(const QString& path) {
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

int fileMode(const QString& path) {
    struct stat info {};
    if (::stat(QFile::encodeName(path).constData(), &info) != 0)
        return -1;
    return static_cast<int>(info.st_mode & 0777);
}

// What SQLite's own identity check says about the file (SessionSchema's
// migrate on a bare connection, without the header peek in front of it).
QString schemaCheckError(const QString& path) {
    auto db = SqliteConnection::open(path, SqliteConnection::Access::ReadWrite);
    if (!db)
        return db.errorMessage();
    Status migrated = SessionSchema::migrate(*db.value());
    return migrated ? QString() : migrated.errorMessage();
}

enum class BadFile {
    Directory,
    NotSqlite,
    ShortFile,
    ForeignApplicationId,
    UnmarkedDatabase,
    Newer
};

void makeBadFile(BadFile kind, const QString& path) {
    switch (kind) {
    case BadFile::Directory:
        QDir().mkdir(path);
        break;
    case BadFile::NotSqlite:
        writeFile(path, QByteArray(8192, 'x'));
        break;
    case BadFile::ShortFile:
        writeFile(path, "SQLite format 3");
        break;
    case BadFile::ForeignApplicationId:
        runSql(path, "PRAGMA application_id = 1234; CREATE TABLE notes (text TEXT);");
        break;
    case BadFile::UnmarkedDatabase:
        runSql(path, "CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('mine');");
        break;
    case BadFile::Newer: {
        auto writer = SessionWriter::open(optionsFor(path, false));
        if (!writer)
            qFatal("%s", qPrintable(writer.errorMessage()));
        writer.value().reset();
        runSql(path,
               "PRAGMA user_version = " + QByteArray::number(SessionSchema::kCurrentVersion + 1));
        break;
    }
    }
}

} // namespace

class TestLazyWriter : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void openCreatesAPrivateEmptyFileAndTheFirstRecordASession() {
        QTemporaryDir dir;
        const QString path = dir.filePath("s.spyglass");
        const mode_t old = ::umask(0);
        auto writer = openLazy(path);
        ::umask(old);
        QVERIFY(QFileInfo::exists(path));
        QCOMPARE(QFileInfo(path).size(), 0);
        QCOMPARE(fileMode(path), 0600);
        writer->start();
        // Nothing recorded yet: still no SQLite file, and readers say so.
        QCOMPARE(QFileInfo(path).size(), 0);
        QVERIFY(!QFileInfo::exists(path + "-wal"));
        auto early = SessionReader::open(path);
        QVERIFY(!early);
        QCOMPARE(early.errorMessage(),
                 QStringLiteral("%1 is empty: nothing has been recorded yet").arg(path));

        SyntheticExchange e;
        e.path = "/first";
        e.recordInto(*writer);
        QTRY_COMPARE(writer->status().recordedExchanges, 1);
        QCOMPARE(writer->status().state, RecorderStatus::State::Recording);
        QCOMPARE(fileMode(path + "-wal"), 0600);
        writer->stop();

        SessionInspector db(path);
        QCOMPARE(db.integer("PRAGMA application_id"), SessionSchema::kApplicationId);
        QCOMPARE(db.integer("PRAGMA user_version"), SessionSchema::kCurrentVersion);
        QCOMPARE(db.bytes("SELECT path || ' ' || state FROM exchanges"),
                 QByteArray("/first complete"));
        QCOMPARE(db.bytes("PRAGMA integrity_check"), QByteArray("ok"));
        QCOMPARE(fileMode(path), 0600);
    }

    void anExistingSessionIsAppendedToAndItsOpenRowsSwept() {
        QTemporaryDir dir;
        const QString path = dir.filePath("s.spyglass");
        SessionWriter::open(optionsFor(path, false)).value().reset();
        runSql(path, "INSERT INTO exchanges (start_us, mode, client, method, scheme, host, port, "
                     "path) VALUES (1, 'forward', 'c', 'GET', 'http', 'h', 80, '/crashed')");
        auto writer = openLazy(path);
        writer->start();
        SyntheticExchange e;
        e.path = "/second";
        e.recordInto(*writer);
        writer->stop();
        SessionInspector db(path);
        QCOMPARE(db.bytes("SELECT group_concat(path || ' ' || state, ', ') FROM exchanges"),
                 QByteArray("/crashed incomplete, /second complete"));
    }

    void badPathsAreRefusedAtOpenWithTheEagerText_data() {
        QTest::addColumn<BadFile>("kind");
        QTest::addColumn<QString>("expected"); // a part of the message
        QTest::newRow("directory") << BadFile::Directory << QStringLiteral("Is a directory");
        QTest::newRow("not SQLite")
            << BadFile::NotSqlite << QStringLiteral("is not a Spyglass session");
        QTest::newRow("shorter than a header")
            << BadFile::ShortFile << QStringLiteral("is not a Spyglass session");
        QTest::newRow("foreign application_id")
            << BadFile::ForeignApplicationId
            << QStringLiteral("is an SQLite database but not a Spyglass session");
        QTest::newRow("unmarked database")
            << BadFile::UnmarkedDatabase
            << QStringLiteral("is an SQLite database but not a Spyglass session");
        QTest::newRow("newer format") << BadFile::Newer << QStringLiteral("newer Spyglass");
    }

    void badPathsAreRefusedAtOpenWithTheEagerText() {
        QFETCH(BadFile, kind);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        const QString path = dir.filePath("bad.spyglass");
        makeBadFile(kind, path);
        const QByteArray before = readFile(path);

        auto lazy = SessionWriter::open(optionsFor(path, true));
        QVERIFY(!lazy);
        QVERIFY2(lazy.errorMessage().contains(expected), qPrintable(lazy.errorMessage()));
        QVERIFY2(lazy.errorMessage().contains(path), qPrintable(lazy.errorMessage()));
        auto eager = SessionWriter::open(optionsFor(path, false));
        QVERIFY(!eager);
        QCOMPARE(lazy.errorMessage(), eager.errorMessage());
        // The texts SQLite's own check gives (what the eager path said
        // before the header peek): the same words.
        if (kind == BadFile::ForeignApplicationId || kind == BadFile::UnmarkedDatabase ||
            kind == BadFile::Newer)
            QCOMPARE(lazy.errorMessage(), schemaCheckError(path));
        // Refusing touched nothing.
        QCOMPARE(readFile(path), before);
        QVERIFY(!QFileInfo::exists(path + "-wal"));
    }

    void aFileReplacedByADirectoryPausesAndTheRetryOpensIt() {
        QTemporaryDir dir;
        const QString path = dir.filePath("s.spyglass");
        auto writer = openLazy(path);
        std::atomic<int> pauses{0};
        writer->setStatusListener([&](const RecorderStatus& status) {
            if (status.state == RecorderStatus::State::Paused)
                ++pauses;
        });
        writer->start();
        QVERIFY(QFile::remove(path));
        QVERIFY(QDir().mkdir(path));

        SyntheticExchange lost;
        lost.path = "/lost";
        lost.recordInto(*writer);
        QTRY_COMPARE(writer->status().state, RecorderStatus::State::Paused);
        const RecorderStatus paused = writer->status();
        QVERIFY2(
            paused.message.contains(QStringLiteral("cannot create %1: Is a directory").arg(path)),
            qPrintable(paused.message));
        QVERIFY2(paused.message.contains("traffic is still relayed"), qPrintable(paused.message));
        QTRY_COMPARE(writer->status().lostWhilePaused, 1);
        QCOMPARE(pauses.load(), 1);
        // Retries while the directory is there fail quietly (one pause).
        QTest::qWait(500);
        QCOMPARE(writer->status().state, RecorderStatus::State::Paused);
        QCOMPARE(pauses.load(), 1);

        QVERIFY(QDir().rmdir(path));
        writer->resume();
        QTRY_COMPARE(writer->status().state, RecorderStatus::State::Recording);
        SyntheticExchange kept;
        kept.id = 2;
        kept.path = "/kept";
        kept.recordInto(*writer);
        QTRY_COMPARE(writer->status().recordedExchanges, 1);
        writer->stop();
        SessionInspector db(path);
        QCOMPARE(db.bytes("SELECT group_concat(path, ' ') FROM exchanges"), QByteArray("/kept"));
        QCOMPARE(db.integer("SELECT value FROM session WHERE key = 'recorder_lost_while_paused'"),
                 1);
    }

    void aForeignFileBehindAStaleHeaderIsCaughtByTheRealOpen() {
        // A WAL beside the file may still change page 1, so the header peek
        // lets an unmarked database through and SQLite's check decides.
        QTemporaryDir dir;
        const QString path = dir.filePath("other.db");
        makeBadFile(BadFile::UnmarkedDatabase, path);
        writeFile(path + "-wal", QByteArray(64, '\0')); // no valid frames: ignored by SQLite
        auto writer = openLazy(path);
        writer->start();
        SyntheticExchange e;
        e.recordInto(*writer);
        QTRY_COMPARE(writer->status().state, RecorderStatus::State::Paused);
        QVERIFY2(
            writer->status().message.contains(
                QStringLiteral("%1 is an SQLite database but not a Spyglass session").arg(path)),
            qPrintable(writer->status().message));
        writer->stop();
        SessionInspector db(path);
        QCOMPARE(db.integer("SELECT count(*) FROM sqlite_schema"), 1); // untouched
    }

    void stoppingWithoutRecordsLeavesAnEmptySession_data() {
        QTest::addColumn<bool>("started");
        QTest::newRow("started") << true;
        QTest::newRow("never started") << false;
    }

    void stoppingWithoutRecordsLeavesAnEmptySession() {
        QFETCH(bool, started);
        QTemporaryDir dir;
        const QString path = dir.filePath("s.spyglass");
        auto writer = openLazy(path);
        if (started)
            writer->start();
        writer->stop();
        writer->stop(); // idempotent
        QVERIFY(QFileInfo(path).size() > 0);
        QVERIFY(!QFileInfo::exists(path + "-wal"));
        auto reader = SessionReader::open(path);
        QVERIFY2(reader, qPrintable(reader ? QString() : reader.errorMessage()));
        SessionInspector db(path);
        QCOMPARE(db.integer("SELECT count(*) FROM exchanges"), 0);
        QCOMPARE(db.integer("PRAGMA application_id"), SessionSchema::kApplicationId);
        QCOMPARE(fileMode(path), 0600);
    }

    void settingsMadeBeforeTheOpenApplyAfterIt() {
        QTemporaryDir dir;
        const QString path = dir.filePath("s.spyglass");
        auto writer = openLazy(path);
        writer->start();
        writer->setDurability(SessionFile::Durability::Full);
        QTest::qWait(50); // the writer wakes with no connection to apply it to
        QCOMPARE(writer->appliedSynchronous(), 1);
        SyntheticExchange e;
        e.recordInto(*writer);
        QTRY_COMPARE(writer->status().recordedExchanges, 1);
        QTRY_COMPARE(writer->appliedSynchronous(), 2);
        writer->stop();
    }

    void readersCallAZeroByteFileEmpty() {
        QTemporaryDir dir;
        const QString path = dir.filePath("empty.spyglass");
        writeFile(path, QByteArray());
        auto reader = SessionFile::openForReading(path);
        QVERIFY(!reader);
        QCOMPARE(reader.errorMessage(),
                 QStringLiteral("%1 is empty: nothing has been recorded yet").arg(path));
    }
};

QTEST_GUILESS_MAIN(TestLazyWriter)
#include "test_LazyWriter.moc"
