#include "certs/SecureFile.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <sys/stat.h>
#include <unistd.h>

using namespace Qt::StringLiterals;
using spyglass::certs::SecureFile;
using spyglass::certs::Status;

namespace {

unsigned modeOf(const QString& path) {
    struct stat st = {};
    if (::lstat(QFile::encodeName(path).constData(), &st) != 0)
        return 0xffff;
    return st.st_mode & 07777;
}

class UmaskGuard {
public:
    explicit UmaskGuard(mode_t mask)
        : m_old(::umask(mask)) {}
    ~UmaskGuard() { ::umask(m_old); }

private:
    mode_t m_old;
};

} // namespace

class TestSecureFile : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void writesExactMode_data();
    void writesExactMode();
    void replacesAtomically();
    void failureLeavesNothing();
    void checkPrivateRefuses_data();
    void checkPrivateRefuses();
    void refusesForeignOwner();
    void fixPrivate();
    void ensurePrivateDirectory();
};

void TestSecureFile::writesExactMode_data() {
    QTest::addColumn<int>("mask");
    QTest::addColumn<int>("mode");
    QTest::newRow("key, umask 000") << 0 << SecureFile::kPrivateFileMode;
    QTest::newRow("key, umask 022") << 022 << SecureFile::kPrivateFileMode;
    QTest::newRow("cert, umask 000") << 0 << SecureFile::kPublicFileMode;
    QTest::newRow("cert, umask 077") << 077 << SecureFile::kPublicFileMode;
}

void TestSecureFile::writesExactMode() {
    QFETCH(int, mask);
    QFETCH(int, mode);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    UmaskGuard guard(static_cast<mode_t>(mask));
    const QString path = dir.filePath(u"file"_s);
    const Status s = SecureFile::writeAtomically(path, "secret", mode);
    QVERIFY2(s.ok(), qPrintable(s.ok() ? QString() : s.errorMessage()));
    QCOMPARE(modeOf(path), unsigned(mode));
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.readAll(), QByteArray("secret"));
    // No temporary file is left beside it.
    QCOMPARE(QDir(dir.path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot),
             QStringList{u"file"_s});
}

void TestSecureFile::replacesAtomically() {
    QTemporaryDir dir;
    const QString path = dir.filePath(u"key"_s);
    QVERIFY(SecureFile::writeAtomically(path, "old contents", 0600).ok());
    // A reader that opened the old file keeps reading the whole old file: the
    // new one arrives by rename(2), never by rewriting in place.
    QFile reader(path);
    QVERIFY(reader.open(QIODevice::ReadOnly));
    QVERIFY(SecureFile::writeAtomically(path, "new contents, longer", 0600).ok());
    QCOMPARE(reader.readAll(), QByteArray("old contents"));
    QFile fresh(path);
    QVERIFY(fresh.open(QIODevice::ReadOnly));
    QCOMPARE(fresh.readAll(), QByteArray("new contents, longer"));
    QCOMPARE(modeOf(path), 0600u);
}

void TestSecureFile::failureLeavesNothing() {
    QTemporaryDir dir;
    const QString path = dir.filePath(u"missing/dir/key"_s);
    const Status s = SecureFile::writeAtomically(path, "x", 0600);
    QVERIFY(!s.ok());
    QVERIFY2(s.errorMessage().contains(dir.filePath(u"missing/dir"_s)),
             qPrintable(s.errorMessage()));
    QCOMPARE(QDir(dir.path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot),
             QStringList());
}

void TestSecureFile::checkPrivateRefuses_data() {
    QTest::addColumn<bool>("directory");
    QTest::addColumn<int>("mode");
    QTest::addColumn<QString>("expected");
    QTest::newRow("key 0644") << false << 0644 << u"has mode 0644; it must be 0600"_s;
    QTest::newRow("key 0640") << false << 0640 << u"chmod 600"_s;
    QTest::newRow("key 0604") << false << 0604 << u"--fix-permissions"_s;
    QTest::newRow("dir 0755") << true << 0755 << u"has mode 0755; it must be 0700"_s;
    QTest::newRow("dir 0750") << true << 0750 << u"chmod 700"_s;
    QTest::newRow("key 0600 ok") << false << 0600 << QString();
    QTest::newRow("key 0400 ok") << false << 0400 << QString();
    QTest::newRow("dir 0700 ok") << true << 0700 << QString();
}

void TestSecureFile::checkPrivateRefuses() {
    QFETCH(bool, directory);
    QFETCH(int, mode);
    QFETCH(QString, expected);
    QTemporaryDir dir;
    const QString path = dir.filePath(u"target"_s);
    if (directory)
        QVERIFY(QDir().mkdir(path));
    else
        QVERIFY(SecureFile::writeAtomically(path, "k", 0600).ok());
    QCOMPARE(::chmod(QFile::encodeName(path).constData(), static_cast<mode_t>(mode)), 0);
    const Status s = SecureFile::checkPrivate(path, directory);
    if (expected.isEmpty()) {
        QVERIFY2(s.ok(), qPrintable(s.ok() ? QString() : s.errorMessage()));
    } else {
        QVERIFY(!s.ok());
        QVERIFY2(s.errorMessage().contains(expected), qPrintable(s.errorMessage()));
        QVERIFY(s.errorMessage().contains(path));
    }
}

void TestSecureFile::refusesForeignOwner() {
    QTemporaryDir dir;
    const QString path = dir.filePath(u"key"_s);
    QVERIFY(SecureFile::writeAtomically(path, "k", 0600).ok());
    if (::geteuid() != 0)
        QSKIP("changing a file's owner needs root");
    QCOMPARE(::chown(QFile::encodeName(path).constData(), 65534, 65534), 0);
    const Status s = SecureFile::checkPrivate(path, false);
    QVERIFY(!s.ok());
    QVERIFY2(s.errorMessage().contains(u"owned by uid 65534"_s), qPrintable(s.errorMessage()));
    auto fixed = SecureFile::fixPrivate(path, false);
    QVERIFY(!fixed.ok());
    QVERIFY(fixed.errorMessage().contains(u"chown"_s));
}

void TestSecureFile::fixPrivate() {
    QTemporaryDir dir;
    const QString path = dir.filePath(u"key"_s);
    QVERIFY(SecureFile::writeAtomically(path, "k", 0644).ok());
    auto fixed = SecureFile::fixPrivate(path, false);
    QVERIFY(fixed.ok());
    QCOMPARE(fixed->size(), 1);
    QVERIFY(fixed->first().contains(u"0644 -> 0600"_s));
    QCOMPARE(modeOf(path), 0600u);
    auto again = SecureFile::fixPrivate(path, false);
    QVERIFY(again.ok());
    QVERIFY(again->isEmpty());
    QVERIFY(SecureFile::checkPrivate(path, false).ok());
}

void TestSecureFile::ensurePrivateDirectory() {
    QTemporaryDir dir;
    const QString path = dir.filePath(u"a/b/ca"_s);
    QVERIFY(SecureFile::ensurePrivateDirectory(path).ok());
    QCOMPARE(modeOf(path), 0700u);
    QCOMPARE(::chmod(QFile::encodeName(path).constData(), 0755), 0);
    QVERIFY(SecureFile::ensurePrivateDirectory(path).ok());
    QCOMPARE(modeOf(path), 0700u);
    // A file in the way is an error naming the path.
    const QString file = dir.filePath(u"file"_s);
    QVERIFY(SecureFile::writeAtomically(file, "x", 0600).ok());
    const Status s = SecureFile::ensurePrivateDirectory(file);
    QVERIFY(!s.ok());
    QVERIFY(s.errorMessage().contains(file));
}

QTEST_GUILESS_MAIN(TestSecureFile)
#include "tst_SecureFile.moc"
