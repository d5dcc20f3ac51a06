// The session file: format, migrations (a frozen file of every earlier
// version opens), refusals, file modes, "save as", the default location.
#undef QT_NO_CAST_FROM_ASCII
#define QT_RESTRICTED_CAST_FROM_ASCII
#include "SessionInspector.h"
#include "SyntheticExchange.h"
#include "core/store/SessionFile.h"
#include "core/store/SessionReader.h"
#include "core/store/SessionSchema.h"
#include "core/store/SessionWriter.h"

#include <QDir>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <sys/stat.h>

using namespace spyglass::core;
using namespace spyglass::core::store;
using spyglass::core::store::testing::SessionInspector;
using spyglass::core::store::testing::SyntheticExchange;

namespace {

int fileMode(const QString& path) {
    struct stat info {};
    if (::stat(QFile::encodeName(path).constData(), &info) != 0)
        return -1;
    return static_cast<int>(info.st_mode & 0777);
}

// Builds a database from SQL text (a frozen fixture dump), as sqlite3 would.
void runSql(const QString& path, const QByteArray& sql) {
    auto db = SqliteConnection::open(path, SqliteConnection::Access::ReadWrite);
    if (!db)
        qFatal("%s", qPrintable(db.errorMessage()));
    if (Status done = db.value()->exec(sql); !done)
        qFatal("%s", qPrintable(done.errorMessage()));
}

QString fixtureDir() {
    return QStringLiteral(SPYGLASS_STORE_FIXTURES);
}

} // namespace

class TestSessionSchema : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void aNewFileHasTheCurrentFormat() {
        QTemporaryDir dir;
        const QString path = dir.filePath("new.spyglass");
        auto db = SessionFile::openForWriting(path, SessionFile::Durability::Normal);
        QVERIFY2(db, qPrintable(db.ok() ? QString() : db.errorMessage()));
        QCOMPARE(db.value()->queryInt("PRAGMA user_version").value(),
                 SessionSchema::kCurrentVersion);
        QCOMPARE(db.value()->queryInt("PRAGMA application_id").value(),
                 SessionSchema::kApplicationId);
        QCOMPARE(db.value()->queryInt("PRAGMA synchronous").value(), 1); // NORMAL
        db.value().reset();
        SessionInspector inspect(path);
        QCOMPARE(inspect.bytes("PRAGMA journal_mode"), QByteArray("wal"));
        // Every real table is STRICT (the FTS5 table and its shadows are
        // SQLite's own).
        QCOMPARE(inspect.bytes(
                     "SELECT group_concat(name) FROM pragma_table_list WHERE type = 'table' "
                     "AND strict = 0 AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'search%'"),
                 QByteArray());
        QCOMPARE(inspect.integer("SELECT count(*) FROM pragma_table_list WHERE strict = 1"), 9);
        // Formats 2 and 3 keep the earlier names for what became views.
        QCOMPARE(inspect.bytes("SELECT group_concat(name, ',') FROM (SELECT name FROM "
                               "sqlite_schema WHERE type = 'view' ORDER BY name)"),
                 QByteArray("bodies,body_parts,heads,timings,tls,tls_chains"));
        QCOMPARE(inspect.bytes("SELECT value FROM session WHERE key = 'created_by'"),
                 QByteArray("Spyglass " SPYGLASS_VERSION));
        QCOMPARE(fileMode(path), 0600);
    }

    void durableCaptureSyncsFully() {
        QTemporaryDir dir;
        auto db =
            SessionFile::openForWriting(dir.filePath("d.spyglass"), SessionFile::Durability::Full);
        QVERIFY(db);
        QCOMPARE(db.value()->queryInt("PRAGMA synchronous").value(), 2); // FULL
    }

    // Format 0 is an empty file (what `touch` or an interrupted create
    // leaves); every later format has a frozen dump in fixtures/.
    void everyEarlierVersionOpens_data() {
        QTest::addColumn<QString>("fixture"); // empty = version 0
        QTest::addColumn<int>("version");
        QTest::newRow("format 0 (empty file)") << QString() << 0;
        const QStringList dumps =
            QDir(fixtureDir()).entryList({"session-v*.sql"}, QDir::Files, QDir::Name);
        QVERIFY(!dumps.isEmpty());
        for (const QString& name : dumps) {
            const int version = name.mid(9, name.size() - 13).toInt();
            QVERIFY(version >= 1 && version <= SessionSchema::kCurrentVersion);
            QTest::newRow(qPrintable("format " + QString::number(version))) << name << version;
        }
        // A fixture per released format, up to the current one.
        QCOMPARE(dumps.size(), SessionSchema::kCurrentVersion);
    }
    void everyEarlierVersionOpens() {
        QFETCH(QString, fixture);
        QFETCH(int, version);
        QTemporaryDir dir;
        const QString path = dir.filePath("old.spyglass");
        qint64 before = 0;
        if (fixture.isEmpty()) {
            QFile empty(path);
            QVERIFY(empty.open(QIODevice::WriteOnly));
        } else {
            QFile dump(fixtureDir() + "/" + fixture);
            QVERIFY(dump.open(QIODevice::ReadOnly));
            runSql(path, dump.readAll());
            SessionInspector old(path);
            QCOMPARE(old.integer("PRAGMA user_version"), version);
            before = old.integer("SELECT count(*) FROM exchanges");
            QVERIFY(before > 0);
        }
        // Readers upgrade it in place, then read what was there.
        {
            auto reader = SessionReader::open(path);
            if (version == 0) {
                QVERIFY(!reader); // an empty file is not a session to read
                QVERIFY(reader.errorMessage().contains("empty"));
            } else {
                QVERIFY2(reader, qPrintable(reader.ok() ? QString() : reader.errorMessage()));
                QCOMPARE(reader.value()->count().value(), before);
                auto first = reader.value()->exchange(1);
                QVERIFY(first && first.value());
                QVERIFY(!first.value()->heads.isEmpty());
            }
        }
        // The writer migrates and appends.
        WriterOptions options;
        options.path = path;
        auto writer = SessionWriter::open(options);
        QVERIFY2(writer, qPrintable(writer.ok() ? QString() : writer.errorMessage()));
        writer.value()->start();
        SyntheticExchange e;
        e.path = "/after-upgrade";
        e.recordInto(*writer.value());
        writer.value()->stop();
        auto reader = SessionReader::open(path);
        QVERIFY(reader);
        QCOMPARE(reader.value()->count().value(), before + 1);
        auto filter = SessionReader::compileFilter("path:after-upgrade");
        QCOMPARE(reader.value()->count(&filter.value()).value(), 1);
        SessionInspector now(path);
        QCOMPARE(now.integer("PRAGMA user_version"), SessionSchema::kCurrentVersion);
        QCOMPARE(now.bytes("PRAGMA integrity_check"), QByteArray("ok"));
        if (version == 1 || version == 2) {
            // What format 1 stored reads back field by field (the format-2
            // fixture is the format-1 one upgraded, plus two exchanges).
            auto tls = reader.value()->exchange(5);
            QVERIFY(tls && tls.value());
            QCOMPARE(tls.value()->tls.size(), 2);
            QCOMPARE(tls.value()->tls.at(1).chainDer.size(), 2);
            QCOMPARE(tls.value()->tls.at(1).chainDer.at(1), QByteArray("0\x82"
                                                                       "fixture-intermediate-der"));
            auto body = reader.value()->body(5, record::Direction::Response, true);
            QVERIFY(body);
            QCOMPARE(body->data, QByteArray("ok"));
            auto gz = reader.value()->body(3, record::Direction::Response, true);
            QVERIFY(gz);
            QVERIFY(gz->decoded);
            QVERIFY(gz->data.startsWith("hello gzip world"));
        }
        if (version == 2) {
            auto hello = reader.value()->body(6, record::Direction::Response, true);
            QVERIFY(hello);
            QCOMPARE(hello->data, QByteArray("hello from format 2\n"));
            auto post = reader.value()->exchange(7);
            QVERIFY(post && post.value());
            QCOMPARE(post.value()->row.status, 501);
            QVERIFY(post.value()->timings.doneUs > 0);
        }
    }

    void aNewerFormatIsRefused() {
        QTemporaryDir dir;
        const QString path = dir.filePath("future.spyglass");
        SessionFile::openForWriting(path, SessionFile::Durability::Normal).value().reset();
        runSql(path,
               "PRAGMA user_version = " + QByteArray::number(SessionSchema::kCurrentVersion + 1));
        auto writer = SessionFile::openForWriting(path, SessionFile::Durability::Normal);
        QVERIFY(!writer);
        QVERIFY2(writer.errorMessage().contains("newer Spyglass"),
                 qPrintable(writer.errorMessage()));
        auto reader = SessionReader::open(path);
        QVERIFY(!reader);
        QVERIFY(reader.errorMessage().contains("newer Spyglass"));
    }

    void anotherDatabaseIsRefused() {
        QTemporaryDir dir;
        const QString path = dir.filePath("other.db");
        runSql(path, "CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('mine');");
        auto writer = SessionFile::openForWriting(path, SessionFile::Durability::Normal);
        QVERIFY(!writer);
        QVERIFY2(writer.errorMessage().contains("not a Spyglass session"),
                 qPrintable(writer.errorMessage()));
        auto reader = SessionReader::open(path);
        QVERIFY(!reader);
        // Nothing was added to it.
        SessionInspector inspect(path);
        QCOMPARE(inspect.integer("SELECT count(*) FROM sqlite_schema"), 1);
    }

    void missingAndNonSqliteFiles() {
        QTemporaryDir dir;
        auto missing = SessionReader::open(dir.filePath("nope.spyglass"));
        QVERIFY(!missing);
        QVERIFY(missing.errorMessage().contains("no such session file"));
        const QString text = dir.filePath("text.spyglass");
        QFile file(text);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QByteArray(8192, 'x'));
        file.close();
        auto notSqlite = SessionReader::open(text);
        QVERIFY(!notSqlite);
        QVERIFY2(notSqlite.errorMessage().contains(text), qPrintable(notSqlite.errorMessage()));
    }

    // The runner with made-up steps: all or nothing, in order, resumable.
    void migrationsApplyInOneTransaction() {
        QTemporaryDir dir;
        const QString path = dir.filePath("m.spyglass");
        auto db = SqliteConnection::open(path, SqliteConnection::Access::ReadWrite);
        QVERIFY(db);
        SqliteConnection& c = *db.value();
        const Migration broken[] = {{1, "CREATE TABLE a (x INTEGER) STRICT;"},
                                    {2, "CREATE TABLE b (y INTEGER) STRICT;"},
                                    {3, "INSERT INTO nowhere VALUES (1);"}};
        Status failed = SessionSchema::migrate(c, broken);
        QVERIFY(!failed);
        QVERIFY2(failed.errorMessage().contains("format 3"), qPrintable(failed.errorMessage()));
        QCOMPARE(c.queryInt("PRAGMA user_version").value(), 0);
        QCOMPARE(c.queryInt("SELECT count(*) FROM sqlite_schema").value(), 0);

        const Migration two[] = {broken[0], broken[1]};
        QVERIFY(SessionSchema::migrate(c, two));
        QCOMPARE(c.queryInt("PRAGMA user_version").value(), 2);
        QVERIFY(c.exec("INSERT INTO b VALUES (7)"));
        const Migration three[] = {broken[0], broken[1], {3, "UPDATE b SET y = y * 6;"}};
        QVERIFY(SessionSchema::migrate(c, three));
        QCOMPARE(c.queryInt("PRAGMA user_version").value(), 3);
        QCOMPARE(c.queryInt("SELECT y FROM b").value(), 42); // step 3 ran once, 1 and 2 not again
        QVERIFY(SessionSchema::migrate(c, three));
        QCOMPARE(c.queryInt("SELECT y FROM b").value(), 42);
    }

    void saveAsWritesAPrivateConsistentCopy() {
        QTemporaryDir dir;
        const QString path = dir.filePath("live.spyglass");
        WriterOptions options;
        options.path = path;
        auto writer = SessionWriter::open(options);
        QVERIFY(writer);
        writer.value()->start();
        for (record::ExchangeId id = 1; id <= 20; ++id) {
            SyntheticExchange e;
            e.id = id;
            e.responseBody = QByteArray(3000, 'b');
            e.recordInto(*writer.value());
        }
        QTRY_COMPARE(writer.value()->status().recordedExchanges, 20);
        // While the writer is still open (the data is partly in the WAL).
        const QString copy = dir.filePath("copy.spyglass");
        QVERIFY(SessionFile::saveAs(path, copy));
        writer.value()->stop();
        QCOMPARE(fileMode(copy), 0600);
        SessionInspector inspect(copy);
        QCOMPARE(inspect.bytes("PRAGMA integrity_check"), QByteArray("ok"));
        QCOMPARE(inspect.integer("SELECT count(*) FROM exchanges"), 20);
        QCOMPARE(inspect.integer("SELECT sum(length(data)) FROM body_parts"), 20 * 3000);
        // Over an existing file: replaced whole.
        QVERIFY(SessionFile::saveAs(path, copy));
        QVERIFY(QDir(dir.path()).entryList({"copy.spyglass.tmp-*"}).isEmpty());
        QVERIFY(!SessionFile::saveAs(path, dir.filePath("missing-dir/x.spyglass")));
    }

    void theDefaultLocationIsPrivate() {
        QTemporaryDir home;
        qputenv("XDG_DATA_HOME", QFile::encodeName(home.path()));
        QStandardPaths::setTestModeEnabled(false);
        const QDateTime when(QDate(2025, 1, 2), QTime(3, 4, 5));
        auto first = SessionFile::newDefaultPath(when);
        QVERIFY2(first, qPrintable(first.ok() ? QString() : first.errorMessage()));
        QCOMPARE(first.value(), home.path() + "/Spyglass/sessions/20250102-030405.spyglass");
        QCOMPARE(fileMode(home.path() + "/Spyglass/sessions"), 0700);
        SessionFile::openForWriting(first.value(), SessionFile::Durability::Normal).value().reset();
        auto second = SessionFile::newDefaultPath(when);
        QVERIFY(second);
        QCOMPARE(second.value(), home.path() + "/Spyglass/sessions/20250102-030405-2.spyglass");
    }
};

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName("Spyglass");
    TestSessionSchema test;
    return QTest::qExec(&test, argc, argv);
}
#include "test_SessionSchema.moc"
