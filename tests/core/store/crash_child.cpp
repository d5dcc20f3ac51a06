// The child of test_CrashSafety: records crashExchange(n) for n = START,
// START+1, ... into SESSION until it is killed, printing "ack N" (flushed)
// after each commit for every exchange that commit made durable.
//
//   store_crash_child SESSION START [spool]
//
// With "spool" every record passes through SESSION-spool (SpoolUse::Always).
#include "CrashStream.h"
#include "core/store/SessionWriter.h"

#include <QCoreApplication>
#include <atomic>
#include <cstdio>
#include <thread>

using namespace spyglass::core;
using namespace spyglass::core::store;

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    if (argc != 3 && !(argc == 4 && QByteArray(argv[3]) == "spool")) {
        std::fprintf(stderr, "usage: store_crash_child SESSION START [spool]\n");
        return 2;
    }
    WriterOptions options;
    options.path = QString::fromLocal8Bit(argv[1]);
    options.commitInterval = std::chrono::milliseconds(20);
    options.spool = argc == 4 ? SpoolUse::Always : SpoolUse::Never;
    // This test is about crashes, not saturation (test_WriterDegradation
    // covers that): the child keeps at most kUnacknowledged exchanges ahead
    // of the writer, and the queue holds all of them (at most 300 kB each),
    // so it never cuts a body however slow the machine is.
    constexpr qint64 kUnacknowledged = 128;
    options.queue.maxBytes = 128 << 20;
    auto writer = SessionWriter::open(options);
    if (!writer) {
        std::fprintf(stderr, "%s\n", qPrintable(writer.errorMessage()));
        return 1;
    }
    std::atomic<qint64> acknowledged{0};
    writer.value()->setCommitListener([&acknowledged](const std::vector<record::ExchangeId>& ids) {
        for (record::ExchangeId id : ids)
            std::printf("ack %llu\n", static_cast<unsigned long long>(id));
        std::fflush(stdout);
        acknowledged += static_cast<qint64>(ids.size());
    });
    writer.value()->start();
    std::printf("ready\n");
    std::fflush(stdout);
    const qint64 start = QByteArray(argv[2]).toLongLong();
    // Bounded: the parent kills us long before this ends.
    for (qint64 n = start; n < start + 1'000'000; ++n) {
        testing::crashExchange(n).recordInto(*writer.value());
        // Keep the writer busy but not saturated, so most exchanges commit.
        while (n - start + 1 - acknowledged.load() > kUnacknowledged)
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    writer.value()->stop();
    return 0;
}
