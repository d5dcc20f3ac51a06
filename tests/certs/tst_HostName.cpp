#include "certs/HostName.h"

#include <QTest>

using namespace Qt::StringLiterals;
using spyglass::certs::HostName;

class TestHostName : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void normalises_data();
    void normalises();
    void rejects_data();
    void rejects();
};

void TestHostName::normalises_data() {
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("kind");
    QTest::addColumn<QByteArray>("address");

    const int dns = int(HostName::Kind::Dns);
    const int v4 = int(HostName::Kind::IPv4);
    const int v6 = int(HostName::Kind::IPv6);
    QTest::newRow("lower-case") << u"example.com"_s << u"example.com"_s << dns << QByteArray();
    QTest::newRow("upper-case") << u"WWW.Example.COM"_s << u"www.example.com"_s << dns
                                << QByteArray();
    QTest::newRow("trailing dot") << u"example.com."_s << u"example.com"_s << dns << QByteArray();
    QTest::newRow("single label") << u"localhost"_s << u"localhost"_s << dns << QByteArray();
    QTest::newRow("underscore") << u"my_host.example"_s << u"my_host.example"_s << dns
                                << QByteArray();
    QTest::newRow("idn") << u"bücher.example"_s << u"xn--bcher-kva.example"_s << dns
                         << QByteArray();
    QTest::newRow("idn upper") << u"BÜCHER.Example"_s << u"xn--bcher-kva.example"_s << dns
                               << QByteArray();
    QTest::newRow("idn non-transitional ß")
        << u"faß.de"_s << u"xn--fa-hia.de"_s << dns << QByteArray();
    QTest::newRow("idn japanese") << u"例え.テスト"_s << u"xn--r8jz45g.xn--zckzah"_s << dns
                                  << QByteArray();
    QTest::newRow("a-label passthrough")
        << u"xn--bcher-kva.example"_s << u"xn--bcher-kva.example"_s << dns << QByteArray();
    QTest::newRow("ipv4") << u"127.0.0.1"_s << u"127.0.0.1"_s << v4
                          << QByteArray::fromHex("7f000001");
    QTest::newRow("ipv4 zeros") << u"0.0.0.0"_s << u"0.0.0.0"_s << v4
                                << QByteArray::fromHex("00000000");
    QTest::newRow("ipv6 loopback")
        << u"::1"_s << u"::1"_s << v6 << QByteArray::fromHex("00000000000000000000000000000001");
    QTest::newRow("ipv6 bracketed")
        << u"[::1]"_s << u"::1"_s << v6 << QByteArray::fromHex("00000000000000000000000000000001");
    QTest::newRow("ipv6 any") << u"::"_s << u"::"_s << v6 << QByteArray(16, '\0');
    QTest::newRow("ipv6 rfc5952") << u"2001:0DB8:0000:0000:0000:0000:0000:0001"_s
                                  << u"2001:db8::1"_s << v6
                                  << QByteArray::fromHex("20010db8000000000000000000000001");
    QTest::newRow("ipv6 first longest run")
        << u"2001:db8:0:0:1:0:0:1"_s << u"2001:db8::1:0:0:1"_s << v6
        << QByteArray::fromHex("20010db8000000000001000000000001");
    QTest::newRow("ipv6 single zero not compressed")
        << u"2001:db8:0:1:1:1:1:1"_s << u"2001:db8:0:1:1:1:1:1"_s << v6
        << QByteArray::fromHex("20010db8000000010001000100010001");
    QTest::newRow("ipv6 trailing ::") << u"fe80::"_s << u"fe80::"_s << v6
                                      << QByteArray::fromHex("fe800000000000000000000000000000");
    QTest::newRow("ipv6 embedded v4") << u"::ffff:192.0.2.1"_s << u"::ffff:c000:201"_s << v6
                                      << QByteArray::fromHex("00000000000000000000ffffc0000201");
}

void TestHostName::normalises() {
    QFETCH(QString, input);
    QFETCH(QString, text);
    QFETCH(int, kind);
    QFETCH(QByteArray, address);
    auto name = HostName::parse(input);
    QVERIFY2(name.ok(), qPrintable(name.ok() ? QString() : name.errorMessage()));
    QCOMPARE(name->text(), text);
    QCOMPARE(int(name->kind()), kind);
    QCOMPARE(name->addressBytes(), address);
    // Normalising is idempotent: the normal form parses to itself.
    auto again = HostName::parse(name->text());
    QVERIFY(again.ok());
    QCOMPARE(again.value(), name.value());
}

void TestHostName::rejects_data() {
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("reason");
    QTest::newRow("empty") << QString() << u"empty"_s;
    QTest::newRow("wildcard") << u"*.example.com"_s << u"wildcard"_s;
    QTest::newRow("wildcard inside") << u"a*.example.com"_s << u"wildcard"_s;
    QTest::newRow("bare star") << u"*"_s << u"wildcard"_s;
    QTest::newRow("space") << u"exa mple.com"_s << u"IDNA"_s;
    QTest::newRow("empty label") << u"a..b"_s << u"IDNA"_s;
    QTest::newRow("leading hyphen") << u"-a.example"_s << u"IDNA"_s;
    QTest::newRow("percent") << u"ex%41.com"_s << u"IDNA"_s;
    QTest::newRow("label 64") << QString(64, u'a') + u".example"_s << u"1-63"_s;
    QTest::newRow("name 254") << QString(QString(62, u'a') + u'.').repeated(4) + u"ab"_s
                              << u"253"_s;
    QTest::newRow("ipv4 three parts") << u"127.0.1"_s << u"IPv4"_s;
    QTest::newRow("ipv4 256") << u"1.2.3.256"_s << u"IPv4"_s;
    QTest::newRow("ipv4 leading zero") << u"127.0.0.01"_s << u"IPv4"_s;
    QTest::newRow("numeric tld") << u"foo.123"_s << u"all digits"_s;
    QTest::newRow("ipv6 two gaps") << u"1::2::3"_s << u"IPv6"_s;
    QTest::newRow("ipv6 nine groups") << u"1:2:3:4:5:6:7:8:9"_s << u"IPv6"_s;
    QTest::newRow("ipv6 group too long") << u"12345::1"_s << u"IPv6"_s;
    QTest::newRow("ipv6 bad hex") << u"fg::1"_s << u"IPv6"_s;
    QTest::newRow("ipv6 zone") << u"fe80::1%eth0"_s << u"zone"_s;
    QTest::newRow("ipv6 trailing colon") << u"1:2:3:4:5:6:7:"_s << u"IPv6"_s;
    QTest::newRow("ipv6 leading colon") << u":1:2:3:4:5:6:7"_s << u"IPv6"_s;
}

void TestHostName::rejects() {
    QFETCH(QString, input);
    QFETCH(QString, reason);
    auto name = HostName::parse(input);
    QVERIFY2(!name.ok(), qPrintable(name.ok() ? name->text() : QString()));
    QVERIFY2(name.errorMessage().contains(reason), qPrintable(name.errorMessage()));
}

QTEST_GUILESS_MAIN(TestHostName)
#include "tst_HostName.moc"
