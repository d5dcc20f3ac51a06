#include "core/http1/RequestTarget.h"

#include <QTest>

using namespace spyglass::core::http1;

Q_DECLARE_METATYPE(TargetForm)

class TestRequestTarget : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void parseAuthority_data() {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<bool>("requirePort");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<QByteArray>("host");
        QTest::addColumn<int>("port");
        QTest::addColumn<bool>("hasPort");
        QTest::addColumn<bool>("ipLiteral");
        auto row = [](const char* name, QByteArray text, bool requirePort, bool valid,
                      QByteArray host = {}, int port = 0, bool hasPort = false, bool ip = false) {
            QTest::newRow(name) << text << requirePort << valid << host << port << hasPort << ip;
        };
        row("name", "Example.COM", false, true, "example.com");
        row("name port", "example.com:8080", false, true, "example.com", 8080, true);
        row("port leading zeros", "a:00080", true, true, "a", 80, true);
        row("port six digits", "a:000080", true, false);
        row("port 65535", "a:65535", true, true, "a", 65535, true);
        row("port 65536", "a:65536", true, false);
        row("port 0", "a:0", true, false);
        row("port sign", "a:+80", true, false);
        row("port empty", "a:", false, false);
        row("port missing but required", "example.com", true, false);
        row("ipv4", "192.168.0.1:443", true, true, "192.168.0.1", 443, true, true);
        row("ipv4 out of range is a name ending in a number", "1.2.3.256", false, false);
        row("octal ipv4 form", "0177.0.0.1", false, false);
        row("decimal ipv4 form", "2130706433", false, false);
        row("hex ipv4 form", "0x7f.1", false, false);
        row("digits inside a name", "0.0.0.0=5000", false, true, "0.0.0.0=5000");
        row("ipv6", "[::1]:8443", true, true, "::1", 8443, true, true);
        row("ipv6 upper", "[2001:DB8::1]", false, true, "2001:db8::1", 0, false, true);
        row("ipv6 no port required", "[::1]", true, false);
        row("ipv6 junk after bracket", "[::1]x", false, false);
        row("ipv6 zone", "[fe80::1%25eth0]", false, false);
        row("ipv6 invalid", "[1:2:3]", false, false);
        row("ipvfuture", "[v1.abc]", false, false);
        row("ipv6 unclosed", "[::1", false, false);
        row("empty", "", false, false);
        row("empty host with port", ":80", false, false);
        row("userinfo", "user@host", false, false);
        row("space", "a b", false, false);
        row("pct-encoded", "a%2Db", false, true, "a%2db");
        row("bad pct", "a%2", false, false);
        row("underscore", "home_0.netscape.com:443", true, true, "home_0.netscape.com", 443, true);
        row("two colons", "a:1:2", false, false);
    }
    void parseAuthority() {
        QFETCH(QByteArray, text);
        QFETCH(bool, requirePort);
        QFETCH(bool, valid);
        const auto a = spyglass::core::http1::parseAuthority(text, requirePort);
        QCOMPARE(a.has_value(), valid);
        if (!valid)
            return;
        QFETCH(QByteArray, host);
        QFETCH(int, port);
        QFETCH(bool, hasPort);
        QFETCH(bool, ipLiteral);
        QCOMPARE(a->host, host);
        QCOMPARE(int(a->port), port);
        QCOMPARE(a->hasPort, hasPort);
        QCOMPARE(a->isIpLiteral, ipLiteral);
    }

    void parseRequestTarget_data() {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("target");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<TargetForm>("form");
        QTest::addColumn<QByteArray>("scheme");
        QTest::addColumn<QByteArray>("host");
        QTest::addColumn<int>("port");
        QTest::addColumn<bool>("explicitPort");
        QTest::addColumn<QByteArray>("pathAndQuery");
        QTest::addColumn<QByteArray>("userInfo");
        auto ok = [](const char* name, QByteArray method, QByteArray target, TargetForm form,
                     QByteArray scheme, QByteArray host, int port, bool explicitPort, QByteArray pq,
                     QByteArray userInfo = {}) {
            QTest::newRow(name) << method << target << true << form << scheme << host << port
                                << explicitPort << pq << userInfo;
        };
        auto bad = [](const char* name, QByteArray method, QByteArray target) {
            QTest::newRow(name) << method << target << false << TargetForm::Origin << QByteArray()
                                << QByteArray() << 0 << false << QByteArray() << QByteArray();
        };
        ok("origin", "GET", "/a/b?c=d", TargetForm::Origin, {}, {}, 0, false, "/a/b?c=d");
        ok("origin root", "GET", "/", TargetForm::Origin, {}, {}, 0, false, "/");
        ok("origin unwise chars", "GET", "/q?x=|{}^\"", TargetForm::Origin, {}, {}, 0, false,
           "/q?x=|{}^\"");
        ok("origin double slash", "GET", "//x", TargetForm::Origin, {}, {}, 0, false, "//x");
        bad("origin fragment", "GET", "/a#frag");
        bad("origin space", "GET", "/a b");
        bad("origin utf8", "GET", "/\xc3\xa9");
        bad("origin tab", "GET", "/a\tb");
        ok("absolute http", "GET", "http://Example.com/x?y", TargetForm::Absolute, "http",
           "example.com", 80, false, "/x?y");
        ok("absolute https port", "GET", "HTTPS://a:8443", TargetForm::Absolute, "https", "a", 8443,
           true, "/");
        ok("absolute query only", "GET", "http://hypnotoad.org?hail=all", TargetForm::Absolute,
           "http", "hypnotoad.org", 80, false, "/?hail=all");
        ok("absolute ws", "GET", "ws://h/chat", TargetForm::Absolute, "ws", "h", 80, false,
           "/chat");
        ok("absolute wss", "GET", "wss://h", TargetForm::Absolute, "wss", "h", 443, false, "/");
        ok("absolute ipv6", "GET", "http://[1:2::3:4]:67/", TargetForm::Absolute, "http",
           "1:2::3:4", 67, true, "/");
        ok("absolute unknown scheme", "GET", "ftp://h/f", TargetForm::Absolute, "ftp", "h", 0,
           false, "/f");
        ok("absolute userinfo", "GET", "http://a%12:b!&*$@h:1234/toto", TargetForm::Absolute,
           "http", "h", 1234, true, "/toto", "a%12:b!&*$");
        bad("absolute double at", "GET", "http://a:b@@h:443/");
        bad("absolute empty host", "GET", "http:///x");
        bad("absolute no slashes", "GET", "http:/x");
        bad("absolute fragment", "GET", "http://h/x#y");
        bad("absolute bad scheme", "GET", "1http://h/");
        bad("absolute bad port", "GET", "http://h:99999/");
        bad("absolute zone", "GET", "http://[fe80::a%25eth0]/");
        ok("connect", "CONNECT", "Example.com:443", TargetForm::Authority, {}, "example.com", 443,
           true, {});
        ok("connect ipv6", "CONNECT", "[::1]:443", TargetForm::Authority, {}, "::1", 443, true, {});
        bad("connect without port", "CONNECT", "example.com");
        bad("connect origin form", "CONNECT", "/x");
        bad("connect absolute form", "CONNECT", "http://h:443/");
        bad("authority form for GET", "GET", "example.com:443");
        ok("asterisk", "OPTIONS", "*", TargetForm::Asterisk, {}, {}, 0, false, "*");
        bad("asterisk for GET", "GET", "*");
        bad("asterisk for PRI", "PRI", "*");
        bad("empty", "GET", "");
        bad("relative", "GET", "a/b");
    }
    void parseRequestTarget() {
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, target);
        QFETCH(bool, valid);
        const auto t = spyglass::core::http1::parseRequestTarget(method, target);
        QCOMPARE(t.has_value(), valid);
        if (!valid)
            return;
        QFETCH(TargetForm, form);
        QFETCH(QByteArray, scheme);
        QFETCH(QByteArray, host);
        QFETCH(int, port);
        QFETCH(bool, explicitPort);
        QFETCH(QByteArray, pathAndQuery);
        QFETCH(QByteArray, userInfo);
        QCOMPARE(t->form, form);
        QCOMPARE(t->scheme, scheme);
        QCOMPARE(t->host, host);
        QCOMPARE(int(t->port), port);
        QCOMPARE(t->hasExplicitPort, explicitPort);
        QCOMPARE(t->pathAndQuery, pathAndQuery);
        QCOMPARE(t->userInfo, userInfo);
    }

    void formatAuthority_data() {
        QTest::addColumn<QByteArray>("host");
        QTest::addColumn<int>("port");
        QTest::addColumn<int>("defaultPort");
        QTest::addColumn<QByteArray>("expected");
        QTest::newRow("name port")
            << QByteArray("a.example") << 8080 << 0 << QByteArray("a.example:8080");
        QTest::newRow("default omitted") << QByteArray("a") << 80 << 80 << QByteArray("a");
        QTest::newRow("other default") << QByteArray("a") << 443 << 80 << QByteArray("a:443");
        QTest::newRow("ipv6") << QByteArray("::1") << 443 << 0 << QByteArray("[::1]:443");
        QTest::newRow("ipv6 default") << QByteArray("::1") << 443 << 443 << QByteArray("[::1]");
        QTest::newRow("port zero") << QByteArray("h") << 0 << 0 << QByteArray("h");
    }
    void formatAuthority() {
        QFETCH(QByteArray, host);
        QFETCH(int, port);
        QFETCH(int, defaultPort);
        QFETCH(QByteArray, expected);
        QCOMPARE(spyglass::core::http1::formatAuthority(host, quint16(port), quint16(defaultPort)),
                 expected);
    }
};

QTEST_GUILESS_MAIN(TestRequestTarget)
#include "test_RequestTarget.moc"
