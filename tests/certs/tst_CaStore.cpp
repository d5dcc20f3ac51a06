#include "certs/CaStore.h"
#include "certs/FakeClock.h"
#include "certs/SecureFile.h"
#include "certs/X509Codec.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <sys/stat.h>
#include <unistd.h>

using namespace Qt::StringLiterals;
using namespace spyglass::certs;

namespace {

unsigned modeOf(const QString& path) {
    struct stat st = {};
    if (::lstat(QFile::encodeName(path).constData(), &st) != 0)
        return 0xffff;
    return st.st_mode & 07777;
}

void chmodOrFail(const QString& path, mode_t mode) {
    QCOMPARE(::chmod(QFile::encodeName(path).constData(), mode), 0);
}

QByteArray contents(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

class TestCaStore : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init();
    void createsPrivateFiles();
    void createsPrivateFilesUnderPermissiveUmask();
    void reloadsTheSameCa();
    void refusesWrongPermissions_data();
    void refusesWrongPermissions();
    void refusesForeignOwner();
    void refusesSymlinkedKey();
    void fixPermissions();
    void certificateOnlyLoadIgnoresKeyMode();
    void incompleteIsReportedNotRepaired();
    void mismatchedKeyRefused();
    void createNewReplaces();
    void expiryWarnings();
    void checkAgreesWithLoadWithoutTheKey();

private:
    std::unique_ptr<QTemporaryDir> m_tmp;
    QString m_dir;
    FakeClock m_clock;
};

void TestCaStore::init() {
    m_tmp = std::make_unique<QTemporaryDir>();
    QVERIFY(m_tmp->isValid());
    m_dir = m_tmp->filePath(u"Spyglass/ca"_s);
}

void TestCaStore::createsPrivateFiles() {
    CaStore store(m_dir);
    QCOMPARE(store.state(), CaStore::State::Missing);
    auto loaded = store.loadOrCreate(m_clock, {});
    QVERIFY2(loaded.ok(), qPrintable(loaded.ok() ? QString() : loaded.errorMessage()));
    QVERIFY(loaded->created);
    QCOMPARE(store.state(), CaStore::State::Complete);
    QCOMPARE(modeOf(m_dir), 0700u);
    QCOMPARE(modeOf(store.keyPath()), 0600u);
    QCOMPARE(modeOf(store.certificatePath()), 0644u);
    QVERIFY(contents(store.keyPath()).startsWith("-----BEGIN PRIVATE KEY-----"));
    QVERIFY(contents(store.certificatePath()).startsWith("-----BEGIN CERTIFICATE-----"));
    QVERIFY(!contents(store.certificatePath()).contains("PRIVATE"));
    QCOMPARE(QDir(m_dir).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot),
             (QStringList{u"spyglass-ca.key"_s, u"spyglass-ca.pem"_s}));
    QVERIFY(store.permissionProblems().isEmpty());
}

void TestCaStore::createsPrivateFilesUnderPermissiveUmask() {
    const mode_t old = ::umask(0);
    CaStore store(m_dir);
    auto loaded = store.loadOrCreate(m_clock, {});
    ::umask(old);
    QVERIFY(loaded.ok());
    QCOMPARE(modeOf(m_dir), 0700u);
    QCOMPARE(modeOf(store.keyPath()), 0600u);
}

void TestCaStore::reloadsTheSameCa() {
    CaStore store(m_dir);
    auto first = store.loadOrCreate(m_clock, {});
    QVERIFY(first.ok());
    auto second = store.loadOrCreate(m_clock, {});
    QVERIFY2(second.ok(), qPrintable(second.ok() ? QString() : second.errorMessage()));
    QVERIFY(!second->created);
    QCOMPARE(second->ca.fingerprintSha256(), first->ca.fingerprintSha256());
    QCOMPARE(EVP_PKEY_eq(second->ca.privateKey(), first->ca.privateKey()), 1);
    QVERIFY(second->warnings.isEmpty());
}

void TestCaStore::refusesWrongPermissions_data() {
    QTest::addColumn<bool>("directory");
    QTest::addColumn<int>("mode");
    QTest::addColumn<QString>("expected");
    QTest::newRow("key world-readable") << false << 0644 << u"0644; it must be 0600"_s;
    QTest::newRow("key group-readable") << false << 0640 << u"chmod 600"_s;
    QTest::newRow("dir world-readable") << true << 0755 << u"0755; it must be 0700"_s;
    QTest::newRow("dir group-writable") << true << 0770 << u"chmod 700"_s;
}

void TestCaStore::refusesWrongPermissions() {
    QFETCH(bool, directory);
    QFETCH(int, mode);
    QFETCH(QString, expected);
    CaStore store(m_dir);
    QVERIFY(store.loadOrCreate(m_clock, {}).ok());
    const QString path = directory ? m_dir : store.keyPath();
    chmodOrFail(path, static_cast<mode_t>(mode));
    auto loaded = store.load(m_clock);
    QVERIFY(!loaded.ok());
    QVERIFY2(loaded.errorMessage().contains(expected), qPrintable(loaded.errorMessage()));
    QVERIFY(loaded.errorMessage().contains(path));
    QVERIFY(loaded.errorMessage().contains(u"--fix-permissions"_s));
    // loadOrCreate refuses too; it never replaces an existing CA.
    QVERIFY(!store.loadOrCreate(m_clock, {}).ok());
}

void TestCaStore::refusesForeignOwner() {
    CaStore store(m_dir);
    QVERIFY(store.loadOrCreate(m_clock, {}).ok());
    if (::geteuid() != 0)
        QSKIP("changing a file's owner needs root");
    QCOMPARE(::chown(QFile::encodeName(store.keyPath()).constData(), 65534, 65534), 0);
    auto loaded = store.load(m_clock);
    QVERIFY(!loaded.ok());
    QVERIFY2(loaded.errorMessage().contains(u"owned by uid 65534"_s),
             qPrintable(loaded.errorMessage()));
    QVERIFY(loaded.errorMessage().contains(u"chown"_s));
}

void TestCaStore::refusesSymlinkedKey() {
    CaStore store(m_dir);
    QVERIFY(store.loadOrCreate(m_clock, {}).ok());
    const QString elsewhere = m_tmp->filePath(u"stolen.key"_s);
    QVERIFY(QFile::rename(store.keyPath(), elsewhere));
    QVERIFY(QFile::link(elsewhere, store.keyPath()));
    auto loaded = store.load(m_clock);
    QVERIFY(!loaded.ok());
    QVERIFY2(loaded.errorMessage().contains(u"not a regular file"_s),
             qPrintable(loaded.errorMessage()));
}

void TestCaStore::fixPermissions() {
    CaStore store(m_dir);
    QVERIFY(store.loadOrCreate(m_clock, {}).ok());
    chmodOrFail(store.keyPath(), 0644);
    chmodOrFail(m_dir, 0755);
    QCOMPARE(store.permissionProblems().size(), 2);
    auto fixed = store.fixPermissions();
    QVERIFY(fixed.ok());
    QCOMPARE(fixed->size(), 2);
    QCOMPARE(modeOf(m_dir), 0700u);
    QCOMPARE(modeOf(store.keyPath()), 0600u);
    QVERIFY(store.load(m_clock).ok());
}

void TestCaStore::certificateOnlyLoadIgnoresKeyMode() {
    CaStore store(m_dir);
    auto created = store.loadOrCreate(m_clock, {});
    QVERIFY(created.ok());
    chmodOrFail(store.keyPath(), 0644);
    auto cert = store.loadCertificate();
    QVERIFY(cert.ok());
    QCOMPARE(X509Codec::sha256Fingerprint(cert->get()), created->ca.fingerprintSha256());
}

void TestCaStore::incompleteIsReportedNotRepaired() {
    CaStore store(m_dir);
    QVERIFY(store.loadOrCreate(m_clock, {}).ok());
    const QByteArray key = contents(store.keyPath());
    QVERIFY(QFile::remove(store.certificatePath()));
    QCOMPARE(store.state(), CaStore::State::Incomplete);
    auto loaded = store.loadOrCreate(m_clock, {});
    QVERIFY(!loaded.ok());
    QVERIFY2(loaded.errorMessage().contains(store.certificatePath()),
             qPrintable(loaded.errorMessage()));
    QVERIFY(loaded.errorMessage().contains(u"ca regenerate"_s));
    QCOMPARE(contents(store.keyPath()), key); // untouched
}

void TestCaStore::mismatchedKeyRefused() {
    CaStore store(m_dir);
    QVERIFY(store.loadOrCreate(m_clock, {}).ok());
    CaStore other(m_tmp->filePath(u"other"_s));
    QVERIFY(other.loadOrCreate(m_clock, {}).ok());
    QVERIFY(SecureFile::writeAtomically(store.keyPath(), contents(other.keyPath()), 0600).ok());
    auto loaded = store.load(m_clock);
    QVERIFY(!loaded.ok());
    QVERIFY2(loaded.errorMessage().contains(u"does not belong"_s),
             qPrintable(loaded.errorMessage()));
}

void TestCaStore::createNewReplaces() {
    CaStore store(m_dir);
    auto first = store.loadOrCreate(m_clock, {});
    QVERIFY(first.ok());
    const QByteArray oldKey = contents(store.keyPath());
    CertificateAuthority::Options rsa;
    rsa.algorithm = KeyAlgorithm::Rsa2048;
    auto second = store.createNew(m_clock, rsa);
    QVERIFY(second.ok());
    QVERIFY(second->created);
    QVERIFY(second->ca.fingerprintSha256() != first->ca.fingerprintSha256());
    QVERIFY(contents(store.keyPath()) != oldKey);
    QCOMPARE(modeOf(store.keyPath()), 0600u);
    auto reloaded = store.load(m_clock);
    QVERIFY(reloaded.ok());
    QCOMPARE(reloaded->ca.fingerprintSha256(), second->ca.fingerprintSha256());
    QCOMPARE(reloaded->ca.keyAlgorithm(), std::optional(KeyAlgorithm::Rsa2048));
    QVERIFY(store.removeFiles().ok());
    QCOMPARE(store.state(), CaStore::State::Missing);
}

void TestCaStore::expiryWarnings() {
    CaStore store(m_dir);
    auto created = store.loadOrCreate(m_clock, {});
    QVERIFY(created.ok());
    const auto end = std::chrono::system_clock::time_point(
        std::chrono::seconds(created->ca.notAfter().toSecsSinceEpoch()));
    FakeClock later(end - std::chrono::days(31));
    auto quiet = store.load(later);
    QVERIFY(quiet.ok());
    QVERIFY(quiet->warnings.isEmpty());
    later.set(end - std::chrono::days(29));
    auto soon = store.load(later);
    QVERIFY(soon.ok());
    QCOMPARE(soon->warnings.size(), 1);
    QVERIFY2(soon->warnings.first().contains(u"less than 30 days"_s),
             qPrintable(soon->warnings.first()));
    later.set(end + std::chrono::hours(1));
    auto expired = store.load(later);
    QVERIFY(expired.ok());
    QVERIFY(expired->warnings.first().contains(u"expired"_s));
    QVERIFY(expired->warnings.first().contains(u"ca regenerate"_s));
}

// check() is what a proxy reports at start before it loads the key on first
// use: the same refusals and warnings as load(), but the key is not read.
void TestCaStore::checkAgreesWithLoadWithoutTheKey() {
    CaStore store(m_dir);
    QVERIFY(!store.check(m_clock).ok()); // missing
    auto created = store.loadOrCreate(m_clock, {});
    QVERIFY(created.ok());
    auto fine = store.check(m_clock);
    QVERIFY2(fine.ok(), qPrintable(fine.ok() ? QString() : fine.errorMessage()));
    QVERIFY(fine.value().isEmpty());

    const auto end = std::chrono::system_clock::time_point(
        std::chrono::seconds(created->ca.notAfter().toSecsSinceEpoch()));
    for (const auto at :
         {end - std::chrono::days(31), end - std::chrono::days(29), end + std::chrono::hours(1)}) {
        FakeClock clock(at);
        auto checked = store.check(clock);
        auto loaded = store.load(clock);
        QVERIFY(checked.ok() && loaded.ok());
        QCOMPARE(checked.value(), loaded->warnings);
    }

    // A key that is no key passes check() (it is not read) but not load().
    QVERIFY(SecureFile::writeAtomically(store.keyPath(), "garbage", 0600).ok());
    QVERIFY(store.check(m_clock).ok());
    QVERIFY(!store.load(m_clock).ok());

    chmodOrFail(store.keyPath(), 0644);
    auto exposed = store.check(m_clock);
    QVERIFY(!exposed.ok());
    QVERIFY2(exposed.errorMessage().contains(store.keyPath()), qPrintable(exposed.errorMessage()));
    chmodOrFail(store.keyPath(), 0600);

    QVERIFY(SecureFile::writeAtomically(store.certificatePath(), "not a certificate", 0644).ok());
    auto broken = store.check(m_clock);
    QVERIFY(!broken.ok());
    QVERIFY2(broken.errorMessage().contains(store.certificatePath()) &&
                 broken.errorMessage().contains(u"ca regenerate"_s),
             qPrintable(broken.errorMessage()));

    QVERIFY(QFile::remove(store.certificatePath()));
    auto incomplete = store.check(m_clock);
    QVERIFY(!incomplete.ok());
    QVERIFY(incomplete.errorMessage().contains(u"incomplete"_s));
}

QTEST_GUILESS_MAIN(TestCaStore)
#include "tst_CaStore.moc"
