// llhttp's own conformance vectors, run against our RequestReader and
// ResponseReader (and url.md against parseRequestTarget). Each case must end as
// llhttp's log says (accepted or rejected, the number of heads and messages,
// the body bytes), be a lenient-mode case we must reject, or be listed in
// VectorExceptions.h with the rule that makes us differ.

#include "LlhttpVectorFile.h"
#include "ReaderHarness.h"
#include "VectorExceptions.h"
#include "core/http1/RequestTarget.h"

#include <QDir>
#include <QRegularExpression>
#include <QSet>
#include <QTest>
#include <map>

using namespace spyglass::core::http1;
using namespace spyglass::core::http1::test;

Q_DECLARE_METATYPE(spyglass::core::http1::test::VectorCase)

namespace {

QString vectorRoot() {
    return QString::fromLocal8Bit(qgetenv("SPYGLASS_TESTDATA")) + QStringLiteral("/llhttp");
}

QList<VectorCase> loadDirectory(const QString& sub) {
    QList<VectorCase> cases;
    const QDir dir(vectorRoot() + QLatin1Char('/') + sub);
    for (const QString& name : dir.entryList({QStringLiteral("*.md")}, QDir::Files, QDir::Name))
        cases += loadVectorFile(dir.filePath(name), (sub + QLatin1Char('/') + name).toLatin1());
    return cases;
}

QList<VectorCase> loadUrls() {
    return loadVectorFile(vectorRoot() + QStringLiteral("/url.md"), "url.md");
}

// What our reader did with a case.
struct Outcome {
    bool rejected = false;
    QByteArray reason;
    int messages = 0;
    int heads = 0;
    QList<QByteArray> bodies;
    bool operator==(const Outcome&) const = default;
};

template <typename Event> void tally(const std::vector<Event>& events, Outcome& out) {
    for (const Event& e : events) {
        if (const auto* f = std::get_if<ParseFailed>(&e)) {
            out.rejected = true;
            out.reason = f->error.reason;
        } else if (std::holds_alternative<MessageComplete>(e)) {
            ++out.messages;
        } else if (const auto* b = std::get_if<BodyData>(&e)) {
            if (!out.bodies.isEmpty())
                out.bodies.last() += b->data;
        } else {
            ++out.heads;
            out.bodies.append(QByteArray());
        }
    }
}

// Like llhttp's harness, the caller stops after a message that may switch
// protocols (llhttp pauses: "Pause on CONNECT/Upgrade"): CONNECT, a request
// offering an upgrade, or a 101 response.
bool switches(const RequestHead& h) {
    return h.method == "CONNECT" ||
           (h.fields.contains("Upgrade") && h.fields.hasToken("Connection", "upgrade"));
}
bool switches(const ResponseHead& h) {
    return h.status == 101;
}

// Feeds the case like the proxy would (unconsumed bytes again after each
// message), in two pieces when `cut` is inside the input.
template <typename Reader, typename Event, typename Head>
Outcome runReader(const VectorCase& c, const QByteArray& method, qsizetype cut) {
    Reader reader;
    if constexpr (std::is_same_v<Reader, ResponseReader>)
        reader.expectResponseTo(method);
    const QByteArrayView input(c.input);
    std::vector<QByteArrayView> pieces{input};
    if (cut > 0 && cut < input.size())
        pieces = {input.first(cut), input.sliced(cut)};
    std::vector<Event> events;
    QByteArray pending;
    std::size_t lastHead = 0;
    bool stopped = false;
    for (QByteArrayView piece : pieces) {
        if (stopped)
            break;
        pending += piece;
        while (!pending.isEmpty()) {
            const std::size_t before = events.size();
            pending.remove(0, reader.feed(pending, events));
            bool completed = false;
            for (std::size_t i = before; i < events.size(); ++i) {
                if (std::holds_alternative<HeadReceived<Head>>(events[i]))
                    lastHead = i;
                completed = completed || std::holds_alternative<MessageComplete>(events[i]);
            }
            stopped = failureOf(events) != nullptr;
            if (stopped || !completed)
                break;
            const Head& head = std::get<HeadReceived<Head>>(events[lastHead]).head;
            if ((stopped = switches(head)))
                break;
            if constexpr (std::is_same_v<Reader, ResponseReader>)
                if (head.status >= 200)
                    reader.expectResponseTo(method);
        }
    }
    if (c.type.endsWith("-finish") && !failureOf(events))
        reader.finish(events);
    Outcome out;
    tally(events, out);
    return out;
}

// Harness modes of llhttp's test runner, handled explicitly:
// - "pause": a callback returns HPE_PAUSED and the runner resumes. Our readers
//   pause only at message ends, so the case runs straight through and its
//   `pause` log lines carry no expectation.
// - "skipBody": on_headers_complete returns 1 - for a response that is a
//   response to HEAD; no request reader has such a mode (see the table).
// - "*-finish": llhttp_finish() after the input: we call finish().
// - "noScan": llhttp does not feed such cases split at every offset; we feed
//   every case whole and split at every offset (see checkHttp).
// - a "lenient" type: accepted only with an llhttp leniency flag; we reject.
Outcome run(const VectorCase& c, qsizetype cut = 0) {
    if (c.type.startsWith("request"))
        return runReader<RequestReader, RequestEvent, RequestHead>(c, {}, cut);
    const QByteArray method = c.meta.value(QLatin1StringView("skipBody")).toBool() ? "HEAD" : "GET";
    return runReader<ResponseReader, ResponseEvent, ResponseHead>(c, method, cut);
}

// Empty when our outcome matches the log; else what differs.
QByteArray difference(const LogExpectation& want, const Outcome& got) {
    const bool wantRejected = want.rejected || want.finish == 2;
    const int wantMessages = want.messages + (want.finish == 1 ? 1 : 0);
    if (wantRejected != got.rejected)
        return wantRejected ? QByteArray("llhttp rejects, we accept")
                            : QByteArray("we reject (" + got.reason + ")");
    if (wantMessages != got.messages)
        return "messages: llhttp " + QByteArray::number(wantMessages) + ", we " +
               QByteArray::number(got.messages);
    if (got.rejected)
        return {};
    if (want.heads != got.heads)
        return "heads: llhttp " + QByteArray::number(want.heads) + ", we " +
               QByteArray::number(got.heads);
    for (qsizetype i = 0; i < want.bodies.size() && i < got.bodies.size(); ++i)
        if (want.bodies[i] != got.bodies[i])
            return "body " + QByteArray::number(i) + ": llhttp '" + want.bodies[i] + "', we '" +
                   got.bodies[i] + "'";
    return {};
}

// url.md is llhttp's URL parser's suite. A request-target is a URI without
// a fragment, so the same spans must come out of parseRequestTarget.
QByteArray urlDifference(const VectorCase& c, bool& weReject) {
    const UrlExpectation want = readUrlLog(c.log);
    const std::optional<RequestTarget> got = parseRequestTarget("GET", c.input);
    weReject = !got;
    if (want.rejected != !got)
        return want.rejected ? "llhttp rejects, we accept" : "we reject";
    if (!got)
        return {};
    QByteArray hostPort = want.host;
    QByteArray userInfo;
    if (const qsizetype at = hostPort.lastIndexOf('@'); at >= 0) {
        userInfo = hostPort.left(at);
        hostPort = hostPort.mid(at + 1);
    }
    QByteArray host = hostPort;
    QByteArray port;
    if (hostPort.startsWith('[')) {
        const qsizetype close = hostPort.indexOf(']');
        host = hostPort.mid(1, close - 1);
        port = hostPort.mid(close + 2);
    } else if (const qsizetype colon = hostPort.lastIndexOf(':'); colon >= 0) {
        host = hostPort.left(colon);
        port = hostPort.mid(colon + 1);
    }
    QByteArray pathAndQuery = want.path.isEmpty() ? QByteArray("/") : want.path;
    if (want.hasQuery)
        pathAndQuery += "?" + want.query;
    const int wantPort = !port.isEmpty() ? port.toInt() : want.hasSchema ? 80 : 0;
    if (got->scheme != want.schema.toLower() || got->host != host.toLower() ||
        got->port != wantPort || got->userInfo != userInfo || got->pathAndQuery != pathAndQuery)
        return "spans differ: " + got->scheme + " " + got->host + " " +
               QByteArray::number(got->port) + " " + got->pathAndQuery;
    return {};
}

// The case with "Host: vectors.test" after every request line: with the one
// field llhttp's samples lack, our result must be llhttp's.
VectorCase withHost(const VectorCase& c) {
    static const QRegularExpression requestLine(
        QStringLiteral("(?m)^[!#$%&'*+.^_`|~0-9A-Za-z-]+ [^ \\r\\n]+ HTTP/1\\.[01]\\r\\n"));
    VectorCase out = c;
    const QString text = QString::fromLatin1(c.input);
    QList<qsizetype> ends;
    for (auto it = requestLine.globalMatch(text); it.hasNext();)
        ends.prepend(it.next().capturedEnd());
    for (qsizetype end : ends)
        out.input.insert(end, "Host: vectors.test\r\n");
    return out;
}

} // namespace

class TestLlhttpVectors : public QObject {
    Q_OBJECT

private:
    void addRows(const QList<VectorCase>& cases) {
        QTest::addColumn<VectorCase>("vector");
        if (cases.isEmpty()) // never skip: a missing directory is a failure
            QTest::newRow("no vectors found") << VectorCase{};
        for (const VectorCase& c : cases)
            QTest::newRow(c.key.constData()) << c;
    }

    // "skipBody" on a request is a harness mode (on_headers_complete returns 1)
    // that no request reader has: a request's body length is in its head.
    static bool skipsRequestBody(const VectorCase& c) {
        return c.type.startsWith("request") && c.meta.value(QLatin1StringView("skipBody")).toBool();
    }

    // Checks one HTTP case; returns what kind of result it was.
    static QByteArray checkHttp(const VectorCase& c, QByteArray& failure) {
        const LogExpectation want = readLog(c.log);
        if (!want.logIsConsistent)
            failure = "cannot read the log of " + c.key;
        const Outcome got = run(c);
        for (qsizetype cut = 1; cut < c.input.size() && failure.isEmpty(); ++cut)
            if (!(run(c, cut) == got))
                failure = "the outcome depends on where the input is cut (at " +
                          QByteArray::number(cut) + ")";
        const Deviation* deviation = findDeviation(c.key);
        if (c.type.contains("lenient")) {
            // llhttp accepts these only with a lenient flag; we never are.
            if (!got.rejected)
                failure = "lenient-only case accepted";
            else if (deviation)
                failure = "lenient case listed in the exception table";
            return "lenient";
        }
        const QByteArray diff = difference(want, got);
        // Most of llhttp's request samples have no Host field, and a request
        // we reject for that alone says nothing about the rest of it: run it
        // again with a Host field, and judge that outcome as well.
        const bool hostRejected = c.type.startsWith("request") && got.rejected &&
                                  got.reason.contains(ruleInfo(Rule::HostRequired).reason);
        const bool retry = hostRejected && !skipsRequestBody(c);
        const Outcome hosted = retry ? run(withHost(c)) : got;
        const QByteArray hostedDiff = retry ? difference(want, hosted) : diff;
        if (!deviation) {
            if (!diff.isEmpty())
                failure = "unexplained difference: " + diff;
            else if (!hostedDiff.isEmpty())
                failure = "with a Host field added it differs: " + hostedDiff;
            return "matched";
        }
        const RuleInfo& rule = ruleInfo(deviation->rule);
        const QByteArray stale =
            QByteArray("stale exception: the case no longer differs (") + rule.name + ')';
        if (deviation->rule == Rule::HostRequired) {
            if (diff.isEmpty())
                failure = stale;
            else if (!hostRejected)
                failure = "differs for another reason than the listed rule: " + diff;
            else if (retry && !hostedDiff.isEmpty())
                failure = "with a Host field added it still differs: " + hostedDiff;
            return "stricter";
        }
        // Any other rule is judged on the outcome with a Host field (when
        // the missing Host was what we rejected first).
        if (hostedDiff.isEmpty())
            failure = stale;
        else if (rule.stricter && (!hosted.rejected || !hosted.reason.contains(rule.reason)))
            failure = "differs for another reason than the listed rule: " + hostedDiff;
        else if (!rule.stricter && hosted.rejected)
            failure = "listed as laxer but we reject: " + hostedDiff;
        return rule.stricter ? "stricter" : "laxer";
    }

    static QByteArray checkUrl(const VectorCase& c, QByteArray& failure) {
        bool weReject = false;
        const QByteArray diff = urlDifference(c, weReject);
        const Deviation* deviation = findDeviation(c.key);
        if (!deviation) {
            if (!diff.isEmpty())
                failure = "unexplained difference: " + diff;
            return "matched";
        }
        const RuleInfo& rule = ruleInfo(deviation->rule);
        if (diff.isEmpty())
            failure = QByteArray("stale exception: the case no longer differs (") + rule.name + ')';
        else if (rule.stricter != weReject)
            failure = "differs for another reason than the listed rule: " + diff;
        return rule.stricter ? "stricter" : "laxer";
    }

private Q_SLOTS:
    void vectorsPresent() {
        const QDir root(vectorRoot());
        QVERIFY2(!qEnvironmentVariableIsEmpty("SPYGLASS_TESTDATA"), "SPYGLASS_TESTDATA is not set");
        QVERIFY2(root.exists(), qPrintable(QStringLiteral("missing: %1").arg(root.path())));
        QVERIFY(loadDirectory(QStringLiteral("request")).size() > 100);
        QVERIFY(loadDirectory(QStringLiteral("response")).size() > 50);
        QVERIFY(loadUrls().size() > 15);
    }

    void requests_data() { addRows(loadDirectory(QStringLiteral("request"))); }
    void requests() {
        QFETCH(VectorCase, vector);
        QVERIFY2(!vector.key.isEmpty(), "no llhttp request vectors found");
        QByteArray failure;
        checkHttp(vector, failure);
        QVERIFY2(failure.isEmpty(), failure.constData());
    }

    void responses_data() { addRows(loadDirectory(QStringLiteral("response"))); }
    void responses() { requests(); }

    void urls_data() { addRows(loadUrls()); }
    void urls() {
        QFETCH(VectorCase, vector);
        QVERIFY2(!vector.key.isEmpty(), "no llhttp url vectors found");
        QByteArray failure;
        checkUrl(vector, failure);
        QVERIFY2(failure.isEmpty(), failure.constData());
    }

    // Every row of the exception table names a case that exists; prints the
    // summary line.
    void exceptionTableIsCurrent() {
        std::map<QByteArray, int> kinds;
        QSet<QByteArray> keys;
        int failures = 0;
        const QList<VectorCase> http =
            loadDirectory(QStringLiteral("request")) + loadDirectory(QStringLiteral("response"));
        for (const VectorCase& c : http) {
            QByteArray failure;
            ++kinds[checkHttp(c, failure)];
            failures += failure.isEmpty() ? 0 : 1;
            keys.insert(c.key);
        }
        for (const VectorCase& c : loadUrls()) {
            QByteArray failure;
            ++kinds[checkUrl(c, failure)];
            failures += failure.isEmpty() ? 0 : 1;
            keys.insert(c.key);
        }
        for (const Deviation& d : kDeviations)
            QVERIFY2(keys.contains(d.key),
                     QByteArray(QByteArray("no such case: ") + d.key).constData());
        qInfo("llhttp vectors: %lld cases run, %d matched, %d stricter (listed), %d laxer "
              "(listed), %d lenient-only rejected, %d failing",
              static_cast<long long>(keys.size()), kinds["matched"], kinds["stricter"],
              kinds["laxer"], kinds["lenient"], failures);
        QCOMPARE(failures, 0);
    }
};

QTEST_GUILESS_MAIN(TestLlhttpVectors)
#include "test_LlhttpVectors.moc"
