// Recording on vs off through the real proxy (issue 5): keep-alive
// requests per second with `spyglass-cli run --no-record` and with
// `--session FILE`, and the proxy's RSS as the recorded count grows.
//
//   bench_record_proxy [--cli PATH] [--requests N] [--clients N] [--rounds N] [--body BYTES]
//   bench_record_proxy --smoke   (tiny run: every response arrives and is recorded)
//
// The requests are forwarded plain HTTP (absolute-form through the proxy);
// intercepted HTTPS is measured the same way once interception lands.
#include "core/store/SessionReader.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <algorithm>
#include <arpa/inet.h>
#include <atomic>
#include <cstdio>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace spyglass::core::store;

namespace {

int listenLoopback(quint16* port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 512) != 0)
        return -1;
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    *port = ntohs(addr.sin_port);
    return fd;
}

int connectLoopback(quint16 port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        return -1;
    }
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

bool writeAll(int fd, const std::string& data) {
    std::size_t done = 0;
    while (done < data.size()) {
        const ssize_t n = ::send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
        if (n <= 0)
            return false;
        done += static_cast<std::size_t>(n);
    }
    return true;
}

// Reads one message head (and a Content-Length body) from `fd`; `buffer`
// keeps bytes read past it. Returns the status (responses) or 1 (requests).
int readMessage(int fd, std::string& buffer, bool response) {
    for (int guard = 0; guard < 100000; ++guard) {
        const std::size_t end = buffer.find("\r\n\r\n");
        if (end != std::string::npos) {
            std::size_t length = 0;
            const std::size_t cl = buffer.find("Content-Length: ");
            if (cl != std::string::npos && cl < end)
                length = std::stoul(buffer.substr(cl + 16, buffer.find("\r\n", cl) - cl - 16));
            while (buffer.size() < end + 4 + length) {
                char chunk[65536];
                const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
                if (n <= 0)
                    return -1;
                buffer.append(chunk, static_cast<std::size_t>(n));
            }
            const int status = response ? std::atoi(buffer.c_str() + 9) : 1;
            buffer.erase(0, end + 4 + length);
            return status;
        }
        char chunk[65536];
        const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
        if (n <= 0)
            return -1;
        buffer.append(chunk, static_cast<std::size_t>(n));
    }
    return -1;
}

// A keep-alive origin: a thread per connection, a fixed response.
class Origin {
public:
    explicit Origin(int bodyBytes) {
        m_response = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " +
                     std::to_string(bodyBytes) + "\r\n\r\n" +
                     std::string(static_cast<std::size_t>(bodyBytes), 'x');
        m_fd = listenLoopback(&m_port);
        m_acceptor = std::thread([this] {
            for (;;) {
                const int client = ::accept4(m_fd, nullptr, nullptr, SOCK_CLOEXEC);
                if (client < 0)
                    return;
                const int one = 1;
                ::setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                std::thread([this, client] {
                    std::string buffer;
                    while (readMessage(client, buffer, false) > 0 && writeAll(client, m_response)) {
                    }
                    ::close(client);
                }).detach();
            }
        });
    }
    ~Origin() {
        ::shutdown(m_fd, SHUT_RDWR);
        ::close(m_fd);
        m_acceptor.join();
    }
    quint16 port() const { return m_port; }

private:
    std::string m_response;
    int m_fd = -1;
    quint16 m_port = 0;
    std::thread m_acceptor;
};

qint64 rssKiB(qint64 pid, const char* field) {
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
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

// CPU seconds per thread name of process `pid` ("spyglass-cli" is the
// proxy's I/O thread, "sg-recorder" the session writer).
QString threadCpu(qint64 pid) {
    const QDir tasks(QStringLiteral("/proc/%1/task").arg(pid));
    QStringList parts;
    for (const QString& tid : tasks.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        QFile comm(tasks.filePath(tid + QStringLiteral("/comm")));
        QFile stat(tasks.filePath(tid + QStringLiteral("/stat")));
        if (!comm.open(QIODevice::ReadOnly) || !stat.open(QIODevice::ReadOnly))
            continue;
        const QByteArray text = stat.readAll();
        const QList<QByteArray> fields = text.mid(text.lastIndexOf(')') + 2).split(' ');
        const double seconds =
            static_cast<double>(fields.value(11).toLongLong() + fields.value(12).toLongLong()) /
            static_cast<double>(sysconf(_SC_CLK_TCK));
        if (seconds >= 0.05)
            parts << QStringLiteral("%1 %2 s")
                         .arg(QString::fromUtf8(comm.readAll().trimmed()))
                         .arg(seconds, 0, 'f', 2);
    }
    return parts.join(QStringLiteral(", "));
}

struct RunResult {
    double requestsPerSecond = 0;
    qint64 ok = 0;
    qint64 failed = 0;
    std::vector<std::pair<qint64, qint64>> rss; // (requests done, VmRSS KiB)
    qint64 peakRss = 0;
    QString stderrText;
    QString cpu;
};

RunResult runOnce(const QString& cli, const QStringList& recording, quint16 originPort,
                  qint64 requests, int clients, bool sampleRss) {
    RunResult result;
    QProcess proxy;
    proxy.start(cli, QStringList{QStringLiteral("run"), QStringLiteral("--listen"),
                                 QStringLiteral("127.0.0.1:0"), QStringLiteral("--quiet")} +
                         recording);
    if (!proxy.waitForStarted(10000))
        return result;
    QByteArray out;
    static const QRegularExpression listening(
        QStringLiteral("listening on 127\\.0\\.0\\.1:(\\d+)"));
    QRegularExpressionMatch match;
    for (int i = 0; i < 200 && !(match = listening.match(QString::fromUtf8(out))).hasMatch(); ++i) {
        proxy.waitForReadyRead(50);
        out += proxy.readAllStandardOutput();
    }
    if (!match.hasMatch())
        return result;
    const auto proxyPort = static_cast<quint16>(match.captured(1).toUInt());
    const std::string request = "GET http://127.0.0.1:" + std::to_string(originPort) +
                                "/bench HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(originPort) +
                                "\r\nUser-Agent: bench_record_proxy\r\n\r\n";
    std::atomic<qint64> next{0};
    std::atomic<qint64> ok{0};
    std::atomic<qint64> failed{0};
    QElapsedTimer timer;
    timer.start();
    std::vector<std::thread> threads;
    for (int c = 0; c < clients; ++c) {
        threads.emplace_back([&] {
            int fd = connectLoopback(proxyPort);
            std::string buffer;
            while (next.fetch_add(1) < requests) {
                if (fd < 0 || !writeAll(fd, request) || readMessage(fd, buffer, true) != 200) {
                    ++failed;
                    if (fd >= 0)
                        ::close(fd);
                    buffer.clear();
                    fd = connectLoopback(proxyPort);
                    continue;
                }
                ++ok;
            }
            if (fd >= 0)
                ::close(fd);
        });
    }
    if (sampleRss) {
        const qint64 step = std::max<qint64>(1, requests / 10);
        qint64 nextSample = step;
        while (ok + failed < requests) {
            if (ok >= nextSample) {
                result.rss.emplace_back(ok.load(), rssKiB(proxy.processId(), "VmRSS:"));
                nextSample += step;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
    }
    for (std::thread& t : threads)
        t.join();
    const double seconds = static_cast<double>(timer.nsecsElapsed()) / 1e9;
    result.requestsPerSecond = static_cast<double>(ok) / seconds;
    result.ok = ok;
    result.failed = failed;
    if (sampleRss)
        result.rss.emplace_back(ok.load(), rssKiB(proxy.processId(), "VmRSS:"));
    result.peakRss = rssKiB(proxy.processId(), "VmHWM:");
    // The writer may still be draining its queue: wait (bounded) for it so
    // its CPU time is all counted.
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    result.cpu = threadCpu(proxy.processId());
    proxy.terminate();
    proxy.waitForFinished(30000);
    result.stderrText = QString::fromUtf8(proxy.readAllStandardError());
    return result;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

} // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    const bool smoke = args.contains(QStringLiteral("--smoke"));
    QString cli = QStringLiteral(SPYGLASS_CLI_PATH);
    qint64 requests = smoke ? 300 : 100'000;
    int clients = smoke ? 2 : 4;
    int rounds = smoke ? 1 : 3;
    int body = 1024;
    for (qsizetype i = 1; i + 1 < args.size(); ++i) {
        if (args[i] == QStringLiteral("--cli"))
            cli = args[i + 1];
        else if (args[i] == QStringLiteral("--requests"))
            requests = args[i + 1].toLongLong();
        else if (args[i] == QStringLiteral("--clients"))
            clients = args[i + 1].toInt();
        else if (args[i] == QStringLiteral("--rounds"))
            rounds = args[i + 1].toInt();
        else if (args[i] == QStringLiteral("--body"))
            body = args[i + 1].toInt();
    }
    Origin origin(body);
    QTemporaryDir dir;
    std::vector<double> off;
    std::vector<double> on;
    for (int round = 0; round < rounds; ++round) {
        const RunResult plain =
            runOnce(cli, {QStringLiteral("--no-record")}, origin.port(), requests, clients, false);
        const QString session = dir.filePath(QStringLiteral("round%1.spyglass").arg(round));
        const RunResult recorded = runOnce(cli, {QStringLiteral("--session"), session},
                                           origin.port(), requests, clients, true);
        if (plain.ok != requests || recorded.ok != requests) {
            std::fprintf(stderr,
                         "bench_record_proxy: requests failed (off %lld/%lld, on %lld/%lld)\n%s",
                         static_cast<long long>(plain.ok), static_cast<long long>(requests),
                         static_cast<long long>(recorded.ok), static_cast<long long>(requests),
                         qPrintable(recorded.stderrText));
            return 1;
        }
        auto reader = SessionReader::open(session);
        if (!reader)
            return std::fprintf(stderr, "bench_record_proxy: %s\n",
                                qPrintable(reader.errorMessage())),
                   1;
        const qint64 rows = reader.value()->count().value();
        off.push_back(plain.requestsPerSecond);
        on.push_back(recorded.requestsPerSecond);
        std::printf(
            "round %d: off %.0f req/s, on %.0f req/s (%lld of %lld exchanges recorded; %s)\n",
            round + 1, plain.requestsPerSecond, recorded.requestsPerSecond,
            static_cast<long long>(rows), static_cast<long long>(requests),
            qPrintable(recorded.stderrText.trimmed().split(QLatin1Char('\n')).last()));
        std::printf("  proxy RSS while recording:");
        for (const auto& [done, kib] : recorded.rss)
            std::printf(" %lld@%lld", static_cast<long long>(kib / 1024),
                        static_cast<long long>(done));
        std::printf(" (MiB@requests); peak %.1f MiB; without recording peak %.1f MiB\n",
                    static_cast<double>(recorded.peakRss) / 1024.0,
                    static_cast<double>(plain.peakRss) / 1024.0);
        std::printf("  CPU off: %s; on: %s\n", qPrintable(plain.cpu), qPrintable(recorded.cpu));
        if (smoke) {
            // Correctness only: every exchange was recorded whole.
            auto filter = SessionReader::compileFilter(QStringLiteral("status:200 path:/bench"));
            if (rows != requests || reader.value()->count(&filter.value()).value() != requests) {
                std::fprintf(stderr, "bench_record_proxy: %lld rows recorded, expected %lld\n",
                             static_cast<long long>(rows), static_cast<long long>(requests));
                return 1;
            }
        }
    }
    const double offMedian = median(off);
    const double onMedian = median(on);
    std::printf("median of %d rounds, %lld keep-alive requests, %d clients, %d-byte bodies: off "
                "%.0f req/s, "
                "on %.0f req/s, change %+.1f%%\n",
                rounds, static_cast<long long>(requests), clients, body, offMedian, onMedian,
                (onMedian / offMedian - 1.0) * 100.0);
    return 0;
}
