#include "CertInspector.h"
#include "certs/CertificateAuthority.h"
#include "certs/CertificatePublicKey.h"
#include "certs/FakeClock.h"
#include "certs/LeafMinter.h"
#include "certs/X509Codec.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace spyglass::certs;
using namespace spyglass::certs::test;

class TestLeafMinter : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void profile_data();
    void profile();
    void rsaLeafAddsKeyEncipherment();
    void leafPublicKeyIsTheLeafKeyByteForByte_data();
    void leafPublicKeyIsTheLeafKeyByteForByte();
    void certificatePublicKeyOnlyForEc();
    void oneLeafKeyPerMinter();
    void wildcardRefused();
    void neverOutlivesTheCa();
    void refusesWhenCaExpired();

private:
    FakeClock m_clock;
    std::optional<CertificateAuthority> m_ca;
    std::shared_ptr<const LeafMinter> m_minter;
};

void TestLeafMinter::initTestCase() {
    auto ca = CertificateAuthority::create({}, m_clock);
    QVERIFY(ca.ok());
    m_ca.emplace(std::move(ca).value());
    auto minter = LeafMinter::create(*m_ca);
    QVERIFY(minter.ok());
    m_minter = minter.value();
}

void TestLeafMinter::profile_data() {
    QTest::addColumn<QString>("host");
    QTest::addColumn<QString>("san");
    QTest::addColumn<QString>("cn"); // empty: no CN expected

    const QString label63 = QString(63, u'a');
    const QString name64 = QString(59, u'b') + u".test"_s; // 64 characters
    const QString name65 = QString(60, u'c') + u".test"_s; // 65 characters
    const QString name200 = QString(QString(49, u'd') + u'.').repeated(4) + u"test"_s;
    QTest::newRow("dns") << u"example.com"_s << u"DNS:example.com"_s << u"example.com"_s;
    QTest::newRow("dns upper-case")
        << u"WWW.Example.COM."_s << u"DNS:www.example.com"_s << u"www.example.com"_s;
    QTest::newRow("idn") << u"bücher.example"_s << u"DNS:xn--bcher-kva.example"_s
                         << u"xn--bcher-kva.example"_s;
    QTest::newRow("ipv4") << u"127.0.0.1"_s << u"IP:7f000001"_s << u"127.0.0.1"_s;
    QTest::newRow("ipv6") << u"::1"_s << u"IP:00000000000000000000000000000001"_s << u"::1"_s;
    QTest::newRow("63 characters") << label63 << u"DNS:"_s + label63 << label63;
    QTest::newRow("64 characters") << name64 << u"DNS:"_s + name64 << name64;
    QTest::newRow("65 characters") << name65 << u"DNS:"_s + name65 << QString();
    QTest::newRow("200 characters") << name200 << u"DNS:"_s + name200 << QString();
}

void TestLeafMinter::profile() {
    QFETCH(QString, host);
    QFETCH(QString, san);
    QFETCH(QString, cn);
    auto leaf = m_minter->mint(host, m_clock.now());
    QVERIFY2(leaf.ok(), qPrintable(leaf.ok() ? QString() : leaf.errorMessage()));
    auto der = X509Codec::certificateToDer(leaf.value()->certificate());
    QVERIFY(der.ok());
    auto parsed = X509Codec::certificateFromDer(der.value());
    QVERIFY(parsed.ok());
    X509* cert = parsed->get();
    X509* caCert = m_ca->certificate();

    QCOMPARE(X509_get_version(cert), long(X509_VERSION_3));
    // SAN always, exactly one entry, not critical (the subject is non-empty).
    QCOMPARE(subjectAltNames(cert), QStringList{san});
    QVERIFY(!isCritical(cert, NID_subject_alt_name));
    // CN only when it fits RFC 5280's 64-character upper bound.
    QCOMPARE(nameEntry(X509_get_subject_name(cert), NID_commonName), cn);
    QCOMPARE(nameEntry(X509_get_subject_name(cert), NID_organizationName), u"Spyglass"_s);
    QVERIFY(sameName(X509_get_issuer_name(cert), X509_get_subject_name(caCert)));
    // EKU serverAuth only, not critical.
    QVERIFY(!isCritical(cert, NID_ext_key_usage));
    QCOMPARE(X509_get_extended_key_usage(cert), uint32_t(XKU_SSL_SERVER));
    // KeyUsage digitalSignature only (ECDSA), critical.
    QVERIFY(isCritical(cert, NID_key_usage));
    QCOMPARE(X509_get_key_usage(cert), uint32_t(KU_DIGITAL_SIGNATURE));
    // BasicConstraints CA:FALSE, critical.
    QVERIFY(isCritical(cert, NID_basic_constraints));
    BasicConstraintsPtr bc(static_cast<BASIC_CONSTRAINTS*>(
        X509_get_ext_d2i(cert, NID_basic_constraints, nullptr, nullptr)));
    QVERIFY(bc);
    QCOMPARE(bc->ca, 0);
    QCOMPARE(X509_check_ca(cert), 0);
    // AKI = the CA's SKI; SKI from the leaf key.
    QVERIFY(!subjectKeyId(caCert).isEmpty());
    QCOMPARE(authorityKeyId(cert), subjectKeyId(caCert));
    QCOMPARE(subjectKeyId(cert), expectedKeyId(cert));
    QVERIFY(subjectKeyId(cert) != subjectKeyId(caCert));
    // Random positive serial of at least 64 bits.
    const Serial s = serial(cert);
    QVERIFY(!s.negative);
    QVERIFY(s.bits >= 64);
    // notBefore = now - 1 day; total validity <= 45 days.
    const qint64 now = seconds(m_clock.now());
    const qint64 from = epochSeconds(X509_get0_notBefore(cert));
    const qint64 to = epochSeconds(X509_get0_notAfter(cert));
    QCOMPARE(from, now - 86400);
    QVERIFY(to - from <= 45 * 86400);
    QVERIFY(to - from >= 44 * 86400);
    // SHA-256, and the CA's signature verifies.
    QCOMPARE(X509_get_signature_nid(cert), NID_ecdsa_with_SHA256);
    QCOMPARE(X509_verify(cert, X509_get0_pubkey(caCert)), 1);
    // The key in the leaf is the run's leaf key, not the CA's.
    QCOMPARE(EVP_PKEY_eq(X509_get0_pubkey(cert), m_minter->leafKey()), 1);
    QCOMPARE(EVP_PKEY_eq(X509_get0_pubkey(cert), m_ca->privateKey()), 0);
    QCOMPARE(X509_check_private_key(cert, leaf.value()->privateKey()), 1);
    QCOMPARE(X509_cmp(leaf.value()->issuerCertificate(), caCert), 0);
    auto chain = leaf.value()->chainPem();
    QVERIFY(chain.ok());
    QCOMPARE(chain->count("-----BEGIN CERTIFICATE-----"), 2);
}

void TestLeafMinter::rsaLeafAddsKeyEncipherment() {
    auto minter = LeafMinter::create(*m_ca, KeyAlgorithm::Rsa2048);
    QVERIFY(minter.ok());
    auto leaf = minter.value()->mint(u"rsa.example"_s, m_clock.now());
    QVERIFY(leaf.ok());
    QCOMPARE(X509_get_key_usage(leaf.value()->certificate()),
             uint32_t(KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT));
}

namespace {

QByteArray spkiOf(EVP_PKEY* key) {
    unsigned char* der = nullptr;
    const int n = i2d_PUBKEY(key, &der);
    QByteArray out = n > 0 ? QByteArray(reinterpret_cast<const char*>(der), n) : QByteArray();
    OPENSSL_free(der);
    return out;
}

QByteArray spkiOf(X509* cert) {
    unsigned char* der = nullptr;
    const int n = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert), &der);
    QByteArray out = n > 0 ? QByteArray(reinterpret_cast<const char*>(der), n) : QByteArray();
    OPENSSL_free(der);
    return out;
}

} // namespace

void TestLeafMinter::leafPublicKeyIsTheLeafKeyByteForByte_data() {
    QTest::addColumn<KeyAlgorithm>("algorithm");
    QTest::newRow("ecdsa-p256") << KeyAlgorithm::EcdsaP256;
    QTest::newRow("rsa-2048") << KeyAlgorithm::Rsa2048;
}

// The EC minter puts a legacy copy of its key into certificates
// (CertificatePublicKey): the SubjectPublicKeyInfo must not change, and a
// certificate read back from DER must match the private key TLS uses.
void TestLeafMinter::leafPublicKeyIsTheLeafKeyByteForByte() {
    QFETCH(KeyAlgorithm, algorithm);
    auto minter = LeafMinter::create(*m_ca, algorithm);
    QVERIFY(minter.ok());
    auto leaf = minter.value()->mint(u"spki.example"_s, m_clock.now());
    QVERIFY(leaf.ok());
    X509* cert = leaf.value()->certificate();
    const QByteArray expected = spkiOf(minter.value()->leafKey());
    QVERIFY(!expected.isEmpty());
    QCOMPARE(spkiOf(cert), expected);
    QCOMPARE(X509_check_private_key(cert, leaf.value()->privateKey()), 1);

    unsigned char* der = nullptr;
    const int n = i2d_X509(cert, &der);
    QVERIFY(n > 0);
    const unsigned char* p = der;
    X509Ptr reread(d2i_X509(nullptr, &p, n));
    OPENSSL_free(der);
    QVERIFY(reread);
    QCOMPARE(spkiOf(reread.get()), expected);
    QCOMPARE(X509_check_private_key(reread.get(), leaf.value()->privateKey()), 1);
    QCOMPARE(X509_verify(reread.get(), X509_get0_pubkey(m_ca->certificate())), 1);
}

void TestLeafMinter::certificatePublicKeyOnlyForEc() {
    auto ec = LeafMinter::create(*m_ca, KeyAlgorithm::EcdsaP256);
    QVERIFY(ec.ok());
    EvpPkeyPtr copy = CertificatePublicKey::forCertificates(ec.value()->leafKey());
    QVERIFY(copy);
    QCOMPARE(EVP_PKEY_eq(copy.get(), ec.value()->leafKey()), 1);
    QCOMPARE(spkiOf(copy.get()), spkiOf(ec.value()->leafKey()));
    auto rsa = LeafMinter::create(*m_ca, KeyAlgorithm::Rsa2048);
    QVERIFY(rsa.ok());
    QVERIFY(!CertificatePublicKey::forCertificates(rsa.value()->leafKey()));
    QVERIFY(!CertificatePublicKey::forCertificates(nullptr));
}

void TestLeafMinter::oneLeafKeyPerMinter() {
    auto a = m_minter->mint(u"a.example"_s, m_clock.now());
    auto b = m_minter->mint(u"b.example"_s, m_clock.now());
    QVERIFY(a.ok() && b.ok());
    QCOMPARE(a.value()->privateKey(), b.value()->privateKey());
    QVERIFY(serial(a.value()->certificate()).bytes != serial(b.value()->certificate()).bytes);
    auto other = LeafMinter::create(*m_ca);
    QVERIFY(other.ok());
    QCOMPARE(EVP_PKEY_eq(other.value()->leafKey(), m_minter->leafKey()), 0);
}

void TestLeafMinter::wildcardRefused() {
    auto leaf = m_minter->mint(u"*.example.com"_s, m_clock.now());
    QVERIFY(!leaf.ok());
    QVERIFY(leaf.errorMessage().contains(u"wildcard"_s));
}

void TestLeafMinter::neverOutlivesTheCa() {
    FakeClock late;
    late.set(m_clock.now() + std::chrono::days(3652 - 1 - 10)); // CA ends in ~10 days
    auto leaf = m_minter->mint(u"late.example"_s, late.now());
    QVERIFY(leaf.ok());
    QCOMPARE(ASN1_TIME_compare(X509_get0_notAfter(leaf.value()->certificate()),
                               X509_get0_notAfter(m_ca->certificate())),
             0);
}

void TestLeafMinter::refusesWhenCaExpired() {
    auto leaf = m_minter->mint(u"expired.example"_s, m_clock.now() + std::chrono::days(3700));
    QVERIFY(!leaf.ok());
    QVERIFY(leaf.errorMessage().contains(u"expired"_s));
}

QTEST_GUILESS_MAIN(TestLeafMinter)
#include "tst_LeafMinter.moc"
