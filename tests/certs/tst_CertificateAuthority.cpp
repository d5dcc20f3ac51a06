#include "CertInspector.h"
#include "certs/CertificateAuthority.h"
#include "certs/FakeClock.h"
#include "certs/X509Codec.h"

#include <QTest>
#include <openssl/pkcs12.h>

using namespace Qt::StringLiterals;
using namespace spyglass::certs;
using namespace spyglass::certs::test;

class TestCertificateAuthority : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void profile_data();
    void profile();
    void uniquePerCreation();
    void commonNameFitsUpperBound();
    void exportsWithoutKey();
    void formatNames_data();
    void formatNames();
    void fromPartsRejectsMismatch();
};

void TestCertificateAuthority::profile_data() {
    QTest::addColumn<int>("algorithm");
    QTest::addColumn<int>("signatureNid");
    QTest::newRow("ecdsa-p256") << int(KeyAlgorithm::EcdsaP256) << NID_ecdsa_with_SHA256;
    QTest::newRow("rsa-3072") << int(KeyAlgorithm::Rsa3072) << NID_sha256WithRSAEncryption;
}

void TestCertificateAuthority::profile() {
    QFETCH(int, algorithm);
    QFETCH(int, signatureNid);
    FakeClock clock;
    CertificateAuthority::Options options;
    options.algorithm = KeyAlgorithm(algorithm);
    options.user = u"alice"_s;
    options.host = u"box"_s;
    auto created = CertificateAuthority::create(options, clock);
    QVERIFY2(created.ok(), qPrintable(created.ok() ? QString() : created.errorMessage()));
    // Read back through DER, as a verifier would see it.
    auto der = created->exportCertificate(CertificateAuthority::ExportFormat::Der);
    QVERIFY(der.ok());
    auto parsed = X509Codec::certificateFromDer(der.value());
    QVERIFY(parsed.ok());
    X509* cert = parsed->get();

    QCOMPARE(X509_get_version(cert), long(X509_VERSION_3));
    QCOMPARE(nameEntry(X509_get_subject_name(cert), NID_commonName),
             u"Spyglass CA (alice@box, 2026-01-01)"_s);
    QCOMPARE(nameEntry(X509_get_subject_name(cert), NID_organizationName), u"Spyglass"_s);
    QVERIFY(sameName(X509_get_subject_name(cert), X509_get_issuer_name(cert)));
    QCOMPARE(X509_get_signature_nid(cert), signatureNid);
    QCOMPARE(created->keyAlgorithm(), std::optional<KeyAlgorithm>(KeyAlgorithm(algorithm)));

    // BasicConstraints: critical, CA:TRUE, pathlen 0.
    QVERIFY(isCritical(cert, NID_basic_constraints));
    BasicConstraintsPtr bc(static_cast<BASIC_CONSTRAINTS*>(
        X509_get_ext_d2i(cert, NID_basic_constraints, nullptr, nullptr)));
    QVERIFY(bc);
    QVERIFY(bc->ca != 0);
    QVERIFY(bc->pathlen != nullptr);
    QCOMPARE(ASN1_INTEGER_get(bc->pathlen), 0L);
    // KeyUsage: critical, exactly keyCertSign + cRLSign.
    QVERIFY(isCritical(cert, NID_key_usage));
    QCOMPARE(X509_get_key_usage(cert), uint32_t(KU_KEY_CERT_SIGN | KU_CRL_SIGN));
    // SKI from the key; AKI equal to it (self-signed).
    QCOMPARE(subjectKeyId(cert), expectedKeyId(cert));
    QCOMPARE(authorityKeyId(cert), subjectKeyId(cert));
    QCOMPARE(extensionCount(cert, NID_ext_key_usage), 0);
    // Random positive serial of at least 64 bits.
    const Serial s = serial(cert);
    QVERIFY(!s.negative);
    QVERIFY2(s.bits >= 64, qPrintable(QString::number(s.bits)));
    // Ten years, backdated one day.
    const qint64 now = seconds(clock.now());
    QCOMPARE(epochSeconds(X509_get0_notBefore(cert)), now - 86400);
    QCOMPARE(epochSeconds(X509_get0_notAfter(cert)) - epochSeconds(X509_get0_notBefore(cert)),
             qint64(3652) * 86400);
    // Self-signature verifies with its own key.
    QCOMPARE(X509_verify(cert, X509_get0_pubkey(cert)), 1);
    QCOMPARE(X509_check_ca(cert), 1);
    QCOMPARE(created->fingerprintSha256().size(), 32);
    QCOMPARE(created->fingerprintText().size(), 32 * 3 - 1);
}

void TestCertificateAuthority::uniquePerCreation() {
    FakeClock clock;
    auto a = CertificateAuthority::create({}, clock);
    auto b = CertificateAuthority::create({}, clock);
    QVERIFY(a.ok() && b.ok());
    QVERIFY(a->fingerprintSha256() != b->fingerprintSha256());
    QCOMPARE(EVP_PKEY_eq(a->privateKey(), b->privateKey()), 0);
    QVERIFY(serial(a->certificate()).bytes != serial(b->certificate()).bytes);
}

void TestCertificateAuthority::commonNameFitsUpperBound() {
    const QString cn = CertificateAuthority::makeCommonName(QString(40, u'u'), QString(40, u'h'),
                                                            QDate(2026, 5, 1));
    QCOMPARE(cn.size(), 64);
    QVERIFY(cn.startsWith(u"Spyglass CA (uuuu"_s));
    QVERIFY(cn.endsWith(u", 2026-05-01)"_s));
    FakeClock clock;
    CertificateAuthority::Options options;
    options.user = QString(40, u'u');
    options.host = QString(40, u'h');
    auto ca = CertificateAuthority::create(options, clock);
    QVERIFY2(ca.ok(), qPrintable(ca.ok() ? QString() : ca.errorMessage()));
    QCOMPARE(ca->commonName().size(), 64);
}

void TestCertificateAuthority::exportsWithoutKey() {
    FakeClock clock;
    auto ca = CertificateAuthority::create({}, clock);
    QVERIFY(ca.ok());
    auto pem = ca->exportCertificate(CertificateAuthority::ExportFormat::Pem);
    QVERIFY(pem.ok());
    QVERIFY(pem->startsWith("-----BEGIN CERTIFICATE-----"));
    QVERIFY(!pem->contains("PRIVATE KEY"));
    auto fromPem = X509Codec::certificateFromPem(pem.value());
    QVERIFY(fromPem.ok());
    QCOMPARE(X509Codec::sha256Fingerprint(fromPem->get()), ca->fingerprintSha256());

    auto p12 = ca->exportCertificate(CertificateAuthority::ExportFormat::Pkcs12);
    QVERIFY(p12.ok());
    const auto* p = reinterpret_cast<const unsigned char*>(p12->constData());
    Pkcs12Ptr parsed(d2i_PKCS12(nullptr, &p, long(p12->size())));
    QVERIFY(parsed);
    EVP_PKEY* key = nullptr;
    X509* cert = nullptr;
    STACK_OF(X509)* extra = nullptr;
    QCOMPARE(PKCS12_parse(parsed.get(), "", &key, &cert, &extra), 1);
    // A certificate-only bag: PKCS12_parse returns it among the "extra"
    // certificates since there is no key for it to belong to.
    QVERIFY(key == nullptr);
    X509* found = cert != nullptr
                      ? cert
                      : (extra && sk_X509_num(extra) > 0 ? sk_X509_value(extra, 0) : nullptr);
    QVERIFY(found != nullptr);
    QCOMPARE(X509Codec::sha256Fingerprint(found), ca->fingerprintSha256());
    X509_free(cert);
    sk_X509_pop_free(extra, X509_free);
}

void TestCertificateAuthority::formatNames_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("format");
    QTest::newRow("pem") << u"ca.pem"_s << int(CertificateAuthority::ExportFormat::Pem);
    QTest::newRow("crt") << u"ca.CRT"_s << int(CertificateAuthority::ExportFormat::Pem);
    QTest::newRow("cer") << u"ca.cer"_s << int(CertificateAuthority::ExportFormat::Der);
    QTest::newRow("der") << u"x/ca.der"_s << int(CertificateAuthority::ExportFormat::Der);
    QTest::newRow("p12") << u"ca.p12"_s << int(CertificateAuthority::ExportFormat::Pkcs12);
    QTest::newRow("pfx") << u"ca.pfx"_s << int(CertificateAuthority::ExportFormat::Pkcs12);
    QTest::newRow("unknown") << u"ca.txt"_s << -1;
}

void TestCertificateAuthority::formatNames() {
    QFETCH(QString, file);
    QFETCH(int, format);
    const auto guessed = CertificateAuthority::formatForFileName(file);
    QCOMPARE(guessed ? int(*guessed) : -1, format);
}

void TestCertificateAuthority::fromPartsRejectsMismatch() {
    FakeClock clock;
    auto a = CertificateAuthority::create({}, clock);
    auto b = CertificateAuthority::create({}, clock);
    QVERIFY(a.ok() && b.ok());
    auto mixed =
        CertificateAuthority::fromParts(sharedRef(a->certificate()), sharedRef(b->privateKey()));
    QVERIFY(!mixed.ok());
    QVERIFY2(mixed.errorMessage().contains(u"does not belong"_s), qPrintable(mixed.errorMessage()));
    auto same =
        CertificateAuthority::fromParts(sharedRef(a->certificate()), sharedRef(a->privateKey()));
    QVERIFY(same.ok());
}

QTEST_GUILESS_MAIN(TestCertificateAuthority)
#include "tst_CertificateAuthority.moc"
