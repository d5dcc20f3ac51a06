// ContentDecoder: every content coding, fed at every split point, chained,
// truncated, corrupt, and the decompression-bomb guards.
#undef QT_NO_CAST_FROM_ASCII
#define QT_RESTRICTED_CAST_FROM_ASCII
#include "Compress.h"
#include "core/store/ContentDecoder.h"

#include <QTest>

using namespace spyglass::core::store;
using spyglass::core::store::testing::Compress;
using Outcome = ContentDecoder::Outcome;

Q_DECLARE_METATYPE(ContentDecoder::Outcome)

namespace {

QByteArray text(qsizetype size) {
    QByteArray data;
    for (int i = 0; data.size() < size; ++i)
        data += "line " + QByteArray::number(i) + " of a body that compresses well\n";
    return data.left(size);
}

QByteArray encode(const QByteArray& coding, const QByteArray& data) {
    if (coding == "gzip" || coding == "x-gzip")
        return Compress::gzip(data);
    if (coding == "deflate")
        return Compress::deflateZlib(data);
    if (coding == "br")
        return Compress::brotli(data);
    if (coding == "zstd")
        return Compress::zstd(data);
    return data;
}

struct Decoded {
    QByteArray data;
    Outcome outcome;
    QString message;
};

Decoded decodeInPieces(const QByteArray& coding, const QByteArray& encoded, qsizetype piece,
                       DecodeLimits limits = {}) {
    ContentDecoder decoder(coding, limits);
    Decoded result;
    const ContentDecoder::Sink sink = [&](QByteArrayView p) {
        result.data.append(p);
        return true;
    };
    for (qsizetype offset = 0; offset < encoded.size(); offset += piece) {
        if (!decoder.feed(
                QByteArrayView(encoded).sliced(offset, std::min(piece, encoded.size() - offset)),
                sink))
            break;
    }
    result.outcome = decoder.finish();
    result.message = decoder.message();
    return result;
}

} // namespace

class TestContentDecoder : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void eachCoding_data() {
        QTest::addColumn<QByteArray>("coding");
        for (const char* c : {"gzip", "x-gzip", "deflate", "br", "zstd", "identity", ""})
            QTest::newRow(*c ? c : "none") << QByteArray(c);
    }
    void eachCoding() {
        QFETCH(QByteArray, coding);
        const QByteArray body = text(300'000);
        const QByteArray encoded = encode(coding, body);
        const Decoded whole = decodeInPieces(coding, encoded, encoded.size());
        QCOMPARE(whole.outcome, Outcome::Complete);
        QCOMPARE(whole.data, body);
        // The store hands bodies over in parts of any size.
        for (qsizetype piece : {1, 7, 4096, 65536}) {
            const Decoded pieces = decodeInPieces(coding, encoded, piece);
            QCOMPARE(pieces.outcome, Outcome::Complete);
            QCOMPARE(pieces.data, body);
        }
    }

    void everySplitPoint_data() {
        QTest::addColumn<QByteArray>("coding");
        for (const char* c : {"gzip", "deflate", "br", "zstd"})
            QTest::newRow(c) << QByteArray(c);
    }
    void everySplitPoint() {
        QFETCH(QByteArray, coding);
        const QByteArray body = text(2000);
        const QByteArray encoded = encode(coding, body);
        for (qsizetype split = 0; split <= encoded.size(); ++split) {
            ContentDecoder decoder(coding);
            QByteArray out;
            const ContentDecoder::Sink sink = [&](QByteArrayView p) {
                out.append(p);
                return true;
            };
            decoder.feed(QByteArrayView(encoded).first(split), sink);
            decoder.feed(QByteArrayView(encoded).sliced(split), sink);
            QCOMPARE(decoder.finish(), Outcome::Complete);
            QCOMPARE(out, body);
        }
    }

    void rawDeflateSentAsDeflate() {
        const QByteArray body = text(5000);
        QCOMPARE(ContentDecoder::decodeAll("deflate", Compress::deflateRaw(body), {}), body);
    }

    void gzipMembersBackToBack() {
        const QByteArray a = text(1000);
        const QByteArray b = "second member";
        const QByteArray both = Compress::gzip(a) + Compress::gzip(b);
        QCOMPARE(ContentDecoder::decodeAll("gzip", both, {}), QByteArray(a + b));
    }

    void zstdFramesBackToBack() {
        const QByteArray frames = Compress::zstd("one ") + Compress::zstd("two");
        QCOMPARE(ContentDecoder::decodeAll("zstd", frames, {}), QByteArray("one two"));
    }

    void chainedCodingsDecodeInReverse() {
        // "Content-Encoding: gzip, br": gzip applied first, so br comes off first.
        const QByteArray body = text(50'000);
        const QByteArray encoded = Compress::brotli(Compress::gzip(body));
        Outcome outcome = Outcome::Corrupt;
        QCOMPARE(ContentDecoder::decodeAll("gzip, br", encoded, {}, &outcome), body);
        QCOMPARE(outcome, Outcome::Complete);
        QCOMPARE(ContentDecoder::decodeAll("GZIP , identity, Br", encoded, {}), body);
    }

    void truncatedInputSaysSo_data() {
        QTest::addColumn<QByteArray>("coding");
        for (const char* c : {"gzip", "deflate", "br", "zstd"})
            QTest::newRow(c) << QByteArray(c);
    }
    void truncatedInputSaysSo() {
        QFETCH(QByteArray, coding);
        // Large enough that half the stream holds whole zstd blocks (128 KiB).
        const QByteArray body = text(1'000'000);
        const QByteArray encoded = encode(coding, body);
        const Decoded cut = decodeInPieces(coding, encoded.left(encoded.size() / 2), 1000);
        QCOMPARE(cut.outcome, Outcome::Truncated);
        QVERIFY(!cut.message.isEmpty());
        // What decoded is a prefix of the body.
        QVERIFY(body.startsWith(cut.data));
        QVERIFY(cut.data.size() > 0);
    }

    void corruptInput_data() {
        QTest::addColumn<QByteArray>("coding");
        for (const char* c : {"gzip", "br", "zstd"})
            QTest::newRow(c) << QByteArray(c);
    }
    void corruptInput() {
        QFETCH(QByteArray, coding);
        const Decoded bad = decodeInPieces(coding, QByteArray(200, '\x5a'), 200);
        QCOMPARE(bad.outcome, Outcome::Corrupt);
        QVERIFY2(bad.message.contains("invalid"), qPrintable(bad.message));
    }

    void unsupportedCoding() {
        ContentDecoder decoder("gzip, compress");
        QCOMPARE(decoder.outcome(), Outcome::Unsupported);
        QVERIFY(decoder.message().contains("compress"));
        QVERIFY(!decoder.feed("x", [](QByteArrayView) { return true; }));
    }

    void outputCap() {
        DecodeLimits limits;
        limits.maxOutput = 10'000;
        const QByteArray body = text(100'000);
        const Decoded capped = decodeInPieces("gzip", Compress::gzip(body), 512, limits);
        QCOMPARE(capped.outcome, Outcome::OutputCapped);
        QCOMPARE(capped.data, body.left(10'000));
    }

    // Bombs: a small input that inflates far beyond anything real content
    // does. Decoding stops at the ratio guard, long before the output cap,
    // after producing about ratio × input bytes.
    void bomb_data() {
        QTest::addColumn<QByteArray>("coding");
        QTest::addColumn<qint64>("inflated");
        QTest::newRow("gzip 256 MiB of zeros") << QByteArray("gzip") << qint64{256} * 1024 * 1024;
        QTest::newRow("br 1 GiB of zeros") << QByteArray("br") << qint64{1024} * 1024 * 1024;
        QTest::newRow("zstd 1 GiB of zeros") << QByteArray("zstd") << qint64{1024} * 1024 * 1024;
        QTest::newRow("gzip inside gzip") << QByteArray("gzip, gzip") << qint64{256} * 1024 * 1024;
    }
    void bomb() {
        QFETCH(QByteArray, coding);
        QFETCH(qint64, inflated);
        QByteArray encoded;
        if (coding == "gzip, gzip") {
            encoded = Compress::gzip(Compress::gzip(QByteArray(inflated, '\0')));
        } else if (coding == "gzip") {
            encoded = Compress::gzip(QByteArray(inflated, '\0'));
        } else {
            // Streamed encoders would be faster, but one 1 GiB buffer is
            // too much for a test: repeat a compressed frame of 64 MiB.
            const QByteArray zeros(64 << 20, '\0');
            const QByteArray frame =
                coding == "br" ? Compress::brotli(zeros) : Compress::zstd(zeros);
            if (coding == "zstd") {
                for (int i = 0; i < inflated / zeros.size(); ++i)
                    encoded += frame; // zstd frames may follow each other
            } else {
                encoded = frame;
                inflated = zeros.size();
            }
        }
        DecodeLimits limits; // the defaults: 64 MiB output, 500:1 past 1 MiB
        const Decoded result = decodeInPieces(coding, encoded, 64 * 1024, limits);
        QCOMPARE(result.outcome, Outcome::Bomb);
        QVERIFY2(result.message.contains("bomb"), qPrintable(result.message));
        QVERIFY(result.data.size() < limits.maxOutput);
        QVERIFY(result.data.size() <=
                std::max(limits.ratioFloor, limits.maxRatio * encoded.size()) + (64 << 10));
    }

    // With an output cap no larger than the ratio floor (what `show` uses),
    // the bomb is still named as one, not merely "capped".
    void aBombUnderASmallCapIsNamed() {
        DecodeLimits limits;
        limits.maxOutput = limits.ratioFloor;
        const QByteArray encoded = Compress::gzip(QByteArray(64 << 20, '\0'));
        const Decoded result = decodeInPieces("gzip", encoded, encoded.size(), limits);
        QCOMPARE(result.outcome, Outcome::Bomb);
        // Ordinary text under the same cap is capped, not called a bomb.
        const QByteArray body = text(4 << 20);
        const Decoded capped = decodeInPieces("gzip", Compress::gzip(body), 1 << 20, limits);
        QCOMPARE(capped.outcome, Outcome::OutputCapped);
    }

    void ordinaryRatiosPass() {
        // JSON-like text compresses 10-50x: far from the guard.
        const QByteArray body = text(8 << 20);
        Outcome outcome = Outcome::Corrupt;
        QCOMPARE(ContentDecoder::decodeAll("br", Compress::brotli(body), {}, &outcome).size(),
                 body.size());
        QCOMPARE(outcome, Outcome::Complete);
    }

    void sinkCanStopEarly() {
        ContentDecoder decoder("gzip");
        int calls = 0;
        const QByteArray encoded = Compress::gzip(text(1 << 20));
        QVERIFY(!decoder.feed(encoded, [&](QByteArrayView) { return ++calls < 2; }));
        QCOMPARE(calls, 2);
    }
};

QTEST_GUILESS_MAIN(TestContentDecoder)
#include "test_ContentDecoder.moc"
