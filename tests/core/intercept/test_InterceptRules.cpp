#include "core/proxy/InterceptRules.h"

#include <QTest>

using namespace spyglass::core::proxy;

class TestInterceptRules : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void parseValid_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("canonical");
        QTest::addColumn<int>("kind");
        QTest::addColumn<int>("port");
        auto row = [](const char* text, const char* canonical, InterceptPattern::Kind kind,
                      int port = 0) {
            QTest::newRow(text) << QString::fromUtf8(text) << QString::fromUtf8(canonical)
                                << int(kind) << port;
        };
        using K = InterceptPattern::Kind;
        row("example.com", "example.com", K::Exact);
        row("Example.COM", "example.com", K::Exact);
        row("example.com.", "example.com", K::Exact);
        row("localhost", "localhost", K::Exact);
        row("*.example.com", "*.example.com", K::Subdomains);
        row("*.Example.com.", "*.example.com", K::Subdomains);
        row("*.com", "*.com", K::Subdomains);
        row("api.example.com:8443", "api.example.com:8443", K::Exact, 8443);
        row("*.example.com:443", "*.example.com:443", K::Subdomains, 443);
        row("*", "*", K::Any);
        row("*:8443", "*:8443", K::Any, 8443);
        row("127.0.0.1", "127.0.0.1", K::Address);
        row("10.0.0.1:8080", "10.0.0.1:8080", K::Address, 8080);
        row("0.0.0.0", "0.0.0.0", K::Address);
        row("[::1]", "[::1]", K::Address);
        row("::1", "[::1]", K::Address);
        row("[::1]:8443", "[::1]:8443", K::Address, 8443);
        row("[2001:DB8:0:0:0:0:0:1]", "[2001:db8::1]", K::Address);
        row("a.example:1", "a.example:1", K::Exact, 1);
        row("a.example:65535", "a.example:65535", K::Exact, 65535);
        row("a.example:00080", "a.example:80", K::Exact, 80);
        row("under_score.example", "under_score.example", K::Exact);
        row("xn--bcher-kva.example", "xn--bcher-kva.example", K::Exact);
        row("b\xc3\xbc"
            "cher.example",
            "xn--bcher-kva.example", K::Exact);
        row("*.B\xc3\x9c"
            "CHER.example",
            "*.xn--bcher-kva.example", K::Subdomains);
        row("1.example", "1.example", K::Exact);
    }
    void parseValid() {
        QFETCH(QString, text);
        QFETCH(QString, canonical);
        QFETCH(int, kind);
        QFETCH(int, port);
        QString error = QStringLiteral("untouched");
        const auto pattern = InterceptPattern::parse(text, &error);
        QVERIFY2(pattern, qPrintable(error));
        QCOMPARE(pattern->text(), canonical);
        QCOMPARE(int(pattern->kind()), kind);
        QCOMPARE(int(pattern->port()), port);
        // The canonical text parses to itself.
        const auto again = InterceptPattern::parse(canonical, nullptr);
        QVERIFY(again);
        QCOMPARE(again->text(), canonical);
    }

    void parseInvalid_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("error");
        auto row = [](const char* text, const char* why) {
            const QString t = QString::fromUtf8(text);
            QTest::newRow(text) << t
                                << (t.isEmpty() ? QString::fromUtf8(why)
                                                : t + QStringLiteral(" is not a valid pattern: ") +
                                                      QString::fromUtf8(why));
        };
        row("", "an empty pattern is not valid");
        row("*.com.*", "a wildcard may only be the first label");
        row("a.*.com", "a wildcard may only be the first label");
        row("*.*.example.com", "a wildcard may only be the first label");
        row("**", "a wildcard must be a whole label, as in *.example.com");
        row("**.example.com", "a wildcard must be a whole label, as in *.example.com");
        row("*example.com", "a wildcard must be a whole label, as in *.example.com");
        row("api*.example.com", "a wildcard must be a whole label, as in *.example.com");
        row("*.", "a wildcard must be followed by a domain, as in *.example.com");
        row("*.:443", "a wildcard must be followed by a domain, as in *.example.com");
        row("example.com:0", "port 0 is out of range (1-65535)");
        row("example.com:65536", "port 65536 is out of range (1-65535)");
        row("example.com:99999", "port 99999 is out of range (1-65535)");
        row("example.com:123456", "123456 is not a port number");
        row("example.com:", "the port is missing after :");
        row("example.com:http", "http is not a port number");
        row("example.com:+80", "+80 is not a port number");
        row("example.com:-1", "-1 is not a port number");
        row(":443", "the host is missing");
        row(".", "the host is missing");
        row("example .com", "it contains a space");
        row(" example.com", "it contains a space");
        row("example.com\t", "it contains a space");
        row("a..example", "the host has an empty label (two dots in a row, or a dot at the start)");
        row(".example.com",
            "the host has an empty label (two dots in a row, or a dot at the start)");
        row("example.com..",
            "the host has an empty label (two dots in a row, or a dot at the start)");
        row("exa/mple.com", "the host contains the character /");
        row("user@example.com", "the host contains the character @");
        row("1.2.3.256", "1.2.3.256 is not an IPv4 address");
        row("1.2.3", "1.2.3 is not an IPv4 address");
        row("010.0.0.1", "010.0.0.1 is not an IPv4 address");
        row("1-2.3", "1-2.3 is not an IPv4 address"); // no top-level domain is all digits
        row("2130706433", "2130706433 is not an IPv4 address");
        row("*.0.0.1", "a wildcard cannot be combined with an IP address");
        row("::1:443x", "an IPv6 address needs brackets when a port follows, as in [::1]:8443");
        row("[::1", "the [ of an IPv6 address is not closed");
        row("[::1]8443", "only :port may follow ]");
        row("[1.2.3.4]", "there is no IPv6 address in the brackets");
        row("[fe80::1%eth0]", "there is no IPv6 address in the brackets");
        row("[::1]:0", "port 0 is out of range (1-65535)");
        row("a:b:c", "an IPv6 address needs brackets when a port follows, as in [::1]:8443");
    }
    void parseInvalid() {
        QFETCH(QString, text);
        QFETCH(QString, error);
        QString actual;
        QVERIFY(!InterceptPattern::parse(text, &actual));
        QCOMPARE(actual, error);
        QVERIFY(!InterceptPattern::parse(text, nullptr)); // error is optional
    }

    void longNames() {
        const QString label63(63, QLatin1Char('a'));
        QVERIFY(InterceptPattern::parse(label63 + QStringLiteral(".example"), nullptr));
        QString error;
        QVERIFY(!InterceptPattern::parse(label63 + QStringLiteral("a.example"), &error));
        QVERIFY2(error.endsWith(QStringLiteral("a label is longer than 63 characters")),
                 qPrintable(error));
        QString name = label63 + QLatin1Char('.') + label63 + QLatin1Char('.') + label63 +
                       QLatin1Char('.') + QString(61, QLatin1Char('b')); // 253 characters
        QVERIFY(InterceptPattern::parse(name, nullptr));
        QVERIFY(!InterceptPattern::parse(name + QLatin1Char('b'), &error));
        QVERIFY2(error.endsWith(QStringLiteral("the host is longer than 253 characters")),
                 qPrintable(error));
    }

    void matches_data() {
        QTest::addColumn<QString>("pattern");
        QTest::addColumn<QByteArray>("host");
        QTest::addColumn<int>("port");
        QTest::addColumn<bool>("expected");
        auto row = [](const char* pattern, const char* host, int port, bool expected) {
            QTest::addRow("%s vs %s:%d", pattern, host, port)
                << QString::fromUtf8(pattern) << QByteArray(host) << port << expected;
        };
        row("example.com", "example.com", 443, true);
        row("example.com", "EXAMPLE.com", 443, true);
        row("example.com", "example.com.", 8443, true);
        row("example.com", "www.example.com", 443, false);
        row("example.com", "example.co", 443, false);
        row("example.com", "example.com.evil", 443, false);
        row("example.com", "notexample.com", 443, false);
        row("example.com", "", 443, false);
        row("*.example.com", "www.example.com", 443, true);
        row("*.example.com", "a.b.c.example.com", 80, true);
        row("*.example.com", "WWW.Example.COM.", 443, true);
        row("*.example.com", "example.com", 443, false);
        row("*.example.com", "badexample.com", 443, false);
        row("*.example.com", ".example.com", 443, false);
        row("*.example.com", "www.example.com.evil", 443, false);
        row("api.example.com:8443", "api.example.com", 8443, true);
        row("api.example.com:8443", "api.example.com", 443, false);
        row("*.example.com:443", "x.example.com", 443, true);
        row("*.example.com:443", "x.example.com", 444, false);
        row("*", "anything.test", 1, true);
        row("*", "127.0.0.1", 443, true);
        row("*", "::1", 443, true);
        row("*:8443", "anything.test", 8443, true);
        row("*:8443", "anything.test", 443, false);
        row("127.0.0.1", "127.0.0.1", 443, true);
        row("127.0.0.1", "127.0.0.2", 443, false);
        row("127.0.0.1", "localhost", 443, false);
        row("127.0.0.1", "::ffff:127.0.0.1", 443, true);
        row("127.0.0.1", "[::ffff:7f00:1]", 443, true);
        row("127.0.0.1", "127.0.0.1.", 443, true);
        row("127.0.0.1", "127.1", 443, false);
        row("127.0.0.1", "0127.0.0.1", 443, false);
        row("127.0.0.1", "::1", 443, false);
        row("[::1]:8443", "::1", 8443, true);
        row("[::1]:8443", "[::1]", 8443, true);
        row("[::1]:8443", "0:0:0:0:0:0:0:1", 8443, true);
        row("[::1]:8443", "::1", 443, false);
        row("[::1]", "127.0.0.1", 443, false);
        row("[2001:db8::1]", "2001:DB8::1", 443, true);
        row("[2001:db8::1]", "2001:db8::2", 443, false);
        row("localhost", "localhost", 80, true);
        row("b\xc3\xbc"
            "cher.example",
            "xn--bcher-kva.example", 443, true);
    }
    void matches() {
        QFETCH(QString, pattern);
        QFETCH(QByteArray, host);
        QFETCH(int, port);
        QFETCH(bool, expected);
        QString error;
        const auto parsed = InterceptPattern::parse(pattern, &error);
        QVERIFY2(parsed, qPrintable(error));
        QCOMPARE(parsed->matches(host, quint16(port)), expected);
    }

    void decide_data() {
        QTest::addColumn<QStringList>("includes");
        QTest::addColumn<QStringList>("excludes");
        QTest::addColumn<QByteArray>("host");
        QTest::addColumn<int>("port");
        QTest::addColumn<bool>("intercept");
        QTest::addColumn<QString>("reason");
        auto list = [](std::initializer_list<const char*> items) {
            QStringList out;
            for (const char* item : items)
                out.append(QString::fromUtf8(item));
            return out;
        };
        auto row = [](const char* name, const QStringList& includes, const QStringList& excludes,
                      const char* host, int port, bool intercept, const char* reason) {
            QTest::newRow(name) << includes << excludes << QByteArray(host) << port << intercept
                                << QString::fromUtf8(reason);
        };
        row("no rules", {}, {}, "example.com", 443, false, "no intercept rule matches");
        row("only excludes", {}, list({"example.com"}), "other.com", 443, false,
            "no intercept rule matches");
        row("only excludes, matching", {}, list({"example.com"}), "example.com", 443, false,
            "excluded by example.com");
        row("wildcard include", list({"*.example.com"}), {}, "www.example.com", 443, true,
            "intercepted by *.example.com");
        row("apex not covered", list({"*.example.com"}), {}, "example.com", 443, false,
            "no intercept rule matches");
        row("exclude wins", list({"*.example.com"}), list({"api.example.com"}), "api.example.com",
            443, false, "excluded by api.example.com");
        row("exclude wins over everything", list({"*", "api.example.com"}), list({"*.example.com"}),
            "api.example.com", 443, false, "excluded by *.example.com");
        row("exclude elsewhere", list({"*.example.com"}), list({"api.example.com"}),
            "www.example.com", 443, true, "intercepted by *.example.com");
        row("exclude on another port", list({"*"}), list({"api.example.com:8443"}),
            "api.example.com", 443, true, "intercepted by *");
        row("exclude on its port", list({"*"}), list({"api.example.com:8443"}), "api.example.com",
            8443, false, "excluded by api.example.com:8443");
        row("first include named", list({"*", "*.example.com"}), {}, "a.example.com", 443, true,
            "intercepted by *");
        row("second include matches", list({"other.test", "*.example.com"}), {}, "a.example.com",
            443, true, "intercepted by *.example.com");
        row("canonical text in reason", list({"API.Example.com.:8443"}), {}, "api.example.com",
            8443, true, "intercepted by api.example.com:8443");
        row("IPv6 include", list({"[::1]"}), {}, "::1", 8443, true, "intercepted by [::1]");
        row("IPv4 exclude", list({"*"}), list({"127.0.0.1"}), "127.0.0.1", 80, false,
            "excluded by 127.0.0.1");
    }
    void decide() {
        QFETCH(QStringList, includes);
        QFETCH(QStringList, excludes);
        QFETCH(QByteArray, host);
        QFETCH(int, port);
        QFETCH(bool, intercept);
        QFETCH(QString, reason);
        InterceptRules rules;
        QString error;
        for (const QString& pattern : includes)
            QVERIFY2(rules.addInclude(pattern, &error), qPrintable(error));
        for (const QString& pattern : excludes)
            QVERIFY2(rules.addExclude(pattern, &error), qPrintable(error));
        QCOMPARE(rules.isEmpty(), includes.isEmpty());
        const InterceptRules::Decision decision = rules.decide(host, quint16(port));
        QCOMPARE(decision.intercept, intercept);
        QCOMPARE(decision.reason, reason);
    }

    void editLists() {
        InterceptRules rules;
        QVERIFY(rules.isEmpty());
        QString error;
        QVERIFY(!rules.addInclude(QStringLiteral("*.com.*"), &error));
        QCOMPARE(error, QStringLiteral("*.com.* is not a valid pattern: a wildcard may only be the "
                                       "first label"));
        QVERIFY(rules.isEmpty());
        QVERIFY(!rules.addExclude(QStringLiteral("bad host"), &error));
        QVERIFY(rules.excludes().isEmpty());

        QVERIFY(rules.addInclude(QStringLiteral("*.example.com"), &error));
        QVERIFY(rules.addInclude(QStringLiteral("Other.Test."), nullptr));
        QVERIFY(rules.addInclude(QStringLiteral("*.EXAMPLE.com"), &error)); // same pattern
        QCOMPARE(rules.includes(),
                 QStringList({QStringLiteral("*.example.com"), QStringLiteral("other.test")}));
        QVERIFY(!rules.isEmpty());

        QVERIFY(rules.addExclude(QStringLiteral("[::1]:8443"), &error));
        QCOMPARE(rules.excludes(), QStringList({QStringLiteral("[::1]:8443")}));
        QVERIFY(!rules.removeExclude(QStringLiteral("[::1]")));
        QVERIFY(rules.removeExclude(QStringLiteral("[0:0::1]:8443")));
        QVERIFY(rules.excludes().isEmpty());

        QVERIFY(!rules.removeInclude(QStringLiteral("example.com")));
        QVERIFY(!rules.removeInclude(QStringLiteral("not a pattern")));
        QVERIFY(rules.removeInclude(QStringLiteral("other.test")));
        QCOMPARE(rules.includes(), QStringList({QStringLiteral("*.example.com")}));
        QVERIFY(rules.decide("a.example.com", 443).intercept);
        QVERIFY(rules.removeInclude(QStringLiteral("*.example.com.")));
        QVERIFY(rules.isEmpty());
        QVERIFY(!rules.decide("a.example.com", 443).intercept);

        QVERIFY(rules.addInclude(QStringLiteral("*"), &error));
        QVERIFY(rules.addExclude(QStringLiteral("a.test"), &error));
        rules.clear();
        QVERIFY(rules.isEmpty());
        QVERIFY(rules.excludes().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestInterceptRules)
#include "test_InterceptRules.moc"
