// DisplayText: sizes, durations and the truncation banner's reasons.
#include "ui/inspector/DisplayText.h"

#include <QTest>

using spyglass::ui::inspector::DisplayText;

class TestDisplayText : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void bytes() {
        QCOMPARE(DisplayText::bytes(0), QStringLiteral("0 B"));
        QCOMPARE(DisplayText::bytes(1023), QStringLiteral("1023 B"));
        QCOMPARE(DisplayText::bytes(1536), QStringLiteral("1.5 KiB"));
        QCOMPARE(DisplayText::bytes(16 << 20), QStringLiteral("16.0 MiB"));
        QCOMPARE(DisplayText::bytes(qint64{3} << 30), QStringLiteral("3.00 GiB"));
    }

    void durations() {
        QCOMPARE(DisplayText::duration(850), QStringLiteral("850 µs"));
        QCOMPARE(DisplayText::duration(12'300), QStringLiteral("12.3 ms"));
        QCOMPARE(DisplayText::duration(1'250'000), QStringLiteral("1.25 s"));
    }

    // The reasons are the store's (core/store/SessionNames.h kTruncated*).
    void truncationBanner_data() {
        QTest::addColumn<QByteArray>("reason");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("cap") << QByteArray("cap") << QStringLiteral("--body-cap");
        QTest::newRow("saturated")
            << QByteArray("recorder saturated") << QStringLiteral("recorder was saturated");
        QTest::newRow("incomplete")
            << QByteArray("incomplete") << QStringLiteral("did not complete");
        QTest::newRow("unknown") << QByteArray("something new") << QStringLiteral("something new");
    }
    void truncationBanner() {
        QFETCH(QByteArray, reason);
        QFETCH(QString, mentions);
        const QString banner = DisplayText::truncationBanner(reason, 1000, 5000);
        QVERIFY2(banner.contains(mentions), qPrintable(banner));
        QVERIFY(banner.contains(QStringLiteral("1000 of 5000 bytes")));
    }

    void wholeBodyHasNoBanner() { QVERIFY(DisplayText::truncationBanner({}, 10, 10).isEmpty()); }
};

QTEST_GUILESS_MAIN(TestDisplayText)
#include "test_DisplayText.moc"
