// CertificatePeek reads a certificate's validity without OpenSSL; OpenSSL,
// which parses the same certificates here, is the reference.
#include "certs/CertificateAuthority.h"
#include "certs/CertificatePeek.h"
#include "certs/FakeClock.h"
#include "certs/X509Codec.h"

#include <QTest>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

using namespace Qt::StringLiterals;
using namespace spyglass::certs;

namespace {

QByteArray toPem(X509* cert) {
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_X509(bio, cert);
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    QByteArray pem(data, size);
    BIO_free(bio);
    return pem;
}

QByteArray derToPem(const QByteArray& der) {
    return "-----BEGIN CERTIFICATE-----\n" + der.toBase64() + "\n-----END CERTIFICATE-----\n";
}

// A self-signed certificate with the given version and validity strings
// (UTCTime when 13 characters, GeneralizedTime when 15).
QByteArray makeCertificate(long version, const char* notBefore, const char* notAfter) {
    EVP_PKEY* key = EVP_EC_gen("P-256");
    X509* cert = X509_new();
    X509_set_version(cert, version);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 4242);
    X509_NAME* name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("peek test"), -1, -1, 0);
    X509_set_issuer_name(cert, name);
    ASN1_TIME* from = ASN1_TIME_new();
    ASN1_TIME* to = ASN1_TIME_new();
    ASN1_TIME_set_string(from, notBefore);
    ASN1_TIME_set_string(to, notAfter);
    X509_set1_notBefore(cert, from);
    X509_set1_notAfter(cert, to);
    X509_set_pubkey(cert, key);
    X509_sign(cert, key, EVP_sha256());
    QByteArray pem = toPem(cert);
    ASN1_TIME_free(from);
    ASN1_TIME_free(to);
    X509_free(cert);
    EVP_PKEY_free(key);
    return pem;
}

CertificateDates peekOrFail(const QByteArray& pem) {
    const auto peeked = peekCertificateDates(pem);
    if (const auto* why = std::get_if<QString>(&peeked)) {
        qWarning("peek failed: %s", qPrintable(*why));
        return {};
    }
    return std::get<CertificateDates>(peeked);
}

} // namespace

class TestCertificatePeek : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void agreesWithOpenSslOnOurCa_data();
    void agreesWithOpenSslOnOurCa();
    void readsBothTimeEncodingsAndVersion1();
    void everyTruncationIsRefused();
    void refusesWhatIsNoCertificate();
};

void TestCertificatePeek::agreesWithOpenSslOnOurCa_data() {
    QTest::addColumn<int>("algorithm");
    QTest::newRow("ecdsa") << int(KeyAlgorithm::EcdsaP256);
    QTest::newRow("rsa") << int(KeyAlgorithm::Rsa2048);
}

void TestCertificatePeek::agreesWithOpenSslOnOurCa() {
    QFETCH(int, algorithm);
    FakeClock clock;
    CertificateAuthority::Options options;
    options.algorithm = KeyAlgorithm(algorithm);
    auto ca = CertificateAuthority::create(options, clock);
    QVERIFY(ca.ok());
    const auto pem = X509Codec::certificateToPem(ca->certificate());
    QVERIFY(pem.ok());
    const CertificateDates dates = peekOrFail(pem.value());
    QCOMPARE(dates.notBefore, ca->notBefore());
    QCOMPARE(dates.notAfter, ca->notAfter());
}

void TestCertificatePeek::readsBothTimeEncodingsAndVersion1() {
    // UTCTime years 50-99 are 1950-1999; GeneralizedTime from 2050 on.
    const QByteArray v3 = makeCertificate(X509_VERSION_3, "700102030405Z", "20610708091011Z");
    CertificateDates dates = peekOrFail(v3);
    QCOMPARE(dates.notBefore, QDateTime(QDate(1970, 1, 2), QTime(3, 4, 5), Qt::UTC));
    QCOMPARE(dates.notAfter, QDateTime(QDate(2061, 7, 8), QTime(9, 10, 11), Qt::UTC));
    // Version 1: no [0] version element before the serial number.
    const QByteArray v1 = makeCertificate(X509_VERSION_1, "250101000000Z", "491231235959Z");
    dates = peekOrFail(v1);
    QCOMPARE(dates.notBefore, QDateTime(QDate(2025, 1, 1), QTime(0, 0), Qt::UTC));
    QCOMPARE(dates.notAfter, QDateTime(QDate(2049, 12, 31), QTime(23, 59, 59), Qt::UTC));
    // Text before the block (as `openssl x509 -text` writes) is skipped.
    QVERIFY(std::holds_alternative<CertificateDates>(
        peekCertificateDates("Certificate:\n  Data: ...\n" + v3)));
}

void TestCertificatePeek::everyTruncationIsRefused() {
    const QByteArray pem = makeCertificate(X509_VERSION_3, "250101000000Z", "350101000000Z");
    const QByteArray der =
        QByteArray::fromBase64(pem.split('\n').mid(1, pem.count('\n') - 2).join());
    QVERIFY(der.size() > 200);
    QVERIFY(std::holds_alternative<CertificateDates>(peekCertificateDates(derToPem(der))));
    // The outer length then claims more than there is, at every cut.
    for (qsizetype cut = 0; cut < der.size(); ++cut)
        QVERIFY2(std::holds_alternative<QString>(peekCertificateDates(derToPem(der.left(cut)))),
                 qPrintable(u"accepted a certificate cut at %1 bytes"_s.arg(cut)));
}

void TestCertificatePeek::refusesWhatIsNoCertificate() {
    for (const QByteArray& bad :
         {QByteArray(), QByteArray("not a certificate\n"),
          QByteArray("-----BEGIN CERTIFICATE-----\n%%%%\n-----END CERTIFICATE-----\n"),
          QByteArray("-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n"),
          QByteArray("-----BEGIN PRIVATE KEY-----\nMAA=\n-----END PRIVATE KEY-----\n"),
          QByteArray("-----BEGIN CERTIFICATE-----\nMIIB\n")}) {
        const auto peeked = peekCertificateDates(bad);
        QVERIFY2(std::holds_alternative<QString>(peeked), bad.constData());
        QVERIFY(!std::get<QString>(peeked).isEmpty());
    }
}

QTEST_GUILESS_MAIN(TestCertificatePeek)
#include "tst_CertificatePeek.moc"
