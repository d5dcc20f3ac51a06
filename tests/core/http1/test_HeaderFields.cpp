#include "core/http1/HeaderFields.h"

#include <QTest>

using spyglass::core::http1::HeaderFields;

class TestHeaderFields : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void keepsOrderAndDuplicates() {
        HeaderFields f;
        f.append("Host", "a");
        f.append("Accept", "*/*");
        f.append("accept", "text/html");
        QCOMPARE(f.size(), 3);
        QCOMPARE(f.fields().at(0).name, QByteArray("Host"));
        QCOMPARE(f.fields().at(2).name, QByteArray("accept"));
        QCOMPARE(f.count("ACCEPT"), 2);
        QVERIFY(f.contains("host"));
        QVERIFY(!f.contains("Hos"));
        QCOMPARE(f.value("Accept").value(), QByteArray("*/*"));
        QCOMPARE(f.values("accept"), QList<QByteArray>({"*/*", "text/html"}));
        QVERIFY(!f.value("Missing").has_value());
        QVERIFY(f.values("Missing").isEmpty());
    }

    void setReplacesAtFirstPosition() {
        HeaderFields f;
        f.append("A", "1");
        f.append("B", "2");
        f.append("a", "3");
        f.append("C", "4");
        f.set("A", "x");
        QCOMPARE(f.size(), 3);
        QCOMPARE(f.fields().at(0).name, QByteArray("A"));
        QCOMPARE(f.fields().at(0).value, QByteArray("x"));
        QCOMPARE(f.fields().at(1).name, QByteArray("B"));
        QCOMPARE(f.fields().at(2).name, QByteArray("C"));
        f.set("D", "y");
        QCOMPARE(f.fields().last().name, QByteArray("D"));
        QCOMPARE(f.fields().last().value, QByteArray("y"));
    }

    void removeAllCountsRemoved() {
        HeaderFields f;
        f.append("X", "1");
        f.append("Y", "2");
        f.append("x", "3");
        QCOMPARE(f.removeAll("X"), qsizetype(2));
        QCOMPARE(f.size(), 1);
        QCOMPARE(f.removeAll("X"), qsizetype(0));
        QVERIFY(!f.isEmpty());
    }

    void listElements_data() {
        QTest::addColumn<QList<QByteArray>>("values");
        QTest::addColumn<QList<QByteArray>>("elements");
        QTest::newRow("single") << QList<QByteArray>{"gzip"} << QList<QByteArray>{"gzip"};
        QTest::newRow("ows and empties")
            << QList<QByteArray>{" a ,, b\t, ", ",c"} << QList<QByteArray>{"a", "b", "c"};
        QTest::newRow("case kept") << QList<QByteArray>{"Keep-Alive, UPGRADE"}
                                   << QList<QByteArray>{"Keep-Alive", "UPGRADE"};
        QTest::newRow("quoted comma")
            << QList<QByteArray>{"a; q=\"x,y\", b"} << QList<QByteArray>{"a; q=\"x,y\"", "b"};
        QTest::newRow("escaped quote")
            << QList<QByteArray>{"\"a\\\",b\", c"} << QList<QByteArray>{"\"a\\\",b\"", "c"};
        QTest::newRow("trailing backslash in quote")
            << QList<QByteArray>{"x, \"y\\"} << QList<QByteArray>{"x", "\"y\\"};
        QTest::newRow("only commas") << QList<QByteArray>{" , ,"} << QList<QByteArray>{};
        QTest::newRow("several lines")
            << QList<QByteArray>{"deflate", "chunked"} << QList<QByteArray>{"deflate", "chunked"};
    }
    void listElements() {
        QFETCH(QList<QByteArray>, values);
        QFETCH(QList<QByteArray>, elements);
        HeaderFields f;
        f.append("Other", "z");
        for (const QByteArray& v : values)
            f.append("Transfer-Encoding", v);
        QCOMPARE(f.listElements("transfer-encoding"), elements);
    }

    void hasToken() {
        HeaderFields f;
        f.append("Connection", "keep-alive, Upgrade");
        QVERIFY(f.hasToken("connection", "upgrade"));
        QVERIFY(f.hasToken("Connection", "KEEP-ALIVE"));
        QVERIFY(!f.hasToken("Connection", "close"));
        QVERIFY(!f.hasToken("Connection", "keep"));
        QVERIFY(!f.hasToken("Upgrade", "upgrade"));
    }
};

QTEST_GUILESS_MAIN(TestHeaderFields)
#include "test_HeaderFields.moc"
