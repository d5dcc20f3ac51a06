#pragma once

// Reads llhttp's conformance vectors (Markdown files: a meta comment, an
// `http` or `url` block, a `log` block per case) and turns each case into
// input bytes and the expectation its log states.

#include <QByteArray>
#include <QByteArrayList>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace spyglass::core::http1::test {

struct VectorCase {
    QByteArray key;     // "request/sample.md :: Simple request" (" #2" on a repeated heading)
    QByteArray file;    // "request/sample.md"
    QByteArray heading; // the nearest heading above the case
    QByteArray type;    // meta "type": "request", "response-finish", "request-lenient-...", "url"
    QJsonObject meta;   // the whole meta object ("noScan", "pause", "skipBody", ...)
    QByteArray input;   // the block as bytes, decoded like llhttp's harness does
    QByteArrayList log; // the log block, line by line
};

// What llhttp's log says happened.
struct LogExpectation {
    bool rejected = false;       // an `error code=` line other than the two pauses below
    int pauseCode = 0;           // 22: paused on CONNECT/Upgrade, 23: paused on PRI (h2 preface)
    int messages = 0;            // `message complete` lines
    int heads = 0;               // `headers complete` lines
    int finish = -1;             // `finish=K` (llhttp_finish result) when the case calls finish
    QList<QByteArray> bodies;    // body bytes per message (`span[body]` lines)
    bool logIsConsistent = true; // every span's quoted text has its stated length
};

// The spans llhttp's URL parser reports for a `url` case.
struct UrlExpectation {
    bool rejected = false;
    bool hasSchema = false, hasHost = false, hasPath = false, hasQuery = false, hasFragment = false;
    QByteArray schema, host, path, query, fragment;
};

// All cases of one Markdown file; `relativeName` is used in the keys.
QList<VectorCase> loadVectorFile(const QString& path, const QByteArray& relativeName);

// llhttp's harness: drop the final newline, delete backslash-newline, turn the
// remaining line breaks into CRLF, then decode \r \n \t \f \xHH and \NNN.
QByteArray decodeBlock(const QByteArrayList& lines);
QByteArray decodeEscapes(const QByteArray& text);

LogExpectation readLog(const QByteArrayList& log);
UrlExpectation readUrlLog(const QByteArrayList& log);

} // namespace spyglass::core::http1::test
