#include "SessionCommands.h"
#include "SessionFormat.h"
#include "core/store/SessionNames.h"
#include "core/store/SessionReader.h"

#include <QSslCertificate>
#include <QStringDecoder>
#include <cstdio>

namespace spyglass::app {

using namespace core::store;
namespace record = core::record;

namespace {

constexpr qint64 kShownBodyBytes = 1 << 20;
constexpr qint64 kHexBytes = 512;

QString line(const char* label, const QString& value) {
    return QStringLiteral("%1 %2\n").arg(QLatin1StringView(label), -10).arg(value);
}

bool printable(const QByteArray& data) {
    QStringDecoder utf8(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    (void)utf8(data);
    if (utf8.hasError())
        return false;
    for (char c : data) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 && c != '\n' && c != '\r' && c != '\t')
            return false;
    }
    return true;
}

QString hexDump(const QByteArray& data) {
    QString out;
    for (qsizetype offset = 0; offset < data.size(); offset += 16) {
        const QByteArray row = data.mid(offset, 16);
        QString ascii;
        for (char c : row)
            ascii += (c >= 0x20 && c < 0x7f) ? QLatin1Char(c) : QLatin1Char('.');
        out += QStringLiteral("%1  %2 %3\n")
                   .arg(offset, 8, 16, QLatin1Char('0'))
                   .arg(QString::fromLatin1(row.toHex(' ')), -47)
                   .arg(ascii);
    }
    return out;
}

void timings(const ExchangeDetail& e) {
    const record::Timings& t = e.timings;
    const qint64 origin = t.acceptUs > 0 ? t.acceptUs : e.row.startUs;
    const std::pair<const char*, qint64> points[] = {
        {"accepted", t.acceptUs},
        {"CONNECT received", t.connectRequestUs},
        {"connecting upstream", t.upstreamConnectStartUs},
        {"upstream connected", t.upstreamConnectedUs},
        {"client TLS start", t.clientTlsStartUs},
        {"client TLS done", t.clientTlsDoneUs},
        {"server TLS start", t.serverTlsStartUs},
        {"server TLS done", t.serverTlsDoneUs},
        {"request started", t.requestStartUs},
        {"request sent", t.requestSentUs},
        {"response started", t.responseStartUs},
        {"done", t.doneUs},
    };
    SessionFormat::write(stdout, QStringLiteral("\nTimings (from the client connection)\n"));
    for (const auto& [label, at] : points) {
        if (at > 0)
            SessionFormat::write(stdout, QStringLiteral("  %1 +%2\n")
                                             .arg(QLatin1StringView(label), -22)
                                             .arg(SessionFormat::duration(at - origin)));
    }
}

void tls(const ExchangeDetail& e) {
    for (const StoredTls& leg : e.tls) {
        SessionFormat::write(
            stdout,
            QStringLiteral("\nTLS, %1 leg: %2 %3, ALPN %4, SNI %5%6%7\n")
                .arg(QString::fromLatin1(legName(leg.leg)), QString::fromLatin1(leg.version),
                     QString::fromLatin1(leg.cipher),
                     leg.alpn.isEmpty() ? QStringLiteral("-") : QString::fromLatin1(leg.alpn),
                     leg.sni.isEmpty() ? QStringLiteral("-") : QString::fromLatin1(leg.sni),
                     leg.leg == record::TlsLeg::Server
                         ? (leg.verified ? QStringLiteral(", verified")
                                         : QStringLiteral(", NOT verified"))
                         : QString(),
                     leg.insecureException ? QStringLiteral(" (--insecure-upstream)") : QString()));
        for (qsizetype i = 0; i < leg.chainDer.size(); ++i) {
            const QSslCertificate certificate(leg.chainDer.at(i), QSsl::Der);
            SessionFormat::write(stdout, QStringLiteral("  [%1] %2 (issuer %3, expires %4)\n")
                                             .arg(i)
                                             .arg(certificate.subjectDisplayName(),
                                                  certificate.issuerDisplayName(),
                                                  certificate.expiryDate().toString(Qt::ISODate)));
        }
    }
}

bool body(SessionReader& reader, const ExchangeDetail& e, record::Direction direction, bool raw) {
    const StoredBody* stored = e.body(direction);
    if (!stored)
        return true;
    DecodeLimits limits;
    limits.maxOutput = kShownBodyBytes;
    auto content = reader.body(e.row.id, direction, !raw, limits);
    if (!content) {
        std::fprintf(stderr, "spyglass-cli show: %s\n", qPrintable(content.errorMessage()));
        return false;
    }
    QStringList notes{SessionFormat::size(stored->size)};
    if (content->decoded)
        notes
            << QStringLiteral("decoded from %1").arg(QString::fromLatin1(stored->contentEncoding));
    if (stored->chunked)
        notes << QStringLiteral("chunked framing removed");
    if (!stored->truncated.isEmpty())
        notes << QStringLiteral("truncated (%1): %2 recorded")
                     .arg(QString::fromLatin1(stored->truncated),
                          SessionFormat::size(stored->stored));
    if (!content->message.isEmpty())
        notes << content->message;
    SessionFormat::write(stdout, QStringLiteral("\n--- %1 body (%2) ---\n")
                                     .arg(direction == record::Direction::Request
                                              ? QStringLiteral("Request")
                                              : QStringLiteral("Response"),
                                          notes.join(QStringLiteral("; "))));
    if (printable(content->data)) {
        SessionFormat::writeBytes(stdout, content->data);
        if (!content->data.endsWith('\n'))
            SessionFormat::write(stdout, QStringLiteral("\n"));
    } else {
        SessionFormat::write(stdout, QStringLiteral("[binary; the first %1 bytes as hex]\n")
                                         .arg(std::min<qint64>(kHexBytes, content->data.size())));
        SessionFormat::write(stdout, hexDump(content->data.left(kHexBytes)));
    }
    if (content->data.size() >= kShownBodyBytes)
        SessionFormat::write(
            stdout,
            QStringLiteral("[output stops at %1; use 'spyglass-cli export' for all of it]\n")
                .arg(SessionFormat::size(kShownBodyBytes)));
    return true;
}

void head(const StoredHead& h) {
    const bool request = h.direction == record::Direction::Request;
    SessionFormat::write(
        stdout, QStringLiteral("\n--- %1 head (as received) ---\n")
                    .arg(request ? QStringLiteral("Request") : QStringLiteral("Response")));
    SessionFormat::writeBytes(stdout, h.raw);
    if (!h.forwarded.isEmpty() && h.forwarded != h.raw) {
        SessionFormat::write(
            stdout, QStringLiteral("--- %1 head (as forwarded) ---\n")
                        .arg(request ? QStringLiteral("Request") : QStringLiteral("Response")));
        SessionFormat::writeBytes(stdout, h.forwarded);
    }
}

} // namespace

int runShowCommand(const QStringList& arguments) {
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Print one exchange of a session file: heads, bodies (decoded), timings, TLS."));
    parser.addPositionalArgument(QStringLiteral("SESSION"), QStringLiteral("The .spyglass file."));
    parser.addPositionalArgument(QStringLiteral("ID"),
                                 QStringLiteral("The exchange id (from 'list')."));
    parser.addOption({QStringLiteral("raw"), QStringLiteral("Show bodies as recorded, without "
                                                            "removing content codings.")});
    if (const int code = SessionFormat::parse(parser, arguments, "show", 2); code >= 0)
        return code;
    bool ok = false;
    const qint64 id = parser.positionalArguments().at(1).toLongLong(&ok);
    if (!ok || id <= 0) {
        std::fprintf(stderr, "spyglass-cli show: \"%s\" is not an exchange id\n",
                     qPrintable(parser.positionalArguments().at(1)));
        return 2;
    }
    auto reader = SessionReader::open(parser.positionalArguments().constFirst());
    if (!reader) {
        std::fprintf(stderr, "spyglass-cli show: %s\n", qPrintable(reader.errorMessage()));
        return 1;
    }
    auto found = reader.value()->exchange(id);
    if (!found) {
        std::fprintf(stderr, "spyglass-cli show: %s\n", qPrintable(found.errorMessage()));
        return 1;
    }
    if (!found.value()) {
        std::fprintf(stderr, "spyglass-cli show: no exchange %lld in %s\n",
                     static_cast<long long>(id), qPrintable(reader.value()->path()));
        return 1;
    }
    const ExchangeDetail& e = *found.value();
    const ListRow& r = e.row;
    SessionFormat::write(stdout, QStringLiteral("Exchange %1 (%2%3)\n")
                                     .arg(r.id)
                                     .arg(QString::fromLatin1(modeName(r.mode)),
                                          r.state == ListRow::State::Complete ? QString()
                                          : r.state == ListRow::State::Open
                                              ? QStringLiteral(", in flight")
                                              : QStringLiteral(", incomplete")));
    SessionFormat::write(stdout, line("Started", SessionFormat::isoTime(r.startUs)));
    SessionFormat::write(stdout, line("Duration", SessionFormat::duration(r.durationUs)));
    SessionFormat::write(stdout, line("Client", r.client));
    SessionFormat::write(stdout, line("Request", QString::fromLatin1(r.method) + QLatin1Char(' ') +
                                                     QString::fromUtf8(r.url())));
    SessionFormat::write(
        stdout, line("Status", r.status > 0 ? QString::number(r.status) : QStringLiteral("-")));
    SessionFormat::write(stdout, line("Sent", QStringLiteral("%1 on the wire, %2 body")
                                                  .arg(SessionFormat::size(e.requestWireBytes),
                                                       SessionFormat::size(e.requestBodyBytes))));
    SessionFormat::write(stdout,
                         line("Received", QStringLiteral("%1 on the wire, %2 body")
                                              .arg(SessionFormat::size(e.responseWireBytes),
                                                   SessionFormat::size(e.responseBodyBytes))));
    if (!e.sni.isEmpty())
        SessionFormat::write(stdout, line("SNI", QString::fromLatin1(e.sni)));
    if (!r.error.isEmpty())
        SessionFormat::write(stdout, line("Error", r.error));
    if (!e.note.isEmpty())
        SessionFormat::write(stdout, line("Note", e.note));
    if (e.damaged)
        SessionFormat::write(stdout,
                             line("Warning", QStringLiteral("parts of this record were "
                                                            "dropped (recorder saturated)")));
    if (e.hasTimings)
        timings(e);
    tls(e);
    const bool raw = parser.isSet(QStringLiteral("raw"));
    for (const StoredHead& h : e.heads) {
        head(h);
        // The body follows the last head of its direction.
        if (&h == e.head(h.direction) && !body(*reader.value(), e, h.direction, raw))
            return 1;
    }
    std::fflush(stdout);
    return 0;
}

} // namespace spyglass::app
