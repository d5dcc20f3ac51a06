// RecordCodec: the spool's bytes for one QueuedRecord. Every field of every
// event must come back exactly, and any malformed input must be refused
// with a message, never read past the end.
#undef QT_NO_CAST_FROM_ASCII
#define QT_RESTRICTED_CAST_FROM_ASCII
#include "core/store/RecordCodec.h"

#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QTest>
#include <QtEndian>
#include <vector>

using namespace spyglass::core;
using namespace spyglass::core::store;

namespace {

// --- Field-by-field comparison: names the fields that differ. ------------

class Diff {
public:
    template <typename T> void eq(const char* name, const T& a, const T& b) {
        if (!(a == b))
            m_fields << QString::fromLatin1(name);
    }
    [[nodiscard]] QString text() const { return m_fields.join(QStringLiteral(", ")); }

private:
    QStringList m_fields;
};

void compare(Diff& d, const record::ExchangeBegin& a, const record::ExchangeBegin& b) {
    d.eq("begin.id", a.id, b.id);
    d.eq("begin.startUs", a.startUs, b.startUs);
    d.eq("begin.mode", a.mode, b.mode);
    d.eq("begin.client", a.client, b.client);
    d.eq("begin.scheme", a.scheme, b.scheme);
    d.eq("begin.host", a.host, b.host);
    d.eq("begin.port", a.port, b.port);
    d.eq("begin.method", a.method, b.method);
    d.eq("begin.path", a.path, b.path);
    d.eq("begin.sni", a.sni, b.sni);
}

void compare(Diff& d, const record::HeadRecord& a, const record::HeadRecord& b) {
    d.eq("head.id", a.id, b.id);
    d.eq("head.direction", a.direction, b.direction);
    d.eq("head.status", a.status, b.status);
    d.eq("head.raw", a.raw, b.raw);
    d.eq("head.forwarded", a.forwarded, b.forwarded);
}

void compare(Diff& d, const record::BodyChunk& a, const record::BodyChunk& b) {
    d.eq("chunk.id", a.id, b.id);
    d.eq("chunk.direction", a.direction, b.direction);
    d.eq("chunk.data", a.data, b.data);
    d.eq("chunk.chunked", a.chunked, b.chunked);
}

void compare(Diff& d, const record::TlsRecord& a, const record::TlsRecord& b) {
    d.eq("tls.id", a.id, b.id);
    d.eq("tls.leg", a.leg, b.leg);
    d.eq("tls.version", a.version, b.version);
    d.eq("tls.cipher", a.cipher, b.cipher);
    d.eq("tls.alpn", a.alpn, b.alpn);
    d.eq("tls.sni", a.sni, b.sni);
    d.eq("tls.chainDer", a.chainDer, b.chainDer);
    d.eq("tls.verified", a.verified, b.verified);
    d.eq("tls.insecureException", a.insecureException, b.insecureException);
}

void compare(Diff& d, const record::ExchangeEnd& a, const record::ExchangeEnd& b) {
    d.eq("end.id", a.id, b.id);
    const record::Timings& x = a.timings;
    const record::Timings& y = b.timings;
    d.eq("end.timings.acceptUs", x.acceptUs, y.acceptUs);
    d.eq("end.timings.connectRequestUs", x.connectRequestUs, y.connectRequestUs);
    d.eq("end.timings.upstreamConnectStartUs", x.upstreamConnectStartUs, y.upstreamConnectStartUs);
    d.eq("end.timings.upstreamConnectedUs", x.upstreamConnectedUs, y.upstreamConnectedUs);
    d.eq("end.timings.clientTlsStartUs", x.clientTlsStartUs, y.clientTlsStartUs);
    d.eq("end.timings.clientTlsDoneUs", x.clientTlsDoneUs, y.clientTlsDoneUs);
    d.eq("end.timings.serverTlsStartUs", x.serverTlsStartUs, y.serverTlsStartUs);
    d.eq("end.timings.serverTlsDoneUs", x.serverTlsDoneUs, y.serverTlsDoneUs);
    d.eq("end.timings.requestStartUs", x.requestStartUs, y.requestStartUs);
    d.eq("end.timings.requestSentUs", x.requestSentUs, y.requestSentUs);
    d.eq("end.timings.responseStartUs", x.responseStartUs, y.responseStartUs);
    d.eq("end.timings.doneUs", x.doneUs, y.doneUs);
    d.eq("end.status", a.status, b.status);
    d.eq("end.requestWireBytes", a.requestWireBytes, b.requestWireBytes);
    d.eq("end.responseWireBytes", a.responseWireBytes, b.responseWireBytes);
    d.eq("end.requestBodyBytes", a.requestBodyBytes, b.requestBodyBytes);
    d.eq("end.responseBodyBytes", a.responseBodyBytes, b.responseBodyBytes);
    d.eq("end.contentType", a.contentType, b.contentType);
    d.eq("end.error", a.error, b.error);
    d.eq("end.note", a.note, b.note);
}

// Empty when the records are equal, else the names of the differing fields.
QString differences(const QueuedRecord& a, const QueuedRecord& b) {
    Diff d;
    d.eq("event type", a.event.index(), b.event.index());
    if (a.event.index() == b.event.index()) {
        std::visit(
            [&](const auto& x) {
                using T = std::decay_t<decltype(x)>;
                compare(d, x, std::get<T>(b.event));
            },
            a.event);
    }
    for (int i = 0; i < 2; ++i) {
        d.eq(i == 0 ? "bodies[0].droppedBytes" : "bodies[1].droppedBytes", a.bodies[i].droppedBytes,
             b.bodies[i].droppedBytes);
        d.eq(i == 0 ? "bodies[0].overCap" : "bodies[1].overCap", a.bodies[i].overCap,
             b.bodies[i].overCap);
        d.eq(i == 0 ? "bodies[0].saturated" : "bodies[1].saturated", a.bodies[i].saturated,
             b.bodies[i].saturated);
        d.eq(i == 0 ? "bodies[0].chunked" : "bodies[1].chunked", a.bodies[i].chunked,
             b.bodies[i].chunked);
    }
    d.eq("damaged", a.damaged, b.damaged);
    return d.text();
}

// --- Records with every field set to something distinctive. -------------

// Bytes 0..255 and back, so NULs and high bytes sit everywhere.
QByteArray binary(int size, int seed) {
    QByteArray bytes(size, Qt::Uninitialized);
    for (int i = 0; i < size; ++i)
        bytes[i] = char((i * 7 + seed) & 0xff);
    return bytes;
}

// A literal with embedded NULs, all of it (without the terminating NUL).
template <size_t N> QByteArray withNuls(const char (&literal)[N]) {
    return QByteArray(literal, N - 1);
}

// Distinct fates per direction (so a swap shows) and every flag set in one.
QueuedRecord withTrailer(record::RecordEvent event) {
    QueuedRecord r;
    r.event = std::move(event);
    r.bodies[0] = BodyFate{123456789, true, true, true};
    r.bodies[1] = BodyFate{qint64(1) << 40, false, true, false};
    r.damaged = true;
    return r;
}

QueuedRecord sampleBegin() {
    record::ExchangeBegin b;
    b.id = 0x0123456789abcdefULL;
    b.startUs = 1'700'000'000'123'456;
    b.mode = record::Mode::Intercepted;
    // Latin-1, Cyrillic, CJK and a surrogate pair (U+1F50D).
    b.client = QString::fromUtf8("[::1]:54321 ünïcødé Привет 中文 \xF0\x9F\x94\x8D");
    b.scheme = "https";
    b.host = "xn--bcher-kva.example";
    b.port = 65534;
    b.method = "PATCH";
    b.path = withNuls("/a?b=%00&c=\0\xff");
    b.sni = QByteArray(); // empty beside non-empty neighbours
    return withTrailer(b);
}

QueuedRecord sampleHead() {
    record::HeadRecord h;
    h.id = 42;
    h.direction = record::Direction::Response;
    h.status = 418;
    h.raw = withNuls("HTTP/1.1 418 Teapot\r\nX-Bin: \0\x01\x7f\x80\xff\r\n\r\n");
    h.forwarded = ""; // empty, not null: both decode as empty
    return withTrailer(h);
}

QueuedRecord sampleChunk() {
    record::BodyChunk c;
    c.id = 0xffffffffffffffffULL;
    c.direction = record::Direction::Response;
    c.data = binary(4099, 3);
    c.chunked = true;
    return withTrailer(c);
}

QueuedRecord sampleTls() {
    record::TlsRecord t;
    t.id = 7;
    t.leg = record::TlsLeg::Server;
    t.version = "TLSv1.3";
    t.cipher = "TLS_CHACHA20_POLY1305_SHA256";
    t.alpn = "h2";
    t.sni = "sni.example.org";
    t.chainDer = {binary(1203, 1), binary(977, 2), binary(1500, 5)}; // leaf, intermediate, root
    t.verified = true;
    t.insecureException = true;
    return withTrailer(t);
}

QueuedRecord sampleEnd() {
    record::ExchangeEnd e;
    e.id = 99;
    qint64 t = 1'700'000'000'000'000;
    for (qint64* field :
         {&e.timings.acceptUs, &e.timings.connectRequestUs, &e.timings.upstreamConnectStartUs,
          &e.timings.upstreamConnectedUs, &e.timings.clientTlsStartUs, &e.timings.clientTlsDoneUs,
          &e.timings.serverTlsStartUs, &e.timings.serverTlsDoneUs, &e.timings.requestStartUs,
          &e.timings.requestSentUs, &e.timings.responseStartUs, &e.timings.doneUs})
        *field = (t += 1111);
    e.status = 599;
    e.requestWireBytes = 3'000'000'001;
    e.responseWireBytes = -2; // the codec keeps what it is given, sign included
    e.requestBodyBytes = 123;
    e.responseBodyBytes = qint64(5) << 33;
    e.contentType = "application/json; charset=utf-8";
    e.error = QString::fromUtf8("TLS-Fehler: Zertifikat ungültig — ошибка");
    e.note = QString::fromUtf8("not intercepted: pinned \xF0\x9F\x93\x8C");
    return withTrailer(e);
}

struct Sample {
    const char* name;
    QueuedRecord record;
};

std::vector<Sample> samples() {
    std::vector<Sample> all = {{"ExchangeBegin", sampleBegin()},
                               {"HeadRecord", sampleHead()},
                               {"BodyChunk", sampleChunk()},
                               {"TlsRecord", sampleTls()},
                               {"ExchangeEnd", sampleEnd()}};
    // And each type with every field at its default (false flags, zeros).
    all.push_back({"default ExchangeBegin", QueuedRecord{record::ExchangeBegin{}}});
    all.push_back({"default HeadRecord", QueuedRecord{record::HeadRecord{}}});
    all.push_back({"default BodyChunk", QueuedRecord{record::BodyChunk{}}});
    all.push_back({"default TlsRecord", QueuedRecord{record::TlsRecord{}}});
    all.push_back({"default ExchangeEnd", QueuedRecord{record::ExchangeEnd{}}});
    return all;
}

// QVERIFY2 builds its message even when the check passes.
QString why(const Result<QueuedRecord>& result) {
    return result.ok() ? QString() : result.errorMessage();
}

QByteArray encoded(const QueuedRecord& record) {
    QByteArray out;
    encodeRecord(record, out);
    return out;
}

// Offsets into an encoded ExchangeBegin: format, tag, id (8), startUs (8),
// mode, then the client's length.
constexpr int kTagOffset = 1;
constexpr int kBeginModeOffset = 18;
constexpr int kBeginClientLengthOffset = 19;

void putU32(QByteArray& bytes, int offset, quint32 value) {
    qToLittleEndian<quint32>(value, bytes.data() + offset);
}

} // namespace

class TestRecordCodec : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void roundTripsEveryField_data() {
        QTest::addColumn<int>("index");
        const auto all = samples();
        for (int i = 0; i < int(all.size()); ++i)
            QTest::newRow(all[size_t(i)].name) << i;
    }
    void roundTripsEveryField() {
        QFETCH(int, index);
        const QueuedRecord original = samples()[size_t(index)].record;
        const QByteArray bytes = encoded(original);
        auto decoded = decodeRecord(bytes);
        QVERIFY2(decoded.ok(), qPrintable(why(decoded)));
        QCOMPARE(differences(original, decoded.value()), QString());
        // Encoding what came back gives the same bytes: nothing was lost.
        QCOMPARE(encoded(decoded.value()), bytes);
    }

    // The comparison above would pass vacuously if `differences` missed
    // fields; it must name each change.
    void comparisonSeesChanges() {
        const QueuedRecord base = sampleTls();
        QCOMPARE(differences(base, base), QString());
        QueuedRecord other = base;
        std::get<record::TlsRecord>(other.event).chainDer[2][0] = 'X';
        QCOMPARE(differences(base, other), QStringLiteral("tls.chainDer"));
        other = base;
        other.bodies[1].saturated = false;
        QCOMPARE(differences(base, other), QStringLiteral("bodies[1].saturated"));
        other = base;
        other.damaged = false;
        QCOMPARE(differences(base, other), QStringLiteral("damaged"));
        QCOMPARE(differences(base, sampleEnd()), QStringLiteral("event type"));
        QueuedRecord end = sampleEnd();
        std::get<record::ExchangeEnd>(end.event).timings.serverTlsDoneUs += 1;
        QCOMPARE(differences(sampleEnd(), end), QStringLiteral("end.timings.serverTlsDoneUs"));
    }

    // The spool appends records to one buffer and remembers their sizes.
    void decodesConcatenatedRecordsOneByOne() {
        const auto all = samples();
        QByteArray spool("earlier bytes");
        const QByteArray prefix = spool;
        std::vector<qsizetype> sizes;
        for (int round = 0; round < 3; ++round) {
            for (const Sample& s : all) {
                const qsizetype before = spool.size();
                encodeRecord(s.record, spool);
                sizes.push_back(spool.size() - before);
            }
        }
        QVERIFY(spool.startsWith(prefix));
        qsizetype at = prefix.size();
        for (size_t i = 0; i < sizes.size(); ++i) {
            auto decoded = decodeRecord(QByteArrayView(spool).sliced(at, sizes[i]));
            QVERIFY2(decoded.ok(), qPrintable(why(decoded)));
            QCOMPARE(differences(all[i % all.size()].record, decoded.value()), QString());
            at += sizes[i];
        }
        QCOMPARE(at, spool.size());
    }

    void rejectsEveryTruncation_data() { roundTripsEveryField_data(); }
    void rejectsEveryTruncation() {
        QFETCH(int, index);
        const QByteArray bytes = encoded(samples()[size_t(index)].record);
        for (qsizetype length = 0; length < bytes.size(); ++length) {
            auto decoded = decodeRecord(QByteArrayView(bytes).first(length));
            QVERIFY2(!decoded.ok(), qPrintable(QStringLiteral("a prefix of %1 of %2 bytes decoded")
                                                   .arg(length)
                                                   .arg(bytes.size())));
            const QString& message = decoded.errorMessage();
            QVERIFY2(message.contains(QStringLiteral("truncated")) ||
                         message.contains(QStringLiteral("past the end")) ||
                         message.contains(QStringLiteral("cannot fit")),
                     qPrintable(message));
        }
    }

    void rejectsAnUnknownTag() {
        for (quint8 tag : {quint8(5), quint8(0xff)}) {
            QByteArray bytes = encoded(sampleBegin());
            bytes[kTagOffset] = char(tag);
            auto decoded = decodeRecord(bytes);
            QVERIFY(!decoded.ok());
            QVERIFY2(decoded.errorMessage().contains(
                         QStringLiteral("unknown event tag %1 (expected 0-4)").arg(tag)),
                     qPrintable(decoded.errorMessage()));
        }
    }

    void rejectsAnUnknownEnumValue() {
        QByteArray bytes = encoded(sampleBegin());
        QCOMPARE(int(bytes[kBeginModeOffset]), int(record::Mode::Intercepted)); // offset check
        bytes[kBeginModeOffset] = 3;
        auto decoded = decodeRecord(bytes);
        QVERIFY(!decoded.ok());
        QCOMPARE(decoded.errorMessage(),
                 QStringLiteral("spool record: ExchangeBegin.mode at byte 18: unknown enum value "
                                "3 (expected 0-2)"));

        // Direction, one byte after the id of a head.
        bytes = encoded(sampleHead());
        bytes[10] = 2;
        decoded = decodeRecord(bytes);
        QVERIFY(!decoded.ok());
        QVERIFY2(decoded.errorMessage().contains(QStringLiteral("HeadRecord.direction")),
                 qPrintable(decoded.errorMessage()));
    }

    void rejectsABoolThatIsNeither() {
        QByteArray bytes = encoded(sampleEnd());
        bytes[bytes.size() - 1] = 2; // damaged
        auto decoded = decodeRecord(bytes);
        QVERIFY(!decoded.ok());
        QCOMPARE(decoded.errorMessage(),
                 QStringLiteral("spool record: QueuedRecord.damaged at byte %1: a bool holds 2 "
                                "(expected 0 or 1)")
                     .arg(bytes.size() - 1));
    }

    void rejectsTrailingBytes() {
        QByteArray bytes = encoded(sampleChunk());
        const qsizetype end = bytes.size();
        bytes.append("xyz");
        auto decoded = decodeRecord(bytes);
        QVERIFY(!decoded.ok());
        QCOMPARE(decoded.errorMessage(),
                 QStringLiteral("spool record: 3 trailing bytes after the record's end at byte %1")
                     .arg(end));
    }

    // 0xFFFFFFFF is -1 read as a signed 32-bit size: it must not wrap to a
    // small length or a negative one.
    void rejectsAHugeLength() {
        QByteArray bytes = encoded(sampleBegin());
        putU32(bytes, kBeginClientLengthOffset, 0xffffffffU);
        auto decoded = decodeRecord(bytes);
        QVERIFY(!decoded.ok());
        QCOMPARE(decoded.errorMessage(),
                 QStringLiteral("spool record: ExchangeBegin.client at byte 19: a length of "
                                "4294967295 bytes runs past the end (%1 bytes left)")
                     .arg(bytes.size() - kBeginClientLengthOffset - 4));

        // The same for a certificate count, refused before anything is
        // reserved for it.
        const QueuedRecord tls = sampleTls();
        bytes = encoded(tls);
        const auto& t = std::get<record::TlsRecord>(tls.event);
        const int countOffset =
            2 + 8 + 1 + 4 * 4 +
            int(t.version.size() + t.cipher.size() + t.alpn.size() + t.sni.size());
        QCOMPARE(qFromLittleEndian<quint32>(bytes.constData() + countOffset), 3U); // offset check
        putU32(bytes, countOffset, 0xffffffffU);
        decoded = decodeRecord(bytes);
        QVERIFY(!decoded.ok());
        QVERIFY2(decoded.errorMessage().contains(
                     QStringLiteral("TlsRecord.chainDer at byte %1: a count of 4294967295 items "
                                    "cannot fit")
                         .arg(countOffset)),
                 qPrintable(decoded.errorMessage()));
    }

    void rejectsAnotherFormatVersion() {
        QByteArray bytes = encoded(sampleHead());
        QCOMPARE(int(bytes[0]), 1);
        bytes[0] = 2;
        auto decoded = decodeRecord(bytes);
        QVERIFY(!decoded.ok());
        QVERIFY2(decoded.errorMessage().contains(QStringLiteral("format version 2")),
                 qPrintable(decoded.errorMessage()));
    }

    void rejectsInvalidUtf8() {
        QByteArray bytes = encoded(sampleBegin());
        const int firstByte = kBeginClientLengthOffset + 4;
        QCOMPARE(bytes[firstByte], '['); // offset check
        bytes[firstByte] = char(0xff);   // never valid in UTF-8
        auto decoded = decodeRecord(bytes);
        QVERIFY(!decoded.ok());
        QVERIFY2(decoded.errorMessage().contains(
                     QStringLiteral("ExchangeBegin.client at byte 19: a string of")) &&
                     decoded.errorMessage().contains(QStringLiteral("not valid UTF-8")),
                 qPrintable(decoded.errorMessage()));
    }

    // Random damage to valid records: each decode either succeeds (then the
    // result re-encodes to the same bytes: the codec has one encoding per
    // record) or fails with a message. Bounded and seeded, so reproducible.
    void survivesRandomDamage() {
        QRandomGenerator random(20240611);
        int refused = 0;
        int accepted = 0;
        for (const Sample& s : samples()) {
            const QByteArray valid = encoded(s.record);
            for (int round = 0; round < 400; ++round) {
                QByteArray bytes = valid;
                const int flips = 1 + random.bounded(4);
                for (int i = 0; i < flips; ++i)
                    bytes[random.bounded(int(bytes.size()))] = char(random.bounded(256));
                auto decoded = decodeRecord(bytes);
                if (decoded.ok()) {
                    ++accepted;
                    QCOMPARE(encoded(decoded.value()), bytes);
                } else {
                    ++refused;
                    QVERIFY(decoded.errorMessage().startsWith(QStringLiteral("spool record: ")));
                }
            }
        }
        // Both outcomes happened, so both branches above were exercised.
        QVERIFY(refused > 0);
        QVERIFY(accepted > 0);
    }

    // Prints the cost of one record of a typical exchange (begin, two heads,
    // a body chunk, end); never asserted.
    void printsCostPerRecord() {
        record::ExchangeBegin begin;
        begin.client = QStringLiteral("127.0.0.1:50123");
        begin.scheme = "https";
        begin.host = "api.example.com";
        begin.port = 443;
        begin.method = "GET";
        begin.path = "/v1/items?page=2";
        record::HeadRecord request{1, record::Direction::Request, 0, QByteArray(320, 'q'),
                                   QByteArray(300, 'q')};
        record::HeadRecord response{1, record::Direction::Response, 200, QByteArray(220, 'r'),
                                    QByteArray(210, 'r')};
        record::BodyChunk chunk{1, record::Direction::Response, QByteArray(1024, 'b'), false};
        record::ExchangeEnd end;
        end.contentType = "application/json";
        const std::vector<QueuedRecord> exchange = {QueuedRecord{begin}, QueuedRecord{request},
                                                    QueuedRecord{response}, QueuedRecord{chunk},
                                                    QueuedRecord{end}};

        // The spool encodes into one buffer that it writes out and reuses
        // (resize(0) keeps the capacity), so time that, in batches; a
        // buffer that only grows would mostly time the kernel's first touch
        // of fresh pages.
        constexpr int kBatches = 100;
        constexpr int kExchangesPerBatch = 200;
        constexpr int kRecords = kBatches * kExchangesPerBatch * 5;
        QByteArray spool;
        std::vector<qsizetype> sizes;
        sizes.reserve(kExchangesPerBatch * 5);
        qint64 encodeNs = 0;
        qint64 decodeNs = 0;
        qint64 encodedBytes = 0;
        int decodedOk = 0;
        QElapsedTimer timer;
        for (int batch = 0; batch < kBatches; ++batch) {
            spool.resize(0);
            sizes.clear();
            timer.start();
            for (int i = 0; i < kExchangesPerBatch; ++i) {
                for (const QueuedRecord& r : exchange) {
                    const qsizetype before = spool.size();
                    encodeRecord(r, spool);
                    sizes.push_back(spool.size() - before);
                }
            }
            encodeNs += timer.nsecsElapsed();
            encodedBytes += spool.size();

            timer.start();
            qsizetype at = 0;
            for (qsizetype size : sizes) {
                decodedOk += decodeRecord(QByteArrayView(spool).sliced(at, size)).ok() ? 1 : 0;
                at += size;
            }
            decodeNs += timer.nsecsElapsed();
        }
        QCOMPARE(decodedOk, kRecords);

        qInfo("RecordCodec: %d records, %.1f bytes/record: encode %.0f ns/record, decode %.0f "
              "ns/record",
              kRecords, double(encodedBytes) / kRecords, double(encodeNs) / kRecords,
              double(decodeNs) / kRecords);
    }
};

QTEST_GUILESS_MAIN(TestRecordCodec)
#include "test_RecordCodec.moc"
