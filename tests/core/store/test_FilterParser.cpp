// FilterParser: the filter language's grammar, values and error messages.
#undef QT_NO_CAST_FROM_ASCII
#define QT_RESTRICTED_CAST_FROM_ASCII
#include "core/store/FilterParser.h"

#include <QTest>

using namespace spyglass::core::store;

namespace {

QString fieldName(FilterField field) {
    switch (field) {
    case FilterField::Url:
        return "url";
    case FilterField::Host:
        return "host";
    case FilterField::Path:
        return "path";
    case FilterField::Client:
        return "client";
    case FilterField::Method:
        return "method";
    case FilterField::StatusCode:
        return "status";
    case FilterField::Mode:
        return "mode";
    case FilterField::ContentType:
        return "type";
    case FilterField::RequestSize:
        return "req-size";
    case FilterField::ResponseSize:
        return "size";
    case FilterField::Duration:
        return "duration";
    case FilterField::Id:
        return "id";
    case FilterField::TlsVersion:
        return "tls";
    case FilterField::HasError:
        return "has-error";
    case FilterField::ErrorText:
        return "error";
    case FilterField::Header:
        return "header";
    case FilterField::RequestHeader:
        return "req-header";
    case FilterField::ResponseHeader:
        return "resp-header";
    case FilterField::Text:
        return "text";
    case FilterField::Body:
        return "body";
    case FilterField::RequestBody:
        return "req-body";
    case FilterField::ResponseBody:
        return "resp-body";
    }
    return "?";
}

QString range(const FilterRange& r) {
    switch (r.op) {
    case FilterRange::Op::Equal:
        return QString::number(r.low);
    case FilterRange::Op::NotEqual:
        return "!=" + QString::number(r.low);
    case FilterRange::Op::Less:
        return "<" + QString::number(r.low);
    case FilterRange::Op::LessEqual:
        return "<=" + QString::number(r.low);
    case FilterRange::Op::Greater:
        return ">" + QString::number(r.low);
    case FilterRange::Op::GreaterEqual:
        return ">=" + QString::number(r.low);
    case FilterRange::Op::Between:
        return QString::number(r.low) + ".." + QString::number(r.high);
    }
    return "?";
}

// A compact, unambiguous rendering of the tree: and(...), or(...), not(...),
// field[value].
QString describe(const FilterNode& n) {
    switch (n.kind) {
    case FilterNode::Kind::Not:
        return "not(" + describe(n.children.front()) + ")";
    case FilterNode::Kind::And:
    case FilterNode::Kind::Or: {
        QStringList parts;
        for (const FilterNode& c : n.children)
            parts << describe(c);
        return (n.kind == FilterNode::Kind::And ? "and(" : "or(") + parts.join(",") + ")";
    }
    case FilterNode::Kind::Term:
        break;
    }
    const FilterTerm& t = n.term;
    QString value;
    if (!t.ranges.empty()) {
        QStringList parts;
        for (const FilterRange& r : t.ranges)
            parts << range(r);
        value = parts.join("|");
    } else if (!t.words.isEmpty()) {
        value = QString::fromLatin1(t.words.join("|"));
    } else {
        value = t.text + (t.hasValue ? "=" + t.value : QString());
    }
    return fieldName(t.field) + "[" + value + "]";
}

} // namespace

class TestFilterParser : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void parses_data() {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("tree");
        QTest::newRow("bare word") << "api"
                                   << "url[api]";
        QTest::newRow("bare url") << "http://example.com/x"
                                  << "url[http://example.com/x]";
        QTest::newRow("host") << "host:example.com"
                              << "host[example.com]";
        QTest::newRow("domain alias") << "domain:example"
                                      << "host[example]";
        QTest::newRow("field name case") << "HOST:x"
                                         << "host[x]";
        QTest::newRow("quoted value") << "path:\"/a b\""
                                      << "path[/a b]";
        QTest::newRow("escaped quote") << "path:\"a\\\"b\""
                                       << "path[a\"b]";
        QTest::newRow("quoted colon is text") << "\"a:b\""
                                              << "url[a:b]";
        QTest::newRow("method list") << "method:get,Post"
                                     << "method[GET|POST]";
        QTest::newRow("status code") << "status:404"
                                     << "status[404]";
        QTest::newRow("status class") << "status:4xx"
                                      << "status[400..499]";
        QTest::newRow("status class upper") << "status:5XX"
                                            << "status[500..599]";
        QTest::newRow("status decade") << "status:30x"
                                       << "status[300..309]";
        QTest::newRow("status at least") << "status:>=500"
                                         << "status[>=500]";
        QTest::newRow("status below") << "code:<400"
                                      << "status[<400]";
        QTest::newRow("status not") << "status:!=200"
                                    << "status[!=200]";
        QTest::newRow("status range") << "status:200-299"
                                      << "status[200..299]";
        QTest::newRow("status list") << "status:200,304,5xx"
                                     << "status[200|304|500..599]";
        QTest::newRow("size units") << "size:>1.5m"
                                    << "size[>1572864]";
        QTest::newRow("size kib") << "req-size:<=10KiB"
                                  << "req-size[<=10240]";
        QTest::newRow("size bytes") << "size:100b"
                                    << "size[100]";
        QTest::newRow("size range") << "size:1k-2k"
                                    << "size[1024..2048]";
        QTest::newRow("duration ms default") << "duration:>250"
                                             << "duration[>250000]";
        QTest::newRow("duration units") << "time:>=1.5s"
                                        << "duration[>=1500000]";
        QTest::newRow("duration us") << "duration:<300us"
                                     << "duration[<300]";
        QTest::newRow("duration minutes") << "duration:>2m"
                                          << "duration[>120000000]";
        QTest::newRow("id") << "id:>100"
                            << "id[>100]";
        QTest::newRow("mode") << "mode:tunnel,Intercepted"
                              << "mode[tunnel|intercepted]";
        QTest::newRow("has-error") << "has-error"
                                   << "has-error[]";
        QTest::newRow("error text") << "error:refused"
                                    << "error[refused]";
        QTest::newRow("header name") << "header:X-Trace-Id"
                                     << "header[X-Trace-Id]";
        QTest::newRow("header value") << "resp-header:content-type=json"
                                      << "resp-header[content-type=json]";
        QTest::newRow("header value with =") << "req-header:Cookie=a=b"
                                             << "req-header[Cookie=a=b]";
        QTest::newRow("text") << "text:\"bearer token\""
                              << "text[bearer token]";
        QTest::newRow("body") << "resp-body:needle"
                              << "resp-body[needle]";
        QTest::newRow("implicit and") << "host:a status:4xx"
                                      << "and(host[a],status[400..499])";
        QTest::newRow("explicit and") << "host:a AND status:4xx"
                                      << "and(host[a],status[400..499])";
        QTest::newRow("and symbol") << "host:a && b"
                                    << "and(host[a],url[b])";
        QTest::newRow("or") << "host:a or host:b"
                            << "or(host[a],host[b])";
        QTest::newRow("or symbols") << "a | b || c"
                                    << "or(url[a],url[b],url[c])";
        QTest::newRow("precedence") << "a b or c"
                                    << "or(and(url[a],url[b]),url[c])";
        QTest::newRow("parentheses") << "a (b or c)"
                                     << "and(url[a],or(url[b],url[c]))";
        QTest::newRow("not word") << "not has-error"
                                  << "not(has-error[])";
        QTest::newRow("bang") << "!host:a"
                              << "not(host[a])";
        QTest::newRow("dash") << "-host:a b"
                              << "and(not(host[a]),url[b])";
        QTest::newRow("dash group") << "-(a or b)"
                                    << "not(or(url[a],url[b]))";
        QTest::newRow("double not") << "not not a"
                                    << "not(not(url[a]))";
        QTest::newRow("minus number is a word") << "-5"
                                                << "url[-5]";
        QTest::newRow("quoted operator is a word") << "\"or\""
                                                   << "url[or]";
        QTest::newRow("spaces") << "  host:a   "
                                << "host[a]";
    }
    void parses() {
        QFETCH(QString, input);
        QFETCH(QString, tree);
        auto parsed = FilterParser::parse(input);
        QVERIFY2(parsed, qPrintable(parsed.ok() ? QString() : parsed.errorMessage()));
        QVERIFY(parsed.value().has_value());
        QCOMPARE(describe(*parsed.value()), tree);
    }

    void emptyMatchesEverything() {
        for (const QString& input : {QString(), QString("   ")}) {
            auto parsed = FilterParser::parse(input);
            QVERIFY(parsed);
            QVERIFY(!parsed.value().has_value());
        }
    }

    void errors_data() {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("message");
        QTest::newRow("unknown field, close")
            << "hots:a"
            << "at column 1: unknown field \"hots\" (did you mean \"host\"?)";
        QTest::newRow("unknown field, far")
            << "x zzzzzz:a"
            << "at column 3: unknown field \"zzzzzz\"; fields are url, host";
        QTest::newRow("no value") << "host:"
                                  << "at column 1: \"host:\" needs a value";
        QTest::newRow("bad status") << "status:abc"
                                    << "status: \"abc\" is not a code (404), a class (4xx)";
        QTest::newRow("status too big") << "status:1000"
                                        << "status: 1000 is not a status code";
        QTest::newRow("bad size") << "size:>lots"
                                  << "size: \">lots\" is not a size such as 1500";
        QTest::newRow("bad duration") << "duration:soon"
                                      << "duration: \"soon\" is not a duration";
        QTest::newRow("backwards range") << "status:500-400"
                                         << "the range \"500-400\" runs backwards";
        QTest::newRow("empty list item") << "status:200,"
                                         << "status: empty value";
        QTest::newRow("bad mode") << "mode:mitm"
                                  << "mode: \"mitm\" is not one of forward, intercepted, tunnel";
        QTest::newRow("bad method") << "method:G\u00e9T"
                                    << "method: \"G\u00e9T\" is not a method name";
        QTest::newRow("bad header name") << "header:a:b"
                                         << "header: \"a:b\" is not a header name";
        QTest::newRow("unterminated quote") << "path:\"abc"
                                            << "at column 6: unterminated quote";
        QTest::newRow("missing paren") << "(a or b"
                                       << "at column 8: missing \")\" for the \"(\" at column 1";
        QTest::newRow("stray paren") << "a)"
                                     << "at column 2: \")\" without a matching \"(\"";
        QTest::newRow("empty parens") << "a ()"
                                      << "at column 3: empty parentheses";
        QTest::newRow("dangling or") << "a or"
                                     << "at column 3: \"or\" needs a condition after it";
        QTest::newRow("leading and") << "and a"
                                     << "at column 1: \"and\" needs a condition before it";
        QTest::newRow("dangling not") << "a not"
                                      << "at column 3: \"not\" needs a condition after it";
        QTest::newRow("empty quotes") << "\"\""
                                      << "empty quotes";
        QTest::newRow("too deep") << QString(100, '(') + "a" + QString(100, ')')
                                  << "nested too deeply";
    }
    void errors() {
        QFETCH(QString, input);
        QFETCH(QString, message);
        auto parsed = FilterParser::parse(input);
        QVERIFY2(!parsed, qPrintable("parsed: " + input));
        QVERIFY2(parsed.errorMessage().contains(message),
                 qPrintable(parsed.errorMessage() + "\n   expected to contain: " + message));
    }

    void fieldNamesAreListed() {
        const QStringList names = FilterParser::fieldNames();
        for (const char* name : {"host", "status", "header", "text", "body", "has-error", "size"})
            QVERIFY(names.contains(QLatin1StringView(name)));
    }
};

QTEST_GUILESS_MAIN(TestFilterParser)
#include "test_FilterParser.moc"
