// `spyglass-cli ca ...` end to end with every trust store redirected into a
// temporary root: the system anchor directory, its bundle and update command
// (a script that rebuilds the bundle from the anchors, as
// update-ca-certificates does), and HOME for the NSS databases, which the
// real certutil changes.

#include "app/ca/CaCommand.h"
#include "app/ca/InstallRecord.h"
#include "app/ca/NssTrustStore.h"
#include "certs/SecureFile.h"
#include "certs/X509Codec.h"

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <openssl/pkcs12.h>
#include <sys/stat.h>

using namespace Qt::StringLiterals;
using namespace spyglass;

namespace {

struct Cli {
    int code = -1;
    QString out;
    QString err;
};

Cli ca(const QStringList& args) {
    QString out;
    QString err;
    QTextStream o(&out);
    QTextStream e(&err);
    Cli r;
    r.code = app::runCaCommand(args, o, e);
    o.flush();
    e.flush();
    r.out = out;
    r.err = err;
    return r;
}

QString dump(const Cli& r) {
    return u"exit %1\n--- out:\n%2--- err:\n%3"_s.arg(r.code).arg(r.out, r.err);
}

QByteArray readAll(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

bool nssHas(const QString& db, const QString& nick) {
    QProcess p;
    p.start(QStringLiteral(SPYGLASS_CERTUTIL), {u"-L"_s, u"-d"_s, u"sql:"_s + db, u"-n"_s, nick});
    return p.waitForFinished(30000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
}

} // namespace

class TestCaCommand : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void usageErrors_data();
    void usageErrors();
    void showBeforeFirstUse();
    void exportFormats_data();
    void exportFormats();
    void exportNeedsOutAndFormat();
    void installIntoEveryStoreThenUninstall();
    void installExplicitSystemFailsWithoutAnchorDir();
    void failedUpdateRollsBack();
    void regenerateRemovesOldFromStores();
    void refusesWrongPermissionsAndFixes();
    void mintWritesVerifiableLeaf();
    void mintRejectsWildcard();
    void defaultDirectoryFromEnvironment();

private:
    QString caDir() const { return m_tmp->filePath(u"ca"_s); }
    QStringList dirArgs() const { return {u"--ca-dir"_s, caDir()}; }
    QString anchorDir() const { return m_tmp->filePath(u"anchors"_s); }
    QString bundle() const { return m_tmp->filePath(u"bundle.crt"_s); }
    QString home() const { return m_tmp->filePath(u"home"_s); }
    QByteArray currentSha256() const;

    std::unique_ptr<QTemporaryDir> m_tmp;
    QByteArray m_savedHome;
};

void TestCaCommand::init() {
    m_tmp = std::make_unique<QTemporaryDir>();
    QVERIFY(m_tmp->isValid());
    QVERIFY(QDir().mkpath(anchorDir()));
    QVERIFY(QDir().mkpath(home()));
    const QString script = m_tmp->filePath(u"update.sh"_s);
    const QByteArray body = "#!/bin/sh\nset -e\ncat /dev/null > '" + QFile::encodeName(bundle()) +
                            "'\nfor f in '" + QFile::encodeName(anchorDir()) +
                            "'/*.crt; do [ -e \"$f\" ] && cat \"$f\" >> '" +
                            QFile::encodeName(bundle()) + "'; done\necho '1 added, 0 removed'\n";
    QVERIFY(certs::SecureFile::writeAtomically(script, body, 0755).ok());
    m_savedHome = qgetenv("HOME");
    qputenv("HOME", QFile::encodeName(home()));
    qputenv("SPYGLASS_SYSTEM_ANCHOR_DIR", QFile::encodeName(anchorDir()));
    qputenv("SPYGLASS_SYSTEM_BUNDLE", QFile::encodeName(bundle()));
    qputenv("SPYGLASS_SYSTEM_UPDATE_COMMAND", QFile::encodeName(script));
    qputenv("SPYGLASS_CERTUTIL", SPYGLASS_CERTUTIL);
    qunsetenv("SPYGLASS_CA_DIR");
}

void TestCaCommand::cleanup() {
    qputenv("HOME", m_savedHome);
    for (const char* v : {"SPYGLASS_SYSTEM_ANCHOR_DIR", "SPYGLASS_SYSTEM_BUNDLE",
                          "SPYGLASS_SYSTEM_UPDATE_COMMAND", "SPYGLASS_CERTUTIL", "SPYGLASS_CA_DIR"})
        qunsetenv(v);
    m_tmp.reset();
}

QByteArray TestCaCommand::currentSha256() const {
    auto cert = certs::X509Codec::certificateFromPem(readAll(caDir() + u"/spyglass-ca.pem"_s));
    return cert.ok() ? certs::X509Codec::sha256Fingerprint(cert->get()) : QByteArray();
}

void TestCaCommand::usageErrors_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    QTest::newRow("no command") << QStringList() << u"usage:"_s;
    QTest::newRow("unknown command") << QStringList{u"frobnicate"_s} << u"unknown command"_s;
    QTest::newRow("unknown option") << QStringList{u"show"_s, u"--bogus"_s} << u"bogus"_s;
    QTest::newRow("bad key type") << QStringList{u"regenerate"_s, u"--key-type"_s, u"dsa"_s}
                                  << u"--key-type"_s;
    QTest::newRow("mint without host") << QStringList{u"mint"_s} << u"unexpected"_s;
}

void TestCaCommand::usageErrors() {
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    const Cli r = ca(args + dirArgs());
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains(message), qPrintable(dump(r)));
    QVERIFY(!QFileInfo::exists(caDir())); // nothing created
}

void TestCaCommand::showBeforeFirstUse() {
    const Cli r = ca(QStringList{u"show"_s} + dirArgs());
    QCOMPARE(r.code, 0);
    QVERIFY2(r.out.contains(u"No CA yet"_s), qPrintable(dump(r)));
    QVERIFY(!QFileInfo::exists(caDir()));
}

void TestCaCommand::exportFormats_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("format");
    QTest::newRow("pem by name") << u"ca.pem"_s << QString();
    QTest::newRow("crt by name") << u"ca.crt"_s << QString();
    QTest::newRow("der by name") << u"ca.cer"_s << QString();
    QTest::newRow("p12 by name") << u"ca.p12"_s << QString();
    QTest::newRow("der by option") << u"ca.bin"_s << u"der"_s;
    QTest::newRow("p12 by option") << u"ca.bin"_s << u"p12"_s;
}

void TestCaCommand::exportFormats() {
    QFETCH(QString, file);
    QFETCH(QString, format);
    const QString out = m_tmp->filePath(file);
    QStringList args{u"export"_s, u"--out"_s, out};
    if (!format.isEmpty())
        args << u"--format"_s << format;
    const Cli r = ca(args + dirArgs());
    QVERIFY2(r.code == 0, qPrintable(dump(r)));
    QVERIFY(r.out.contains(u"Created a new Spyglass CA"_s)); // first use
    const QByteArray sha = currentSha256();
    QVERIFY(r.out.contains(certs::X509Codec::formatFingerprint(sha)));
    const QByteArray bytes = readAll(out);
    QVERIFY(!bytes.contains("PRIVATE KEY"));
    // Round-trip with the openssl CLI, which knows nothing of Spyglass.
    const QString kind = format.isEmpty() ? QFileInfo(file).suffix() : format;
    QStringList check;
    if (kind == u"p12"_s)
        check = {u"pkcs12"_s, u"-in"_s, out, u"-passin"_s, u"pass:"_s, u"-nokeys"_s};
    else
        check = {u"x509"_s, u"-in"_s, out, u"-inform"_s,
                 (kind == u"pem"_s || kind == u"crt"_s) ? u"PEM"_s : u"DER"_s};
    QProcess p;
    p.start(QStringLiteral(SPYGLASS_OPENSSL), check);
    QVERIFY(p.waitForFinished(30000));
    const QByteArray pem = p.readAllStandardOutput();
    QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
    QVERIFY(!pem.contains("PRIVATE KEY"));
    auto cert = certs::X509Codec::certificateFromPem(pem.mid(pem.indexOf("-----BEGIN")));
    QVERIFY(cert.ok());
    QCOMPARE(certs::X509Codec::sha256Fingerprint(cert->get()), sha);
}

void TestCaCommand::exportNeedsOutAndFormat() {
    Cli r = ca(QStringList{u"export"_s} + dirArgs());
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains(u"--out FILE"_s), qPrintable(dump(r)));
    r = ca(QStringList{u"export"_s, u"--out"_s, m_tmp->filePath(u"ca.txt"_s)} + dirArgs());
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains(u"--format pem|der|p12"_s), qPrintable(dump(r)));
    r = ca(QStringList{u"export"_s, u"--format"_s, u"jks"_s, u"--out"_s,
                       m_tmp->filePath(u"ca.jks"_s)} +
           dirArgs());
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains(u"unknown format"_s), qPrintable(dump(r)));
}

void TestCaCommand::installIntoEveryStoreThenUninstall() {
    // A Firefox profile that already has a database, as Firefox leaves it.
    const QString profile = home() + u"/.mozilla/firefox/abcd1234.default-release"_s;
    QVERIFY(QDir().mkpath(profile));
    QProcess mk;
    mk.start(QStringLiteral(SPYGLASS_CERTUTIL),
             {u"-N"_s, u"-d"_s, u"sql:"_s + profile, u"--empty-password"_s});
    QVERIFY(mk.waitForFinished(30000) && mk.exitCode() == 0);

    Cli r = ca(QStringList{u"install"_s} + dirArgs());
    QVERIFY2(r.code == 0, qPrintable(dump(r)));
    const QByteArray sha = currentSha256();
    const QString nick = app::NssTrustStore::nickname(sha);
    const QString anchor =
        anchorDir() + u"/spyglass-ca-"_s + QString::fromLatin1(sha.left(8).toHex()) + u".crt"_s;
    // Exactly what changed is reported.
    QVERIFY2(r.out.contains(u"added "_s + anchor), qPrintable(dump(r)));
    QVERIFY(r.out.contains(u"ran `"_s));
    QVERIFY(r.out.contains(u"created NSS database "_s + home() + u"/.pki/nssdb"_s));
    QVERIFY(r.out.contains(u"added \""_s + nick + u"\" (trust C,,) to "_s + profile));
    // And the stores really hold it.
    QVERIFY(QFileInfo::exists(anchor));
    QVERIFY(readAll(bundle()).contains(readAll(anchor).trimmed()));
    QVERIFY(nssHas(home() + u"/.pki/nssdb"_s, nick));
    QVERIFY(nssHas(profile, nick));
    auto record = app::InstallRecord::load(caDir());
    QVERIFY(record.ok());
    QCOMPARE(record->entries().size(), std::size_t(3));

    r = ca(QStringList{u"show"_s} + dirArgs());
    QVERIFY2(r.code == 0, qPrintable(dump(r)));
    QCOMPARE(r.out.count(u"  yes  "_s), 3);
    QVERIFY(r.out.contains(certs::X509Codec::formatFingerprint(sha)));

    r = ca(QStringList{u"install"_s} + dirArgs()); // idempotent
    QVERIFY2(r.code == 0, qPrintable(dump(r)));
    QVERIFY(r.out.contains(u"Nothing changed."_s));
    QCOMPARE(r.out.count(u"already trusted"_s), 3);

    r = ca(QStringList{u"uninstall"_s} + dirArgs());
    QVERIFY2(r.code == 0, qPrintable(dump(r)));
    QVERIFY(r.out.contains(u"removed "_s + anchor));
    QVERIFY(r.out.contains(u"removed \""_s + nick + u"\" from "_s + profile));
    QVERIFY(!QFileInfo::exists(anchor));
    QVERIFY(!readAll(bundle()).contains("BEGIN CERTIFICATE"));
    QVERIFY(!nssHas(home() + u"/.pki/nssdb"_s, nick));
    QVERIFY(!nssHas(profile, nick));
    record = app::InstallRecord::load(caDir());
    QVERIFY(record.ok());
    QCOMPARE(record->entries().size(), std::size_t(0));
    r = ca(QStringList{u"show"_s} + dirArgs());
    QCOMPARE(r.out.count(u"  yes  "_s), 0);
}

void TestCaCommand::installExplicitSystemFailsWithoutAnchorDir() {
    qputenv("SPYGLASS_SYSTEM_ANCHOR_DIR", QFile::encodeName(m_tmp->filePath(u"nope"_s)));
    const Cli r = ca(QStringList{u"install"_s, u"--system"_s} + dirArgs());
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains(u"does not exist"_s), qPrintable(dump(r)));
    QVERIFY(r.out.contains(u"Manual steps"_s));
    QVERIFY(!QFileInfo::exists(home() + u"/.pki"_s)); // --system only: NSS untouched
}

void TestCaCommand::failedUpdateRollsBack() {
    qputenv("SPYGLASS_SYSTEM_UPDATE_COMMAND", "false");
    const Cli r = ca(QStringList{u"install"_s, u"--system"_s} + dirArgs());
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains(u"failed (exit 1)"_s), qPrintable(dump(r)));
    QVERIFY(r.err.contains(u"Removed "_s));
    QCOMPARE(QDir(anchorDir()).entryList(QDir::Files), QStringList());
}

void TestCaCommand::regenerateRemovesOldFromStores() {
    Cli r = ca(QStringList{u"install"_s} + dirArgs());
    QVERIFY2(r.code == 0, qPrintable(dump(r)));
    const QByteArray oldSha = currentSha256();
    const QString oldNick = app::NssTrustStore::nickname(oldSha);
    QVERIFY(nssHas(home() + u"/.pki/nssdb"_s, oldNick));

    r = ca(QStringList{u"regenerate"_s, u"--key-type"_s, u"rsa"_s} + dirArgs());
    QVERIFY2(r.code == 0, qPrintable(dump(r)));
    const QByteArray newSha = currentSha256();
    QVERIFY(newSha != oldSha);
    QVERIFY(r.out.contains(u"removed \""_s + oldNick));
    QVERIFY(r.out.contains(u"Created a new Spyglass CA"_s));
    QVERIFY(r.out.contains(u"not trusted anywhere yet"_s));
    QVERIFY(!nssHas(home() + u"/.pki/nssdb"_s, oldNick));
    QCOMPARE(QDir(anchorDir()).entryList(QDir::Files), QStringList());
    auto record = app::InstallRecord::load(caDir());
    QVERIFY(record.ok());
    QCOMPARE(record->entries().size(), std::size_t(0));
    r = ca(QStringList{u"show"_s} + dirArgs());
    QVERIFY2(r.out.contains(u"rsa-3072"_s), qPrintable(dump(r)));
}

void TestCaCommand::refusesWrongPermissionsAndFixes() {
    QVERIFY(
        ca(QStringList{u"export"_s, u"--out"_s, m_tmp->filePath(u"x.pem"_s)} + dirArgs()).code ==
        0);
    const QString key = caDir() + u"/spyglass-ca.key"_s;
    QCOMPARE(::chmod(QFile::encodeName(key).constData(), 0644), 0);
    Cli r = ca(QStringList{u"mint"_s, u"example.com"_s, u"--out"_s, m_tmp->filePath(u"l.pem"_s)} +
               dirArgs());
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains(key) && r.err.contains(u"chmod 600"_s), qPrintable(dump(r)));
    r = ca(QStringList{u"show"_s} + dirArgs());
    QCOMPARE(r.code, 1);
    QVERIFY(r.err.contains(u"--fix-permissions"_s));
    r = ca(QStringList{u"show"_s, u"--fix-permissions"_s} + dirArgs());
    QVERIFY2(r.code == 0, qPrintable(dump(r)));
    QVERIFY(r.out.contains(u"Fixed: chmod 0644 -> 0600: "_s + key));
    r = ca(QStringList{u"mint"_s, u"example.com"_s, u"--out"_s, m_tmp->filePath(u"l.pem"_s)} +
           dirArgs());
    QVERIFY2(r.code == 0, qPrintable(dump(r)));
}

void TestCaCommand::mintWritesVerifiableLeaf() {
    const QString leaf = m_tmp->filePath(u"leaf.pem"_s);
    const QString key = m_tmp->filePath(u"leaf.key"_s);
    Cli r = ca(QStringList{u"mint"_s, u"Bücher.Example"_s, u"--out"_s, leaf, u"--key-out"_s, key} +
               dirArgs());
    QVERIFY2(r.code == 0, qPrintable(dump(r)));
    QVERIFY(r.out.contains(u"xn--bcher-kva.example"_s));
    struct stat st = {};
    QCOMPARE(::stat(QFile::encodeName(key).constData(), &st), 0);
    QCOMPARE(st.st_mode & 0777, 0600u);
    QVERIFY(readAll(leaf).count("BEGIN CERTIFICATE") == 2);
    QProcess p;
    p.start(QStringLiteral(SPYGLASS_OPENSSL),
            {u"verify"_s, u"-x509_strict"_s, u"-purpose"_s, u"sslserver"_s, u"-CAfile"_s,
             caDir() + u"/spyglass-ca.pem"_s, u"-verify_hostname"_s, u"xn--bcher-kva.example"_s,
             leaf});
    QVERIFY(p.waitForFinished(30000));
    QVERIFY2(p.exitCode() == 0, p.readAll().constData());
    // The key written is the leaf's, not the CA's.
    QProcess m;
    m.start(QStringLiteral(SPYGLASS_OPENSSL),
            {u"x509"_s, u"-in"_s, leaf, u"-noout"_s, u"-pubkey"_s});
    QVERIFY(m.waitForFinished(30000));
    QProcess k;
    k.start(QStringLiteral(SPYGLASS_OPENSSL), {u"pkey"_s, u"-in"_s, key, u"-pubout"_s});
    QVERIFY(k.waitForFinished(30000));
    QCOMPARE(m.readAllStandardOutput(), k.readAllStandardOutput());
}

void TestCaCommand::mintRejectsWildcard() {
    const Cli r =
        ca(QStringList{u"mint"_s, u"*.example.com"_s, u"--out"_s, m_tmp->filePath(u"w.pem"_s)} +
           dirArgs());
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains(u"wildcard"_s), qPrintable(dump(r)));
    QVERIFY(!QFileInfo::exists(m_tmp->filePath(u"w.pem"_s)));
}

void TestCaCommand::defaultDirectoryFromEnvironment() {
    // No --ca-dir: SPYGLASS_CA_DIR wins over the AppDataLocation default.
    qputenv("SPYGLASS_CA_DIR", QFile::encodeName(m_tmp->filePath(u"envca"_s)));
    Cli r = ca({u"export"_s, u"--out"_s, m_tmp->filePath(u"e.pem"_s)});
    QVERIFY2(r.code == 0, qPrintable(dump(r)));
    QVERIFY(QFileInfo::exists(m_tmp->filePath(u"envca/spyglass-ca.key"_s)));
    // Without either, the driver (applicationName "Spyglass") uses
    // $HOME/.local/share/Spyglass/ca; HOME is the temporary one here.
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(u"SPYGLASS_CA_DIR"_s);
    env.remove(u"XDG_DATA_HOME"_s);
    env.insert(u"HOME"_s, home());
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(SPYGLASS_CA_CLI), {u"show"_s});
    QVERIFY(p.waitForFinished(30000));
    QCOMPARE(p.exitCode(), 0);
    QVERIFY2(QString::fromUtf8(p.readAllStandardOutput())
                 .contains(home() + u"/.local/share/Spyglass/ca"_s),
             "default CA directory not under $HOME/.local/share/Spyglass/ca");
}

QTEST_GUILESS_MAIN(TestCaCommand)
#include "tst_CaCommand.moc"
