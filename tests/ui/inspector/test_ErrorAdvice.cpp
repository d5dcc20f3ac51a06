// ErrorAdvice: the proxy's own error messages get an explanation and a fix.
#include "ui/inspector/ErrorAdvice.h"

#include <QTest>

using spyglass::ui::inspector::ErrorAdvice;

class TestErrorAdvice : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // Messages as core/proxy and core/tls/UpstreamVerification.cpp phrase them.
    void advice_data() {
        QTest::addColumn<QString>("error");
        QTest::addColumn<QString>("fixMentions");
        QTest::addColumn<bool>("openRootCa");
        QTest::newRow("untrusted CA")
            << QStringLiteral("the client does not trust the Spyglass CA — install it, or this "
                              "app pins its certificates (alert unknown_ca)")
            << QStringLiteral("Root CA") << true;
        QTest::newRow("h2 only") << QStringLiteral("the client offered only HTTP/2 (h2); ...")
                                 << QStringLiteral("--http1.1") << false;
        QTest::newRow("unknown authority")
            << QStringLiteral("TLS with example.com:443 failed: the server's certificate was "
                              "issued by an unknown authority (add it with --upstream-ca FILE)")
            << QStringLiteral("--upstream-ca") << false;
        QTest::newRow("self-signed") << QStringLiteral("the server's certificate is self-signed")
                                     << QStringLiteral("--insecure-upstream") << false;
        QTest::newRow("expired") << QStringLiteral("the server's certificate has expired")
                                 << QStringLiteral("clock") << false;
        QTest::newRow("refused") << QStringLiteral("127.0.0.1:1 refused the connection")
                                 << QStringLiteral("running") << false;
        QTest::newRow("timeout")
            << QStringLiteral("x:80 did not accept the connection within 10 s (--connect-timeout)")
            << QStringLiteral("--connect-timeout") << false;
        QTest::newRow("dns") << QStringLiteral("could not resolve the host name of nx.invalid: x")
                             << QStringLiteral("DNS") << false;
        QTest::newRow("port") << QStringLiteral("CONNECT to port 22 is not allowed (allowed: 443)")
                              << QStringLiteral("--allow-port") << false;
    }
    void advice() {
        QFETCH(QString, error);
        QFETCH(QString, fixMentions);
        QFETCH(bool, openRootCa);
        const ErrorAdvice advice = ErrorAdvice::forError(error);
        QVERIFY(!advice.explanation.isEmpty());
        QVERIFY2(advice.fix.contains(fixMentions), qPrintable(advice.fix));
        QCOMPARE(advice.action == ErrorAdvice::Action::OpenRootCa, openRootCa);
    }

    void unknownMessagesGetNoGuess() {
        const ErrorAdvice advice = ErrorAdvice::forError(QStringLiteral("something else broke"));
        QVERIFY(advice.explanation.isEmpty());
        QVERIFY(advice.fix.isEmpty());
        QVERIFY(ErrorAdvice::forError(QString()).fix.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestErrorAdvice)
#include "test_ErrorAdvice.moc"
