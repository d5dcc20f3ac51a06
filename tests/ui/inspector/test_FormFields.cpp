// FormFields: urlencoded pairs and multipart parts, including malformed input.
#include "ui/inspector/FormFields.h"

#include <QTest>

using spyglass::ui::inspector::FormFields;
using spyglass::ui::inspector::ParsedForm;

class TestFormFields : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void urlEncodedDecodesPlusAndPercent() {
        const ParsedForm form = FormFields::parseUrlEncoded("a=1&b=two+words&c=%E2%9C%93&flag&&d=");
        QCOMPARE(form.fields.size(), 5);
        QCOMPARE(form.fields[1].name, QStringLiteral("b"));
        QCOMPARE(form.fields[1].value, QByteArray("two words"));
        QCOMPARE(QString::fromUtf8(form.fields[2].value), QString(QChar(0x2713)));
        QCOMPARE(form.fields[3].name, QStringLiteral("flag"));
        QVERIFY(form.fields[3].value.isEmpty());
        QCOMPARE(form.fields[4].name, QStringLiteral("d"));
        QVERIFY(form.problem.isEmpty());
    }

    void multipartParts_data() {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QStringList>("names");
        QTest::addColumn<QByteArray>("lastValue");
        QTest::addColumn<bool>("complete");
        const QByteArray part1 = "Content-Disposition: form-data; name=\"a\"\r\n\r\nalpha";
        const QByteArray part2 =
            "Content-Disposition: form-data; name=\"f\"; filename=\"x.txt\"\r\n"
            "Content-Type: text/plain\r\n\r\nline1\r\nline2";
        QTest::newRow("two parts") << "--B\r\n" + part1 + "\r\n--B\r\n" + part2 + "\r\n--B--\r\n"
                                   << QStringList{QStringLiteral("a"), QStringLiteral("f")}
                                   << QByteArray("line1\r\nline2") << true;
        QTest::newRow("preamble") << "ignored preamble\r\n--B\r\n" + part1 + "\r\n--B--"
                                  << QStringList{QStringLiteral("a")} << QByteArray("alpha")
                                  << true;
        QTest::newRow("part without head") << QByteArray("--B\r\n\r\nbare\r\n--B--\r\n")
                                           << QStringList{QString()} << QByteArray("bare") << true;
        QTest::newRow("cut") << "--B\r\n" + part1 + "\r\n--B\r\n" + part2.first(60)
                             << QStringList{QStringLiteral("a")} << QByteArray("alpha") << false;
        QTest::newRow("no close") << "--B\r\n" + part1 << QStringList{QStringLiteral("a")}
                                  << QByteArray("alpha") << false;
    }
    void multipartParts() {
        QFETCH(QByteArray, body);
        QFETCH(QStringList, names);
        QFETCH(QByteArray, lastValue);
        QFETCH(bool, complete);
        const ParsedForm form = FormFields::parseMultipart(body, "B");
        QStringList got;
        for (const auto& field : form.fields)
            got << field.name;
        QCOMPARE(got, names);
        QCOMPARE(form.fields.last().value, lastValue);
        QCOMPARE(form.problem.isEmpty(), complete);
    }

    void multipartFileFields() {
        const ParsedForm form = FormFields::parseMultipart(
            "--B\r\nContent-Disposition: form-data; name=\"f\"; filename=\"x.txt\"\r\n"
            "Content-Type: text/plain\r\n\r\ndata\r\n--B--",
            "B");
        QCOMPARE(form.fields.size(), 1);
        QCOMPARE(form.fields[0].fileName, QStringLiteral("x.txt"));
        QCOMPARE(form.fields[0].contentType, QByteArray("text/plain"));
    }

    void multipartWithoutBoundary() {
        QVERIFY(!FormFields::parseMultipart("--B\r\n\r\nx\r\n--B--", "").problem.isEmpty());
        const ParsedForm other = FormFields::parseMultipart("--B\r\n\r\nx\r\n--B--", "Q");
        QVERIFY(other.fields.isEmpty());
        QVERIFY(!other.problem.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestFormFields)
#include "test_FormFields.moc"
