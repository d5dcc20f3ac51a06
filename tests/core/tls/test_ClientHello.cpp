#include "HelloBytes.h"
#include "core/tls/ClientHello.h"

#include <QRandomGenerator>
#include <QTest>

using namespace spyglass::core::tls;
using namespace hello;

Q_DECLARE_METATYPE(ClientHelloStatus)

namespace spyglass::core::tls {
// Readable QCOMPARE failures (found by argument-dependent lookup).
char* toString(ClientHelloStatus status) {
    switch (status) {
    case ClientHelloStatus::NeedMoreData:
        return qstrdup("NeedMoreData");
    case ClientHelloStatus::Complete:
        return qstrdup("Complete");
    case ClientHelloStatus::NotTls:
        return qstrdup("NotTls");
    case ClientHelloStatus::Invalid:
        return qstrdup("Invalid");
    }
    return qstrdup("?");
}
} // namespace spyglass::core::tls

namespace {

const QList<QByteArray> kH2Http11 = {QByteArrayLiteral("h2"), QByteArrayLiteral("http/1.1")};

// An ALPN list of `count` distinct names of `length` bytes each.
QList<QByteArray> manyProtocols(int count, int length) {
    QList<QByteArray> out;
    for (int i = 0; i < count; ++i) {
        QByteArray name = QByteArray::number(i) + QByteArrayLiteral("-proto-");
        name += QByteArray(length - name.size(), 'x');
        out.append(name);
    }
    return out;
}

QByteArray tls13Hello() {
    return opensslClientHello({TLS1_3_VERSION, QByteArrayLiteral("www.example.com"), kH2Http11});
}

} // namespace

class TestClientHello : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void opensslHello_data() {
        QTest::addColumn<int>("maxVersion");
        QTest::addColumn<QByteArray>("sni");
        QTest::addColumn<QByteArrayList>("alpn");
        QTest::addColumn<QByteArray>("expectedSni");
        QTest::addColumn<QList<quint16>>("expectedVersions");
        const QList<quint16> tls13 = {0x0304, 0x0303};
        const QList<quint16> none;
        const QByteArray host = QByteArrayLiteral("www.example.com");
        QTest::newRow("TLS 1.2, no SNI, no ALPN")
            << TLS1_2_VERSION << QByteArray() << QByteArrayList() << QByteArray() << none;
        QTest::newRow("TLS 1.2, SNI, ALPN") << TLS1_2_VERSION << host << kH2Http11 << host << none;
        QTest::newRow("TLS 1.3, no SNI, no ALPN")
            << TLS1_3_VERSION << QByteArray() << QByteArrayList() << QByteArray() << tls13;
        QTest::newRow("TLS 1.3, no SNI, ALPN")
            << TLS1_3_VERSION << QByteArray() << kH2Http11 << QByteArray() << tls13;
        QTest::newRow("TLS 1.3, SNI, ALPN") << TLS1_3_VERSION << host << kH2Http11 << host << tls13;
        QTest::newRow("TLS 1.3, upper-case SNI")
            << TLS1_3_VERSION << QByteArrayLiteral("API.Example.COM") << QByteArrayList()
            << QByteArrayLiteral("api.example.com") << tls13;
        QTest::newRow("TLS 1.3, SNI with trailing dot")
            << TLS1_3_VERSION << QByteArrayLiteral("example.org.") << QByteArrayList()
            << QByteArrayLiteral("example.org") << tls13;
        QTest::newRow("TLS 1.3, IDN SNI")
            << TLS1_3_VERSION << QByteArrayLiteral("xn--bcher-kva.example") << kH2Http11
            << QByteArrayLiteral("xn--bcher-kva.example") << tls13;
    }
    void opensslHello() {
        QFETCH(int, maxVersion);
        QFETCH(QByteArray, sni);
        QFETCH(QByteArrayList, alpn);
        QFETCH(QByteArray, expectedSni);
        QFETCH(QList<quint16>, expectedVersions);
        const QByteArray bytes = opensslClientHello({maxVersion, sni, alpn});
        QVERIFY(!bytes.isEmpty());
        QVERIFY(looksLikeTls(bytes));

        const ClientHelloResult result = parseClientHello(bytes);
        QCOMPARE(result.status, ClientHelloStatus::Complete);
        QVERIFY2(result.error.isEmpty(), qPrintable(result.error));
        QCOMPARE(result.info.sni, expectedSni);
        QCOMPARE(result.info.alpn, alpn);
        QCOMPARE(result.info.legacyVersion, quint16(0x0303));
        QCOMPARE(result.info.supportedVersions, expectedVersions);
        QCOMPARE(result.info.totalBytes, bytes.size());
    }

    // A ClientHello bigger than one record: OpenSSL fragments it itself.
    void opensslMultiRecord_data() {
        QTest::addColumn<int>("protocolCount");
        QTest::addColumn<unsigned>("maxFragment");
        QTest::addColumn<int>("minRecords");
        QTest::newRow("20 KiB of ALPN, default fragment") << 100 << 0u << 2;
        QTest::newRow("2 KiB of ALPN, 512-byte fragments") << 10 << 512u << 4;
        QTest::newRow("48 KiB of ALPN, 512-byte fragments") << 240 << 512u << 90;
    }
    void opensslMultiRecord() {
        QFETCH(int, protocolCount);
        QFETCH(unsigned, maxFragment);
        QFETCH(int, minRecords);
        const QList<QByteArray> alpn = manyProtocols(protocolCount, 200);
        const QByteArray bytes = opensslClientHello(
            {TLS1_3_VERSION, QByteArrayLiteral("big.example"), alpn, maxFragment});
        QVERIFY(!bytes.isEmpty());
        int records = 0;
        handshakeBytes(bytes, &records);
        QVERIFY2(records >= minRecords, QByteArray::number(records).constData());

        const ClientHelloResult result = parseClientHello(bytes);
        QCOMPARE(result.status, ClientHelloStatus::Complete);
        QCOMPARE(result.info.sni, QByteArrayLiteral("big.example"));
        QCOMPARE(result.info.alpn, alpn);
        QCOMPARE(result.info.totalBytes, bytes.size());
    }

    // Every strict prefix needs more data; the whole is complete; what
    // follows (the client's next flight, or junk) does not change the result.
    void everyPrefix_data() {
        QTest::addColumn<QByteArray>("bytes");
        QTest::newRow("TLS 1.3 single record") << tls13Hello();
        QTest::newRow("TLS 1.2 single record")
            << opensslClientHello({TLS1_2_VERSION, QByteArrayLiteral("a.example"), {}});
        QTest::newRow("many 512-byte records") << opensslClientHello(
            {TLS1_3_VERSION, QByteArrayLiteral("a.example"), manyProtocols(20, 100), 512});
    }
    void everyPrefix() {
        QFETCH(QByteArray, bytes);
        QVERIFY(!bytes.isEmpty());
        for (qsizetype n = 0; n < bytes.size(); ++n) {
            const ClientHelloResult result = parseClientHello(QByteArrayView(bytes).first(n));
            if (result.status != ClientHelloStatus::NeedMoreData)
                QFAIL(
                    qPrintable(QStringLiteral("prefix of %1 bytes: %2").arg(n).arg(result.error)));
        }
        const ClientHelloResult whole = parseClientHello(bytes);
        QCOMPARE(whole.status, ClientHelloStatus::Complete);
        const ClientHelloResult more = parseClientHello(
            QByteArray(bytes + record(QByteArrayLiteral("\x14\x00"), 20) + "junk"));
        QCOMPARE(more.status, ClientHelloStatus::Complete);
        QCOMPARE(more.info.totalBytes, bytes.size());
        QCOMPARE(more.info.sni, whole.info.sni);
    }

    // The same handshake message split into two records at every offset, and
    // into one record per byte for the header.
    void splitAtEveryOffset() {
        const QByteArray original = tls13Hello();
        QVERIFY(!original.isEmpty());
        const ClientHelloResult expected = parseClientHello(original);
        QCOMPARE(expected.status, ClientHelloStatus::Complete);
        const QByteArray message = handshakeBytes(original);
        for (qsizetype cut = 1; cut < message.size(); ++cut) {
            const QByteArray split = reframe(message, {cut});
            const ClientHelloResult result = parseClientHello(split);
            if (result.status != ClientHelloStatus::Complete)
                QFAIL(qPrintable(QStringLiteral("cut at %1: %2").arg(cut).arg(result.error)));
            QCOMPARE(result.info.totalBytes, split.size());
            QCOMPARE(result.info.sni, expected.info.sni);
            QCOMPARE(result.info.alpn, expected.info.alpn);
            QCOMPARE(result.info.supportedVersions, expected.info.supportedVersions);
            // Until the second record is whole, it is not complete.
            QCOMPARE(parseClientHello(QByteArrayView(split).chopped(1)).status,
                     ClientHelloStatus::NeedMoreData);
        }
        const QByteArray byteRecords = reframe(message, {1, 2, 3, 4});
        const ClientHelloResult result = parseClientHello(byteRecords);
        QCOMPARE(result.status, ClientHelloStatus::Complete);
        QCOMPARE(result.info.totalBytes, byteRecords.size());
        QCOMPARE(result.info.sni, expected.info.sni);
    }

    void malformed_data() {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<ClientHelloStatus>("status");
        QTest::addColumn<QString>("errorContains");
        using S = ClientHelloStatus;
        const QByteArray okSni = sniExtension({QByteArrayLiteral("ok.example")});
        auto row = [](const char* name, const QByteArray& bytes, S status, const char* error) {
            QTest::newRow(name) << bytes << status << QString::fromLatin1(error);
        };

        // Not TLS at all: the tunnel relays these unchanged.
        row("HTTP request", QByteArrayLiteral("GET / HTTP/1.1\r\n"), S::NotTls, "record type 71");
        row("SSLv2-compatible hello", QByteArrayLiteral("\x80\x2e\x01\x03\x01"), S::NotTls,
            "not a TLS handshake");
        row("alert record", QByteArrayLiteral("\x15\x03\x03\x00\x02\x02\x28"), S::NotTls,
            "record type 21");
        row("major version 2", QByteArrayLiteral("\x16\x02"), S::NotTls, "major 2");
        row("version 0x0305", QByteArrayLiteral("\x16\x03\x05"), S::NotTls, "0x0305");

        // Prefixes.
        row("empty", {}, S::NeedMoreData, "");
        row("one byte", QByteArrayLiteral("\x16"), S::NeedMoreData, "");
        row("four header bytes", QByteArrayLiteral("\x16\x03\x01\x00"), S::NeedMoreData, "");
        row("record header only", QByteArrayLiteral("\x16\x03\x01\x00\x40"), S::NeedMoreData, "");
        row("64 KiB hello announced",
            record(QByteArrayLiteral("\x01") + u24(64 * 1024 - 4)).first(9), S::NeedMoreData, "");

        // Records.
        row("empty record", QByteArrayLiteral("\x16\x03\x01\x00\x00"), S::Invalid, "zero-length");
        row("record over 2^14", QByteArrayLiteral("\x16\x03\x01\x40\x01"), S::Invalid, "16385");
        row("alert between fragments",
            QByteArrayLiteral("\x16\x03\x01\x00\x02\x01\x00") + record("\x02\x28", 21), S::Invalid,
            "interleaved");
        row("bad version in second record",
            QByteArrayLiteral("\x16\x03\x01\x00\x02\x01\x00") + QByteArrayLiteral("\x16\x04"),
            S::Invalid, "major 4");
        row("server hello", record(handshake(Body().bytes(), 2)).first(6), S::Invalid, "type 2");
        row("hello over 64 KiB", record(QByteArrayLiteral("\x01") + u24(64 * 1024 - 3)).first(9),
            S::Invalid, "65537 bytes exceeds");

        // ClientHello fields (RFC 8446 §4.1.2).
        Body b;
        row("body too short",
            record(handshake(QByteArrayLiteral("\x03\x03"
                                               "abc"))),
            S::Invalid, "too short");
        b = Body();
        b.sessionId = QByteArray(33, 's');
        row("session id 33 bytes", record(handshake(b.bytes())), S::Invalid, "legacy_session_id");
        b = Body();
        b.cipherSuites = QByteArrayLiteral("\x13\x01\x13");
        row("odd cipher suites", record(handshake(b.bytes())), S::Invalid, "cipher_suites");
        b = Body();
        b.cipherSuites.clear();
        row("no cipher suites", record(handshake(b.bytes())), S::Invalid, "cipher_suites");
        b = Body();
        b.compression.clear();
        row("no compression methods", record(handshake(b.bytes())), S::Invalid, "compression");
        const QByteArray noBlock = Body().bytes().chopped(2); // without the empty block
        row("extension block length too long",
            record(handshake(noBlock + u16(quint16(okSni.size() + 1)) + okSni)), S::Invalid,
            "extensions length");
        row("extension block length too short", record(handshake(noBlock + u16(10) + okSni)),
            S::Invalid, "extensions length");
        b = Body();
        b.extensions = okSni;
        row("byte after the extension block", record(handshake(b.bytes() + "x")), S::Invalid,
            "extensions length");
        row("extension overruns block", helloWith(u16(0) + u16(100) + "abc"), S::Invalid,
            "overruns the extension block");
        row("duplicate extension", helloWith(okSni + okSni), S::Invalid, "repeats extension 0");
        row("duplicate unknown extension", helloWith(extension(23, {}) + extension(23, {})),
            S::Invalid, "repeats extension 23");

        // server_name (RFC 6066 §3).
        row("two host_names",
            helloWith(sniExtension({QByteArrayLiteral("a.example"), QByteArrayLiteral("b")})),
            S::Invalid, "more than one host_name");
        row("empty host_name", helloWith(sniExtension({QByteArray()})), S::Invalid, "empty");
        row("host_name with NUL", helloWith(sniExtension({QByteArray("evil.example\0.good", 18)})),
            S::Invalid, "0x0000");
        row("host_name with space", helloWith(sniExtension({QByteArrayLiteral("a b")})), S::Invalid,
            "0x0020");
        row("host_name with UTF-8", helloWith(sniExtension({QByteArrayLiteral("b\xc3\xbc")})),
            S::Invalid, "0x00c3");
        row("host_name only a dot", helloWith(sniExtension({QByteArrayLiteral(".")})), S::Invalid,
            "only a dot");
        row("server_name empty", helloWith(extension(0, {})), S::Invalid, "name list length");
        row("server_name list empty", helloWith(extension(0, vec16({}))), S::Invalid,
            "name list length");
        row("server_name list short",
            helloWith(
                extension(0, u16(3) + QByteArray(1, char(0)) + vec16(QByteArrayLiteral("abc")))),
            S::Invalid, "name list length");
        row("server_name entry overruns",
            helloWith(
                extension(0, vec16(QByteArray(1, char(0)) + u16(9) + QByteArrayLiteral("abc")))),
            S::Invalid, "overruns");

        // ALPN (RFC 7301 §3.1).
        row("ALPN empty name", helloWith(alpnExtension({QByteArrayLiteral("h2"), QByteArray()})),
            S::Invalid, "Empty strings");
        row("ALPN truncated name",
            helloWith(extension(16, vec16(QByteArrayLiteral("\x02h2\x08http/1")))), S::Invalid,
            "truncated");
        row("ALPN empty list", helloWith(extension(16, vec16({}))), S::Invalid,
            "protocol list length");
        row("ALPN no list", helloWith(extension(16, {})), S::Invalid, "protocol list length");

        // supported_versions (RFC 8446 §4.2.1).
        row("supported_versions odd",
            helloWith(extension(43, vec8(QByteArrayLiteral("\x03\x04\x03")))), S::Invalid,
            "supported_versions");
        row("supported_versions empty", helloWith(extension(43, vec8({}))), S::Invalid,
            "supported_versions");
        row("supported_versions length beyond",
            helloWith(extension(43, QByteArrayLiteral("\x04\x03\x04"))), S::Invalid,
            "supported_versions");
    }
    void malformed() {
        QFETCH(QByteArray, bytes);
        QFETCH(ClientHelloStatus, status);
        QFETCH(QString, errorContains);
        QVERIFY(!bytes.isEmpty() || status == ClientHelloStatus::NeedMoreData);
        const ClientHelloResult result = parseClientHello(bytes);
        QCOMPARE(result.status, status);
        QVERIFY2(result.error.contains(errorContains), qPrintable(result.error));
        QCOMPARE(result.error.isEmpty(), errorContains.isEmpty());
        QCOMPARE(result.info.sni, QByteArray());
        QCOMPARE(result.info.totalBytes, qsizetype(0));
    }

    void wellFormedHandMade_data() {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QByteArray>("sni");
        QTest::addColumn<QByteArrayList>("alpn");
        QTest::addColumn<QList<quint16>>("versions");
        QTest::addColumn<int>("legacyVersion");
        QTest::addColumn<int>("totalBytes");

        Body sslv3;
        sslv3.legacyVersion = 0x0300;
        sslv3.hasExtensions = false;
        sslv3.sessionId.clear();
        const QByteArray sslv3Bytes = record(handshake(sslv3.bytes()), 22, 0x0300);
        QTest::newRow("no extensions at all")
            << sslv3Bytes << QByteArray() << QByteArrayList() << QList<quint16>() << 0x0300
            << int(sslv3Bytes.size());

        const QByteArray unknownNameType = helloWith(
            extension(0, vec16(QByteArray(1, char(7)) + vec16(QByteArrayLiteral("other")) +
                               QByteArray(1, char(0)) + vec16(QByteArrayLiteral("Host.Example")))));
        QTest::newRow("unknown name type skipped")
            << unknownNameType << QByteArrayLiteral("host.example") << QByteArrayList()
            << QList<quint16>() << 0x0303 << int(unknownNameType.size());

        const QByteArray onlyUnknownName = helloWith(
            extension(0, vec16(QByteArray(1, char(7)) + vec16(QByteArrayLiteral("other")))));
        QTest::newRow("only an unknown name type")
            << onlyUnknownName << QByteArray() << QByteArrayList() << QList<quint16>() << 0x0303
            << int(onlyUnknownName.size());

        const QByteArrayList three = {QByteArrayLiteral("spdy/3"), QByteArrayLiteral("h2"),
                                      QByteArrayLiteral("http/1.1")};
        const QByteArray everything =
            helloWith(extension(23, {}) + alpnExtension(three) +
                      extension(43, vec8(QByteArrayLiteral("\x7f\x1c\x03\x04\x03\x03"))) +
                      sniExtension({QByteArrayLiteral("x.test")}) + extension(0xfe0d, "ech"));
        QTest::newRow("all three, unknown ones ignored")
            << everything << QByteArrayLiteral("x.test") << three
            << QList<quint16>{0x7f1c, 0x0304, 0x0303} << 0x0303 << int(everything.size());

        const QByteArray empty = helloWith({});
        QTest::newRow("empty extension block") << empty << QByteArray() << QByteArrayList()
                                               << QList<quint16>() << 0x0303 << int(empty.size());

        // Bytes after the ClientHello inside its own record are not its part.
        Body body;
        body.extensions = sniExtension({QByteArrayLiteral("t.example")});
        const QByteArray trailing = record(handshake(body.bytes()) + "\x0f\x00\x00\x00");
        QTest::newRow("other handshake bytes after it in the record")
            << trailing << QByteArrayLiteral("t.example") << QByteArrayList() << QList<quint16>()
            << 0x0303 << int(trailing.size());
    }
    void wellFormedHandMade() {
        QFETCH(QByteArray, bytes);
        QFETCH(QByteArray, sni);
        QFETCH(QByteArrayList, alpn);
        QFETCH(QList<quint16>, versions);
        QFETCH(int, legacyVersion);
        QFETCH(int, totalBytes);
        const ClientHelloResult result = parseClientHello(bytes);
        QVERIFY2(result.status == ClientHelloStatus::Complete, qPrintable(result.error));
        QCOMPARE(result.info.sni, sni);
        QCOMPARE(result.info.alpn, alpn);
        QCOMPARE(result.info.supportedVersions, versions);
        QCOMPARE(int(result.info.legacyVersion), legacyVersion);
        QCOMPARE(result.info.totalBytes, qsizetype(totalBytes));
    }

    // The 64 KiB limit counts the handshake message: exactly 64 KiB is taken.
    void sizeLimit() {
        const QList<QByteArray> alpn = manyProtocols(300, 200);
        Body body;
        body.extensions = sniExtension({QByteArrayLiteral("big.example")}) + alpnExtension(alpn);
        QByteArray message = handshake(body.bytes());
        QVERIFY(message.size() < kMaxClientHelloBytes);
        // Pad with an unknown extension to exactly the limit.
        const qsizetype padding = kMaxClientHelloBytes - message.size() - 4;
        body.extensions += extension(21, QByteArray(padding, '\0'));
        message = handshake(body.bytes());
        QCOMPARE(message.size(), kMaxClientHelloBytes);
        QList<qsizetype> cuts;
        for (qsizetype at = kMaxPlaintextRecordBytes; at < message.size();
             at += kMaxPlaintextRecordBytes)
            cuts.append(at);
        const QByteArray atLimit = reframe(message, cuts);
        const ClientHelloResult ok = parseClientHello(atLimit);
        QVERIFY2(ok.status == ClientHelloStatus::Complete, qPrintable(ok.error));
        QCOMPARE(ok.info.alpn.size(), 300);
        QCOMPARE(ok.info.totalBytes, atLimit.size());

        body.extensions += extension(22, {});
        const QByteArray over = reframe(handshake(body.bytes()), cuts);
        const ClientHelloResult refused = parseClientHello(over);
        QCOMPARE(refused.status, ClientHelloStatus::Invalid);
        QVERIFY2(refused.error.contains(QStringLiteral("65540 bytes exceeds the 65536-byte limit")),
                 qPrintable(refused.error));
    }

    void looksLikeTlsRecord_data() {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<bool>("expected");
        QTest::newRow("empty: maybe") << QByteArray() << true;
        QTest::newRow("0x16") << QByteArrayLiteral("\x16") << true;
        QTest::newRow("0x16 0x03") << QByteArrayLiteral("\x16\x03") << true;
        QTest::newRow("TLS 1.0 record") << QByteArrayLiteral("\x16\x03\x01") << true;
        QTest::newRow("TLS 1.2 record with more")
            << QByteArrayLiteral("\x16\x03\x03\x00\x10") << true;
        QTest::newRow("SSL 3.0 record") << QByteArrayLiteral("\x16\x03\x00") << true;
        QTest::newRow("0x0304") << QByteArrayLiteral("\x16\x03\x04") << true;
        QTest::newRow("0x0305") << QByteArrayLiteral("\x16\x03\x05") << false;
        QTest::newRow("0x0313") << QByteArrayLiteral("\x16\x03\x13") << false;
        QTest::newRow("major 2") << QByteArrayLiteral("\x16\x02\x00") << false;
        QTest::newRow("application data") << QByteArrayLiteral("\x17\x03\x03") << false;
        QTest::newRow("HTTP") << QByteArrayLiteral("GET") << false;
        QTest::newRow("SSLv2 hello") << QByteArrayLiteral("\x80\x2e\x01") << false;
        QTest::newRow("SSH banner") << QByteArrayLiteral("SSH-2.0") << false;
    }
    void looksLikeTlsRecord() {
        QFETCH(QByteArray, bytes);
        QFETCH(bool, expected);
        QCOMPARE(spyglass::core::tls::looksLikeTls(bytes), expected);
    }

    // Random mutations and truncations of real hellos, with a fixed seed: the
    // parser must stay inside its input (this runs under ASan in sanitizer
    // builds) and its answers must be consistent.
    void mutations() {
        const QList<QByteArray> seeds = {
            tls13Hello(),
            opensslClientHello({TLS1_2_VERSION, QByteArrayLiteral("a.example"), kH2Http11}),
            opensslClientHello({TLS1_3_VERSION, QByteArrayLiteral("b.example"),
                                manyProtocols(8, 100), 512}), // OpenSSL's smallest fragment
            reframe(handshakeBytes(tls13Hello()), {3, 40, 41}),
        };
        for (const QByteArray& seed : seeds)
            QVERIFY(!seed.isEmpty());
        QRandomGenerator random(0x5ca1ab1e);
        int counts[4] = {};
        for (int iteration = 0; iteration < 30000; ++iteration) {
            QByteArray data = seeds[random.bounded(int(seeds.size()))];
            const int edits = random.bounded(1, 5);
            for (int e = 0; e < edits && !data.isEmpty(); ++e) {
                // One edit in four lands in the record and handshake headers.
                const int size = int(data.size());
                const int at = random.bounded(4) == 0 ? random.bounded(std::min(size, 12))
                                                      : random.bounded(size);
                switch (random.bounded(6)) {
                case 0: // flip a bit
                    data[at] = char(data[at] ^ (1 << random.bounded(8)));
                    break;
                case 1: // extreme byte, as in a length field
                    data[at] = random.bounded(2) ? '\xff' : '\0';
                    break;
                case 2: // random byte
                    data[at] = char(random.bounded(256));
                    break;
                case 3: // truncate
                    data.truncate(at);
                    break;
                case 4: // delete a few bytes
                    data.remove(at, random.bounded(1, 8));
                    break;
                case 5: // insert a few bytes
                    data.insert(at, QByteArray(random.bounded(1, 8), char(random.bounded(256))));
                    break;
                }
            }
            const ClientHelloResult result = parseClientHello(data);
            ++counts[int(result.status)];
            const QString where = QStringLiteral("iteration %1 (%2)")
                                      .arg(iteration)
                                      .arg(QString::fromLatin1(data.left(24).toHex()));
            switch (result.status) {
            case ClientHelloStatus::Complete: {
                QVERIFY2(result.error.isEmpty(), qPrintable(where));
                QVERIFY2(result.info.totalBytes > 0 && result.info.totalBytes <= data.size(),
                         qPrintable(where));
                // Bytes after the hello do not matter, before it they do.
                const ClientHelloResult exact =
                    parseClientHello(QByteArrayView(data).first(result.info.totalBytes));
                QVERIFY2(exact.status == ClientHelloStatus::Complete, qPrintable(where));
                QVERIFY2(exact.info.sni == result.info.sni && exact.info.alpn == result.info.alpn,
                         qPrintable(where));
                QVERIFY2(parseClientHello(QByteArrayView(data).first(result.info.totalBytes - 1))
                                 .status == ClientHelloStatus::NeedMoreData,
                         qPrintable(where));
                break;
            }
            case ClientHelloStatus::NeedMoreData:
                QVERIFY2(result.error.isEmpty(), qPrintable(where));
                QVERIFY2(looksLikeTls(data), qPrintable(where));
                break;
            case ClientHelloStatus::NotTls:
                QVERIFY2(!looksLikeTls(data), qPrintable(where));
                QVERIFY2(!result.error.isEmpty(), qPrintable(where));
                break;
            case ClientHelloStatus::Invalid:
                QVERIFY2(!result.error.isEmpty(), qPrintable(where));
                QVERIFY2(result.info.sni.isEmpty() && result.info.totalBytes == 0,
                         qPrintable(where));
                break;
            }
        }
        // The mutations reach every outcome, so the checks above all ran.
        qDebug("NeedMoreData %d, Complete %d, NotTls %d, Invalid %d", counts[0], counts[1],
               counts[2], counts[3]);
        for (int count : counts)
            QVERIFY(count > 100);
    }
};

QTEST_GUILESS_MAIN(TestClientHello)
#include "test_ClientHello.moc"
