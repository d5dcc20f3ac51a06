// Hands minted certificates to real, strict verifiers: `openssl verify
// -x509_strict` and Python's ssl module over a loopback TLS handshake, both
// trusting only the exported Spyglass CA.

#include "certs/CertificateAuthority.h"
#include "certs/LeafMinter.h"
#include "certs/SecureFile.h"
#include "certs/SystemClock.h"
#include "certs/X509Codec.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace spyglass::certs;

namespace {

struct Run {
    int exitCode = -1;
    QString output;
};

Run run(const QString& program, const QStringList& args, int timeoutMs = 60000) {
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(program, args);
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished(5000);
        return {-1, u"timed out: "_s + program + u' ' + args.join(u' ')};
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
            QString::fromUtf8(p.readAll())};
}

} // namespace

class TestLeafInterop : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void opensslVerifyAccepts_data();
    void opensslVerifyAccepts();
    void opensslVerifyRejectsOtherName();
    void opensslVerifyRejectsOtherCa();
    void wildcardLookingInputRejected_data();
    void wildcardLookingInputRejected();
    void pythonSslAccepts();
    void pythonSslRejectsMismatchAndStrangers();

private:
    QString writeLeaf(const QString& host, bool chain);

    QTemporaryDir m_tmp;
    SystemClock m_clock; // real time: the verifiers check validity against it
    std::optional<CertificateAuthority> m_ca;
    std::shared_ptr<const LeafMinter> m_minter;
    QString m_caPem;
    QString m_keyPem;
    int m_files = 0;
};

void TestLeafInterop::initTestCase() {
    QVERIFY(m_tmp.isValid());
    auto ca = CertificateAuthority::create({}, m_clock);
    QVERIFY(ca.ok());
    m_ca.emplace(std::move(ca).value());
    auto minter = LeafMinter::create(*m_ca);
    QVERIFY(minter.ok());
    m_minter = minter.value();
    m_caPem = m_tmp.filePath(u"ca.pem"_s);
    auto pem = m_ca->exportCertificate(CertificateAuthority::ExportFormat::Pem);
    QVERIFY(pem.ok());
    QVERIFY(SecureFile::writeAtomically(m_caPem, pem.value(), 0644).ok());
    m_keyPem = m_tmp.filePath(u"leaf.key"_s);
    auto key = X509Codec::privateKeyToPem(m_minter->leafKey());
    QVERIFY(key.ok());
    QVERIFY(SecureFile::writeAtomically(m_keyPem, key.value(), 0600).ok());
}

QString TestLeafInterop::writeLeaf(const QString& host, bool chain) {
    auto leaf = m_minter->mint(host, m_clock.now());
    if (!leaf.ok()) {
        qWarning() << leaf.errorMessage();
        return {};
    }
    auto pem =
        chain ? leaf.value()->chainPem() : X509Codec::certificateToPem(leaf.value()->certificate());
    const QString path = m_tmp.filePath(u"leaf-%1.pem"_s.arg(++m_files));
    if (!pem.ok() || !SecureFile::writeAtomically(path, pem.value(), 0644).ok())
        return {};
    return path;
}

void TestLeafInterop::opensslVerifyAccepts_data() {
    QTest::addColumn<QString>("host");
    QTest::addColumn<QString>("checkArg");
    QTest::addColumn<QString>("checkValue");
    QTest::newRow("dns") << u"www.example.com"_s << u"-verify_hostname"_s << u"www.example.com"_s;
    QTest::newRow("dns mixed case")
        << u"API.Example.com"_s << u"-verify_hostname"_s << u"api.example.com"_s;
    QTest::newRow("idn") << u"bücher.example"_s << u"-verify_hostname"_s
                         << u"xn--bcher-kva.example"_s;
    QTest::newRow("idn cjk") << u"例え.テスト"_s << u"-verify_hostname"_s
                             << u"xn--r8jz45g.xn--zckzah"_s;
    QTest::newRow("ipv4") << u"192.0.2.7"_s << u"-verify_ip"_s << u"192.0.2.7"_s;
    QTest::newRow("ipv6") << u"2001:db8::7"_s << u"-verify_ip"_s << u"2001:db8::7"_s;
    QTest::newRow("ipv6 loopback") << u"[::1]"_s << u"-verify_ip"_s << u"::1"_s;
    const QString label63 = QString(63, u'a');
    const QString name64 = QString(59, u'b') + u".test"_s;
    const QString name65 = QString(60, u'c') + u".test"_s;
    const QString name253 = QString(QString(62, u'd') + u'.').repeated(3) + QString(63, u'e');
    QTest::newRow("63 characters") << label63 << u"-verify_hostname"_s << label63;
    QTest::newRow("64 characters") << name64 << u"-verify_hostname"_s << name64;
    QTest::newRow("65 characters (no CN)") << name65 << u"-verify_hostname"_s << name65;
    QTest::newRow("253 characters (no CN)") << name253 << u"-verify_hostname"_s << name253;
}

void TestLeafInterop::opensslVerifyAccepts() {
    QFETCH(QString, host);
    QFETCH(QString, checkArg);
    QFETCH(QString, checkValue);
    const QString leaf = writeLeaf(host, false);
    QVERIFY(!leaf.isEmpty());
    // -x509_strict adds RFC 5280 checks (AKI/SKI presence, critical
    // basicConstraints on the CA, no explicit EC parameters, ...);
    // -purpose sslserver demands EKU serverAuth and a matching KeyUsage.
    const Run r = run(QStringLiteral(SPYGLASS_OPENSSL),
                      {u"verify"_s, u"-x509_strict"_s, u"-purpose"_s, u"sslserver"_s, u"-CAfile"_s,
                       m_caPem, checkArg, checkValue, leaf});
    QVERIFY2(r.exitCode == 0, qPrintable(r.output));
    QVERIFY2(r.output.contains(leaf + u": OK"_s), qPrintable(r.output));
}

void TestLeafInterop::opensslVerifyRejectsOtherName() {
    const QString leaf = writeLeaf(u"one.example"_s, false);
    const Run r =
        run(QStringLiteral(SPYGLASS_OPENSSL),
            {u"verify"_s, u"-CAfile"_s, m_caPem, u"-verify_hostname"_s, u"two.example"_s, leaf});
    QVERIFY2(r.exitCode != 0, qPrintable(r.output));
    QVERIFY2(r.output.contains(u"hostname mismatch"_s), qPrintable(r.output));
}

void TestLeafInterop::opensslVerifyRejectsOtherCa() {
    auto stranger = CertificateAuthority::create({}, m_clock);
    QVERIFY(stranger.ok());
    const QString strangerPem = m_tmp.filePath(u"stranger.pem"_s);
    auto pem = stranger->exportCertificate(CertificateAuthority::ExportFormat::Pem);
    QVERIFY(pem.ok());
    QVERIFY(SecureFile::writeAtomically(strangerPem, pem.value(), 0644).ok());
    const QString leaf = writeLeaf(u"one.example"_s, false);
    const Run r =
        run(QStringLiteral(SPYGLASS_OPENSSL), {u"verify"_s, u"-CAfile"_s, strangerPem, leaf});
    QVERIFY2(r.exitCode != 0, qPrintable(r.output));
}

void TestLeafInterop::wildcardLookingInputRejected_data() {
    QTest::addColumn<QString>("host");
    QTest::newRow("*.example.com") << u"*.example.com"_s;
    QTest::newRow("*") << u"*"_s;
    QTest::newRow("w*.example.com") << u"w*.example.com"_s;
    QTest::newRow("a.*.example.com") << u"a.*.example.com"_s;
}

void TestLeafInterop::wildcardLookingInputRejected() {
    QFETCH(QString, host);
    auto leaf = m_minter->mint(host, m_clock.now());
    QVERIFY(!leaf.ok());
    QVERIFY2(leaf.errorMessage().contains(u"wildcard"_s), qPrintable(leaf.errorMessage()));
}

void TestLeafInterop::pythonSslAccepts() {
    QStringList args{
        QStringLiteral(SPYGLASS_TLS_CHECK), u"verify"_s, u"--ca"_s, m_caPem, u"--key"_s, m_keyPem};
    // Names a loopback server can stand for; the client connects to 127.0.0.1
    // and checks the certificate against the name it asked for.
    const QStringList names{u"localhost"_s,
                            u"spyglass.localhost"_s,
                            u"bücher.localhost"_s,
                            QString(63, u'a') + u".localhost"_s,
                            QString(60, u'l') + u".localhost"_s,
                            u"127.0.0.1"_s,
                            u"::1"_s};
    for (const QString& name : names) {
        const QString chain = writeLeaf(name, true);
        QVERIFY(!chain.isEmpty());
        args << name + u'=' + chain;
    }
    const Run r = run(QStringLiteral(SPYGLASS_PYTHON), args);
    QVERIFY2(r.exitCode == 0, qPrintable(r.output));
    QCOMPARE(r.output.count(u"OK "_s), names.size());
}

void TestLeafInterop::pythonSslRejectsMismatchAndStrangers() {
    // A leaf for one name offered for another must fail the hostname check.
    const QString chain = writeLeaf(u"right.localhost"_s, true);
    const Run mismatch =
        run(QStringLiteral(SPYGLASS_PYTHON),
            {QStringLiteral(SPYGLASS_TLS_CHECK), u"verify"_s, u"--ca"_s, m_caPem, u"--key"_s,
             m_keyPem, u"--expect-fail"_s, u"wrong.localhost="_s + chain});
    QVERIFY2(mismatch.exitCode == 0, qPrintable(mismatch.output));
    QVERIFY2(mismatch.output.contains(u"Hostname mismatch"_s, Qt::CaseInsensitive),
             qPrintable(mismatch.output));
    // And trusting another CA must fail the chain.
    auto stranger = CertificateAuthority::create({}, m_clock);
    QVERIFY(stranger.ok());
    const QString strangerPem = m_tmp.filePath(u"stranger2.pem"_s);
    auto pem = stranger->exportCertificate(CertificateAuthority::ExportFormat::Pem);
    QVERIFY(pem.ok() && SecureFile::writeAtomically(strangerPem, pem.value(), 0644).ok());
    const Run untrusted =
        run(QStringLiteral(SPYGLASS_PYTHON),
            {QStringLiteral(SPYGLASS_TLS_CHECK), u"verify"_s, u"--ca"_s, strangerPem, u"--key"_s,
             m_keyPem, u"--expect-fail"_s, u"right.localhost="_s + chain});
    QVERIFY2(untrusted.exitCode == 0, qPrintable(untrusted.output));
    QVERIFY2(untrusted.output.contains(u"CERTIFICATE_VERIFY_FAILED"_s),
             qPrintable(untrusted.output));
}

QTEST_GUILESS_MAIN(TestLeafInterop)
#include "tst_LeafInterop.moc"
