// Session store benchmarks (issue 5): prints numbers, asserts no time.
//
//   bench_store [--session PATH] [--exchanges N] [--pages N] [--har N]
//       Generates PATH with N exchanges (default 1,000,000; reused when it
//       already has them), then measures with a fresh read-only reader:
//       count, list pages by position (p50/p99), host filters, distinct
//       hosts; then streams a HAR export of the first --har exchanges
//       (default 100,000) to /dev/null and reports its peak RSS.
//   bench_store --smoke
//       A tiny run in a temporary directory that checks the answers, never
//       the times (ctest label bench-smoke).
#include "core/store/HarExporter.h"
#include "core/store/SessionReader.h"
#include "core/store/SessionWriter.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <algorithm>
#include <cstdio>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace spyglass::core;
using namespace spyglass::core::store;

namespace {

constexpr int kHosts = 2000;

QByteArray hostOf(qint64 n) {
    return QByteArrayLiteral("host") + QByteArray::number(n % kHosts) +
           QByteArrayLiteral(".example.com");
}

// An intercepted exchange's two TLS legs, as the proxy reports them for
// every exchange on a connection: the server leg with the host's chain (a
// leaf per host, one intermediate), sized like real DER certificates.
void appendTls(std::vector<record::RecordEvent>& out, record::ExchangeId id,
               const QByteArray& host) {
    static const QByteArray intermediate(1100, 'i');
    record::TlsRecord client;
    client.id = id;
    client.leg = record::TlsLeg::Client;
    client.version = "TLSv1.3";
    client.cipher = "TLS_AES_128_GCM_SHA256";
    client.alpn = "http/1.1";
    client.sni = host;
    out.emplace_back(client);
    record::TlsRecord server = client;
    server.leg = record::TlsLeg::Server;
    server.cipher = "TLS_AES_256_GCM_SHA384";
    server.verified = true;
    server.chainDer = {host + QByteArray(900, 'l'), intermediate};
    out.emplace_back(server);
}

std::vector<record::RecordEvent> synthetic(qint64 n) {
    std::vector<record::RecordEvent> out;
    const auto id = static_cast<record::ExchangeId>(n);
    const qint64 start = 1'700'000'000'000'000 + n * 1000;
    record::ExchangeBegin begin;
    begin.id = id;
    begin.startUs = start;
    begin.mode = record::Mode::Intercepted;
    begin.client = QStringLiteral("127.0.0.1:%1").arg(40000 + n % 20000);
    begin.scheme = "https";
    begin.host = hostOf(n);
    begin.port = 443;
    begin.sni = begin.host;
    begin.method = n % 7 == 0 ? QByteArrayLiteral("POST") : QByteArrayLiteral("GET");
    begin.path = "/api/v1/items/" + QByteArray::number(n) + "?page=" + QByteArray::number(n % 50);
    out.emplace_back(begin);
    appendTls(out, id, begin.host);
    const QByteArray request = begin.method + ' ' + begin.path +
                               " HTTP/1.1\r\nHost: " + begin.host +
                               "\r\nUser-Agent: bench/1.0\r\nAccept: application/json\r\n"
                               "X-Request-Id: req-" +
                               QByteArray::number(n) + "\r\n\r\n";
    out.emplace_back(record::HeadRecord{id, record::Direction::Request, 0, request, request});
    static const int statuses[] = {200, 200, 200, 200, 200, 200, 304, 404, 500, 201};
    const int status = statuses[n % 10];
    const QByteArray response = "HTTP/1.1 " + QByteArray::number(status) +
                                " X\r\nContent-Type: application/json\r\nContent-Length: 256\r\n"
                                "Cache-Control: no-store\r\n\r\n";
    out.emplace_back(
        record::HeadRecord{id, record::Direction::Response, status, response, response});
    QByteArray body(256, Qt::Uninitialized);
    for (int i = 0; i < body.size(); ++i)
        body[i] = static_cast<char>('a' + (n + i) % 26);
    out.emplace_back(record::BodyChunk{id, record::Direction::Response, body, false});
    record::ExchangeEnd end;
    end.id = id;
    end.status = status;
    end.timings.acceptUs = start;
    end.timings.requestStartUs = start + 5;
    end.timings.requestSentUs = start + 200;
    end.timings.responseStartUs = start + 800 + n % 5000;
    end.timings.doneUs = end.timings.responseStartUs + 100;
    end.requestWireBytes = request.size();
    end.responseWireBytes = response.size() + 256;
    end.responseBodyBytes = 256;
    end.contentType = "application/json";
    out.emplace_back(end);
    return out;
}

int fail(const QString& what) {
    std::fprintf(stderr, "bench_store: %s\n", qPrintable(what));
    return 1;
}

double ms(const QElapsedTimer& timer) {
    return static_cast<double>(timer.nsecsElapsed()) / 1e6;
}

double percentile(std::vector<double> v, double p) {
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1,
                      static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5))];
}

qint64 rssKiB(const char* field) {
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray& line : status.readAll().split('\n')) {
        if (line.startsWith(field))
            return line.mid(static_cast<qsizetype>(qstrlen(field)))
                .trimmed()
                .split(' ')
                .first()
                .toLongLong();
    }
    return -1;
}

// CPU seconds used so far by this process's thread named `name` (the
// writer is "sg-recorder"): unlike wall time, not skewed by other load.
double threadCpuSeconds(const QByteArray& name) {
    const QDir tasks(QStringLiteral("/proc/self/task"));
    for (const QString& tid : tasks.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        QFile comm(tasks.filePath(tid + QStringLiteral("/comm")));
        if (!comm.open(QIODevice::ReadOnly) || comm.readAll().trimmed() != name)
            continue;
        QFile stat(tasks.filePath(tid + QStringLiteral("/stat")));
        if (!stat.open(QIODevice::ReadOnly))
            return -1;
        const QByteArray text = stat.readAll();
        const QList<QByteArray> fields = text.mid(text.lastIndexOf(')') + 2).split(' ');
        // After "pid (comm) ": state is field 3, utime 14, stime 15.
        const double ticks =
            static_cast<double>(fields.value(11).toLongLong() + fields.value(12).toLongLong());
        return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
    }
    return -1;
}

// Writes `count` exchanges in bursts of kBurst into a queue big enough to
// hold a burst (so nothing is dropped), waiting for each burst to be
// committed: the time is the writer's, the producer's share is small.
Result<double> generate(const QString& path, qint64 count) {
    constexpr qint64 kBurst = 20'000;
    WriterOptions options;
    options.path = path;
    options.queue.maxRecords = kBurst * 8;
    options.queue.maxBytes = qsizetype{1} << 30;
    auto writer = SessionWriter::open(options);
    if (!writer)
        return writer.error();
    writer.value()->start();
    QElapsedTimer timer;
    timer.start();
    for (qint64 n = 1; n <= count; ++n) {
        for (auto& event : synthetic(n))
            writer.value()->record(std::move(event));
        if (n % kBurst == 0 || n == count) {
            while (writer.value()->status().recordedExchanges < n)
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        if (n % 100'000 == 0)
            std::fprintf(stderr, "  generated %lld\n", static_cast<long long>(n));
    }
    const double seconds = ms(timer) / 1000.0;
    const double cpu = threadCpuSeconds("sg-recorder");
    std::printf("writer thread CPU: %.1f s for %lld exchanges = %.1f us each\n", cpu,
                static_cast<long long>(count), cpu * 1e6 / static_cast<double>(count));
    writer.value()->stop();
    const RecorderStatus status = writer.value()->status();
    if (status.recordedExchanges != count || status.droppedExchanges != 0)
        return Error{QStringLiteral("generation lost exchanges: %1").arg(status.summary())};
    return static_cast<double>(count) / seconds;
}

// Counts bytes and samples peak RSS while the HAR streams out.
class CountingDevice final : public QIODevice {
public:
    qint64 bytes = 0;
    qint64 writes = 0;
    qint64 rssAtQuarter[4] = {-1, -1, -1, -1};
    qint64 expectedWrites = 1;

protected:
    qint64 readData(char*, qint64) override { return -1; }
    qint64 writeData(const char*, qint64 size) override {
        bytes += size;
        ++writes;
        const qint64 quarter =
            std::min<qint64>(3, writes * 4 / std::max<qint64>(1, expectedWrites));
        rssAtQuarter[quarter] = rssKiB("VmRSS:");
        return size;
    }
};

} // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    const bool smoke = args.contains(QStringLiteral("--smoke"));
    QString path = QStringLiteral("/tmp/spyglass-bench-store.spyglass");
    qint64 exchanges = smoke ? 3000 : 1'000'000;
    int pages = smoke ? 50 : 2000;
    qint64 harCount = smoke ? 1000 : 100'000;
    for (qsizetype i = 1; i + 1 < args.size(); ++i) {
        if (args[i] == QStringLiteral("--session"))
            path = args[i + 1];
        else if (args[i] == QStringLiteral("--exchanges"))
            exchanges = args[i + 1].toLongLong();
        else if (args[i] == QStringLiteral("--pages"))
            pages = args[i + 1].toInt();
        else if (args[i] == QStringLiteral("--har"))
            harCount = args[i + 1].toLongLong();
    }
    QTemporaryDir temp;
    if (smoke)
        path = temp.filePath(QStringLiteral("smoke.spyglass"));

    qint64 existing = 0;
    if (QFile::exists(path)) {
        auto reader = SessionReader::open(path);
        if (reader) {
            auto n = reader.value()->count();
            existing = n ? n.value() : 0;
        }
    }
    if (existing != exchanges) {
        QFile::remove(path);
        std::printf("generating %lld exchanges into %s\n", static_cast<long long>(exchanges),
                    qPrintable(path));
        auto rate = generate(path, exchanges);
        if (!rate)
            return fail(rate.errorMessage());
        std::printf("writer: %.0f exchanges/s (7 records each: TLS legs, 256-byte bodies)\n",
                    rate.value());
        std::printf("file: %.1f MiB\n", static_cast<double>(QFile(path).size()) / 1048576.0);
    }

    QElapsedTimer timer;
    timer.start();
    auto opened = SessionReader::open(path);
    if (!opened)
        return fail(opened.errorMessage());
    SessionReader& reader = *opened.value();
    std::printf("open reader: %.2f ms\n", ms(timer));

    timer.start();
    auto counted = reader.count();
    const double firstCount = ms(timer);
    timer.start();
    auto again = reader.count();
    const double cachedCount = ms(timer);
    if (!counted || counted.value() != exchanges || !again || again.value() != exchanges)
        return fail(QStringLiteral("count is wrong"));
    std::printf("count (first, full): %.2f ms; (cached): %.3f ms -> %lld\n", firstCount,
                cachedCount, static_cast<long long>(counted.value()));

    std::vector<double> pageTimes;
    QRandomGenerator random(42);
    for (int i = 0; i < pages; ++i) {
        const qint64 position =
            static_cast<qint64>(random.bounded(static_cast<quint64>(exchanges)));
        timer.start();
        auto page = reader.page(position, 100);
        pageTimes.push_back(ms(timer));
        if (!page || page->isEmpty() || page->constFirst().id != position + 1)
            return fail(QStringLiteral("page at %1 is wrong").arg(position));
    }
    std::printf("page of 100 rows by position (%d random): p50 %.3f ms, p99 %.3f ms, max %.3f ms\n",
                pages, percentile(pageTimes, 0.5), percentile(pageTimes, 0.99),
                *std::max_element(pageTimes.begin(), pageTimes.end()));

    const QString hostExpr = QStringLiteral("host:host42.example");
    auto hostFilter = SessionReader::compileFilter(hostExpr);
    const qint64 expectedHost = exchanges / kHosts + (exchanges % kHosts >= 42 ? 1 : 0);
    for (int run = 0; run < 3; ++run) {
        timer.start();
        auto hostCount = reader.count(&hostFilter.value());
        const double countMs = ms(timer);
        timer.start();
        auto firstPage = reader.page(0, 100, &hostFilter.value());
        const double pageMs = ms(timer);
        timer.start();
        auto hostIds = reader.ids(&hostFilter.value());
        const double idsMs = ms(timer);
        if (!hostCount || !firstPage || !hostIds || hostIds->size() != hostCount.value() ||
            hostCount.value() != expectedHost)
            return fail(QStringLiteral("host filter is wrong"));
        std::printf(
            "filter '%s' (%lld rows) run %d: count %.2f ms, first page %.2f ms, ids %.2f ms\n",
            qPrintable(hostExpr), static_cast<long long>(hostCount.value()), run + 1, countMs,
            pageMs, idsMs);
    }
    for (const QString& expr :
         {QStringLiteral("host:example.com"), QStringLiteral("status:5xx"),
          QStringLiteral("method:POST status:200"), QStringLiteral("text:req-4242")}) {
        auto filter = SessionReader::compileFilter(expr);
        timer.start();
        auto n = reader.count(&filter.value());
        const double countMs = ms(timer);
        timer.start();
        auto page = reader.page(0, 100, &filter.value());
        if (!n || !page)
            return fail(QStringLiteral("filter %1 failed").arg(expr));
        std::printf("filter '%s' (%lld rows): count %.2f ms, first page %.2f ms\n",
                    qPrintable(expr), static_cast<long long>(n.value()), countMs, ms(timer));
    }
    timer.start();
    auto hosts = reader.hosts();
    if (!hosts || hosts->size() != std::min<qint64>(kHosts, exchanges))
        return fail(QStringLiteral("distinct hosts are wrong"));
    std::printf("distinct hosts (%lld): %.2f ms\n", static_cast<long long>(hosts->size()),
                ms(timer));

    auto harFilter = SessionReader::compileFilter(QStringLiteral("id:<=%1").arg(harCount));
    CountingDevice device;
    device.expectedWrites = harCount;
    device.open(QIODevice::WriteOnly);
    const qint64 rssBefore = rssKiB("VmRSS:");
    timer.start();
    auto har = HarExporter::write(reader, device, &harFilter.value(), HarOptions{});
    if (!har || har->entries != std::min(harCount, exchanges))
        return fail(QStringLiteral("HAR export is wrong"));
    std::printf("HAR export of %lld exchanges: %.1f s, %.1f MiB; RSS before %lld KiB, at 1/4 %lld, "
                "1/2 %lld, 3/4 %lld, end %lld KiB\n",
                static_cast<long long>(har->entries), ms(timer) / 1000.0,
                static_cast<double>(device.bytes) / 1048576.0, static_cast<long long>(rssBefore),
                static_cast<long long>(device.rssAtQuarter[0]),
                static_cast<long long>(device.rssAtQuarter[1]),
                static_cast<long long>(device.rssAtQuarter[2]),
                static_cast<long long>(device.rssAtQuarter[3]));
    std::printf("peak RSS of this process: %lld KiB\n", static_cast<long long>(rssKiB("VmHWM:")));
    return 0;
}
