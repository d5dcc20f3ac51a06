#include "HarEntry.h"

#include "HeadText.h"
#include "HeaderRedaction.h"
#include "SessionNames.h"

#include <QDateTime>
#include <QJsonArray>
#include <QStringDecoder>

namespace spyglass::core::store {

namespace {

QString latin(const QByteArray& bytes) {
    // Header bytes are ISO-8859-1 text or opaque octets (RFC 9110 §5.5);
    // UTF-8 when it is valid, so that non-ASCII values read naturally.
    QStringDecoder utf8(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    QString text = utf8(bytes);
    return utf8.hasError() ? QString::fromLatin1(bytes) : text;
}

double ms(qint64 fromUs, qint64 toUs) {
    if (fromUs <= 0 || toUs <= 0 || toUs < fromUs)
        return -1;
    return static_cast<double>(toUs - fromUs) / 1000.0;
}

QJsonArray headers(const HeadText& head, bool redact) {
    QJsonArray list;
    for (const HeadField& field : head.fields()) {
        const QByteArray value =
            redact ? HeaderRedaction::redact(field.name, field.value) : field.value;
        list.append(QJsonObject{{QStringLiteral("name"), latin(field.name)},
                                {QStringLiteral("value"), latin(value)}});
    }
    return list;
}

QJsonArray cookies(const HeadText& head, bool response, bool redact) {
    QJsonArray list;
    for (const HeadField& field : head.fields()) {
        const bool cookie = field.name.compare("cookie", Qt::CaseInsensitive) == 0;
        const bool setCookie = field.name.compare("set-cookie", Qt::CaseInsensitive) == 0;
        if ((response && !setCookie) || (!response && !cookie))
            continue;
        const QList<QByteArray> parts = field.value.split(';');
        for (qsizetype i = 0; i < parts.size(); ++i) {
            const QByteArray part = parts.at(i).trimmed();
            const qsizetype equals = part.indexOf('=');
            if (part.isEmpty() || (response && i > 0))
                continue;
            const QByteArray value = equals < 0 ? QByteArray() : part.mid(equals + 1);
            QJsonObject entry{
                {QStringLiteral("name"), latin(equals < 0 ? part : part.left(equals))},
                {QStringLiteral("value"),
                 redact ? QString::fromLatin1(HeaderRedaction::kMask) : latin(value)}};
            if (response) {
                for (qsizetype a = 1; a < parts.size(); ++a) {
                    const QByteArray attribute = parts.at(a).trimmed();
                    const qsizetype eq = attribute.indexOf('=');
                    const QByteArray key =
                        (eq < 0 ? attribute : attribute.left(eq)).trimmed().toLower();
                    const QString attrValue = latin(eq < 0 ? QByteArray() : attribute.mid(eq + 1));
                    if (key == "path" || key == "domain" || key == "expires")
                        entry.insert(QString::fromLatin1(key), attrValue);
                    else if (key == "httponly")
                        entry.insert(QStringLiteral("httpOnly"), true);
                    else if (key == "secure")
                        entry.insert(QStringLiteral("secure"), true);
                }
            }
            list.append(entry);
        }
    }
    return list;
}

QJsonArray queryString(const QByteArray& path) {
    QJsonArray list;
    const qsizetype question = path.indexOf('?');
    if (question < 0)
        return list;
    for (const QByteArray& pair : path.mid(question + 1).split('&')) {
        if (pair.isEmpty())
            continue;
        const qsizetype equals = pair.indexOf('=');
        list.append(QJsonObject{
            {QStringLiteral("name"),
             latin(QByteArray::fromPercentEncoding(pair.left(equals < 0 ? pair.size() : equals)))},
            {QStringLiteral("value"),
             latin(equals < 0 ? QByteArray()
                              : QByteArray::fromPercentEncoding(pair.mid(equals + 1)))}});
    }
    return list;
}

// Decoded text when it is valid UTF-8 without NULs; base64 otherwise.
void putText(QJsonObject& target, const BodyContent& body) {
    QStringDecoder utf8(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    const QString text = utf8(body.data);
    if (!utf8.hasError() && !body.data.contains('\0')) {
        target.insert(QStringLiteral("text"), text);
    } else {
        target.insert(QStringLiteral("text"), QString::fromLatin1(body.data.toBase64()));
        target.insert(QStringLiteral("encoding"), QStringLiteral("base64"));
    }
}

QString bodyComment(const BodyContent& body) {
    QStringList notes;
    if (!body.truncated.isEmpty())
        notes << QStringLiteral("truncated (%1): %2 of %3 bytes recorded")
                     .arg(QString::fromUtf8(body.truncated))
                     .arg(body.stored)
                     .arg(body.size);
    if (!body.message.isEmpty())
        notes << body.message;
    return notes.join(QStringLiteral("; "));
}

QString httpVersion(const HeadText& head) {
    const QByteArray version = head.httpVersion();
    return version.isEmpty() ? QStringLiteral("HTTP/1.1") : QString::fromLatin1(version);
}

QString mimeType(const HeadText& head) {
    return latin(head.value("content-type").value_or(QByteArray()));
}

} // namespace

QJsonObject HarEntry::timings(const record::Timings& t, double* total) {
    const qint64 ready = t.serverTlsDoneUs > 0       ? t.serverTlsDoneUs
                         : t.upstreamConnectedUs > 0 ? t.upstreamConnectedUs
                                                     : t.requestStartUs;
    const double blocked = ms(t.requestStartUs, t.upstreamConnectStartUs);
    const double connect = ms(t.upstreamConnectStartUs, ready == t.requestStartUs ? 0 : ready);
    const double ssl = ms(t.serverTlsStartUs, t.serverTlsDoneUs);
    const double send = std::max(0.0, ms(std::max(ready, t.requestStartUs), t.requestSentUs));
    const double wait = std::max(0.0, ms(t.requestSentUs, t.responseStartUs));
    const double receive = std::max(0.0, ms(t.responseStartUs, t.doneUs));
    double sum = 0;
    for (double phase : {blocked, connect, send, wait, receive})
        sum += std::max(0.0, phase);
    if (total)
        *total = sum;
    return QJsonObject{{QStringLiteral("blocked"), blocked}, {QStringLiteral("dns"), -1},
                       {QStringLiteral("connect"), connect}, {QStringLiteral("ssl"), ssl},
                       {QStringLiteral("send"), send},       {QStringLiteral("wait"), wait},
                       {QStringLiteral("receive"), receive}};
}

QJsonObject HarEntry::build(const ExchangeDetail& exchange, const BodyContent* requestBody,
                            const BodyContent* responseBody, bool redact) {
    const StoredHead* requestHead = exchange.head(record::Direction::Request);
    const StoredHead* responseHead = exchange.head(record::Direction::Response);
    const HeadText request = HeadText::parse(requestHead ? requestHead->raw : QByteArray());
    const HeadText response = HeadText::parse(responseHead ? responseHead->raw : QByteArray());
    const ListRow& row = exchange.row;

    QJsonObject req{
        {QStringLiteral("method"), QString::fromLatin1(row.method)},
        {QStringLiteral("url"), latin(row.url())},
        {QStringLiteral("httpVersion"), httpVersion(request)},
        {QStringLiteral("cookies"), cookies(request, false, redact)},
        {QStringLiteral("headers"), headers(request, redact)},
        {QStringLiteral("queryString"), queryString(row.path)},
        {QStringLiteral("headersSize"), requestHead ? double(requestHead->raw.size()) : -1.0},
        {QStringLiteral("bodySize"), double(requestBody ? requestBody->size : 0)},
    };
    if (requestBody && requestBody->size > 0) {
        QJsonObject post{{QStringLiteral("mimeType"), mimeType(request)}};
        putText(post, *requestBody);
        // HAR 1.2 has no encoding field in postData; "_encoding" says base64.
        if (post.contains(QStringLiteral("encoding")))
            post.insert(QStringLiteral("_encoding"), post.take(QStringLiteral("encoding")));
        if (const QString comment = bodyComment(*requestBody); !comment.isEmpty())
            post.insert(QStringLiteral("comment"), comment);
        req.insert(QStringLiteral("postData"), post);
    }

    QJsonObject content{
        {QStringLiteral("size"),
         double(responseBody
                    ? (responseBody->decoded ? responseBody->data.size() : responseBody->size)
                    : 0)},
        {QStringLiteral("mimeType"), mimeType(response)},
    };
    if (responseBody && responseBody->stored > 0)
        putText(content, *responseBody);
    if (responseBody && responseBody->decoded)
        content.insert(QStringLiteral("compression"),
                       double(responseBody->data.size() - responseBody->stored));
    if (responseBody) {
        if (const QString comment = bodyComment(*responseBody); !comment.isEmpty())
            content.insert(QStringLiteral("comment"), comment);
        if (!responseBody->truncated.isEmpty())
            content.insert(QStringLiteral("_truncated"),
                           QString::fromUtf8(responseBody->truncated));
    }
    QJsonObject res{
        {QStringLiteral("status"), row.status},
        {QStringLiteral("statusText"), latin(response.reason())},
        {QStringLiteral("httpVersion"), httpVersion(response)},
        {QStringLiteral("cookies"), cookies(response, true, redact)},
        {QStringLiteral("headers"), headers(response, redact)},
        {QStringLiteral("content"), content},
        {QStringLiteral("redirectURL"), latin(response.value("location").value_or(QByteArray()))},
        {QStringLiteral("headersSize"), responseHead ? double(responseHead->raw.size()) : -1.0},
        {QStringLiteral("bodySize"), double(responseBody ? responseBody->size : 0)},
    };

    double total = 0;
    const QJsonObject phases = timings(exchange.timings, &total);
    QJsonObject entry{
        {QStringLiteral("startedDateTime"),
         QDateTime::fromMSecsSinceEpoch(row.startUs / 1000, Qt::UTC).toString(Qt::ISODateWithMs)},
        {QStringLiteral("time"), total},
        {QStringLiteral("request"), req},
        {QStringLiteral("response"), res},
        {QStringLiteral("cache"), QJsonObject()},
        {QStringLiteral("timings"), phases},
    };
    // Custom fields start with an underscore (HAR 1.2).
    entry.insert(QStringLiteral("_spyglass"),
                 QJsonObject{{QStringLiteral("id"), double(row.id)},
                             {QStringLiteral("mode"), QString::fromLatin1(modeName(row.mode))},
                             {QStringLiteral("client"), row.client},
                             {QStringLiteral("tlsVersion"), QString::fromLatin1(row.tlsVersion)},
                             {QStringLiteral("error"), row.error}});
    if (!row.error.isEmpty())
        entry.insert(QStringLiteral("comment"), row.error);
    return entry;
}

} // namespace spyglass::core::store
