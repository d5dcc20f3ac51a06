// GUI exchange list benchmark (issue 6): prints numbers, asserts no time.
//
//   bench_list [--session PATH] [--exchanges N] [--live-seconds S] [--live-rate R]
//       Generates PATH with N exchanges (default 1,000,000; reused when it
//       already has them; begin+end records only, the list needs no heads),
//       then, with the real ExchangeListModel in an ExchangeListView on
//       screen (QT_QPA_PLATFORM=offscreen or xvfb), measures:
//       - open: openSession to the first rows painted with data;
//       - the GUI thread's longest stall (a 5 ms QTimer heartbeat, max gap)
//         while scrolling to the end and back, sorting by an indexed and a
//         non-indexed column, applying and clearing a host filter, and
//         while a writer thread appends R exchanges/s (default 2,000) for
//         S seconds (default 10) with "follow newest" on;
//       - the process's RSS with the session open.
//   bench_list --smoke
//       A tiny run in a temporary directory that checks the answers (row
//       counts, sort order, host filter, live rows), never the times.
#include "core/store/SessionReader.h"
#include "core/store/SessionWriter.h"
#include "ui/list/ExchangeListModel.h"
#include "ui/list/ExchangeListView.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QHeaderView>
#include <QScrollBar>
#include <QTemporaryDir>
#include <QTimer>
#include <atomic>
#include <cstdio>
#include <thread>

using namespace spyglass;
using namespace spyglass::core;
using namespace spyglass::core::store;
using spyglass::ui::ExchangeColumn;
using spyglass::ui::ExchangeListModel;
using spyglass::ui::ExchangeListView;

namespace {

constexpr int kHosts = 2000;

QByteArray hostOf(qint64 n) {
    return QByteArrayLiteral("host") + QByteArray::number(n % kHosts) +
           QByteArrayLiteral(".example.com");
}

// One exchange as the proxy would record it, minus heads and bodies.
void recordExchange(SessionWriter& writer, qint64 n) {
    const auto id = static_cast<record::ExchangeId>(n);
    const qint64 start = 1'700'000'000'000'000 + n * 1000;
    record::ExchangeBegin begin;
    begin.id = id;
    begin.startUs = start;
    begin.mode = n % 4 == 0 ? record::Mode::Tunnel
                            : (n % 4 == 1 ? record::Mode::Intercepted : record::Mode::Forward);
    begin.client = QStringLiteral("127.0.0.1:%1").arg(40000 + n % 20000);
    begin.scheme = begin.mode == record::Mode::Intercepted ? "https" : "http";
    begin.host = hostOf(n);
    begin.port = begin.mode == record::Mode::Intercepted ? 443 : 80;
    begin.method = n % 7 == 0 ? QByteArrayLiteral("POST") : QByteArrayLiteral("GET");
    begin.path = "/api/v1/items/" + QByteArray::number(n) + "?page=" + QByteArray::number(n % 50);
    writer.record(begin);
    static const int statuses[] = {200, 200, 200, 200, 200, 200, 304, 404, 500, 201};
    record::ExchangeEnd end;
    end.id = id;
    end.status = statuses[n % 10];
    end.timings.acceptUs = start;
    end.timings.requestStartUs = start + 5;
    end.timings.responseStartUs = start + 800 + (n * 7919) % 5000;
    end.timings.doneUs = end.timings.responseStartUs + 100;
    end.responseWireBytes = 100 + n % 4096;
    end.responseBodyBytes = n % 4096;
    end.contentType = "application/json";
    writer.record(end);
}

std::unique_ptr<SessionWriter> openWriter(const QString& path) {
    WriterOptions options;
    options.path = path;
    options.queue.maxRecords = 400'000;
    options.queue.maxBytes = qsizetype{1} << 30;
    auto writer = SessionWriter::open(options);
    if (!writer)
        qFatal("bench_list: %s", qPrintable(writer.errorMessage()));
    writer.value()->start();
    return std::move(writer).value();
}

// bench_store's approach: bursts into a queue big enough for a burst,
// waiting for each burst to be committed.
void generate(const QString& path, qint64 count) {
    auto writer = openWriter(path);
    constexpr qint64 kBurst = 50'000;
    for (qint64 n = 1; n <= count; ++n) {
        recordExchange(*writer, n);
        if (n % kBurst == 0 || n == count) {
            while (writer->status().recordedExchanges < n)
                std::this_thread::sleep_for(std::chrono::milliseconds(2));
            std::fprintf(stderr, "  generated %lld\n", static_cast<long long>(n));
        }
    }
    writer->stop();
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

// The GUI thread's longest gap between 5 ms heartbeats since reset().
class StallMeter {
public:
    StallMeter() {
        m_timer.setInterval(5);
        m_timer.setTimerType(Qt::PreciseTimer);
        QObject::connect(&m_timer, &QTimer::timeout, [this] {
            const qint64 now = m_clock.nsecsElapsed();
            m_max = std::max(m_max, now - m_last);
            m_last = now;
        });
        m_clock.start();
        m_timer.start();
    }
    void reset() {
        m_last = m_clock.nsecsElapsed();
        m_max = 0;
    }
    [[nodiscard]] double maxMs() const { return static_cast<double>(m_max) / 1e6; }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_last = 0;
    qint64 m_max = 0;
};

// Runs the event loop until `done` (checked every 1 ms) or `timeoutMs`.
bool spinUntil(const std::function<bool()>& done, int timeoutMs = 60'000) {
    QElapsedTimer timer;
    timer.start();
    while (!done()) {
        if (timer.elapsed() > timeoutMs)
            return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 1);
        std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    return true;
}

// The rows on screen have their cells (no placeholders left).
bool visibleRowsLoaded(const ExchangeListView& view, const ExchangeListModel& model) {
    const QModelIndex top = view.indexAt(QPoint(1, 1));
    const QModelIndex bottom = view.indexAt(QPoint(1, view.viewport()->height() - 2));
    if (!top.isValid())
        return model.rowCount() == 0;
    const int last = bottom.isValid() ? bottom.row() : model.rowCount() - 1;
    for (int r = top.row(); r <= last; ++r) {
        if (!model.index(r, 0).data(ExchangeListModel::LoadedRole).toBool())
            return false;
    }
    return true;
}

int failed(const char* what) {
    std::fprintf(stderr, "bench_list: FAILED: %s\n", what);
    return 1;
}

} // namespace

int main(int argc, char** argv) {
    // Read before QApplication, which takes --session out of argv (X11
    // session management).
    QStringList args;
    for (int i = 0; i < argc; ++i)
        args << QString::fromLocal8Bit(argv[i]);
    QApplication app(argc, argv);
    const bool smoke = args.contains(QStringLiteral("--smoke"));
    QString path = QStringLiteral("/tmp/spyglass-bench-list.spyglass");
    qint64 exchanges = smoke ? 3000 : 1'000'000;
    int liveSeconds = smoke ? 2 : 10;
    int liveRate = 2000;
    for (qsizetype i = 1; i + 1 < args.size(); ++i) {
        if (args[i] == QStringLiteral("--session"))
            path = args[i + 1];
        else if (args[i] == QStringLiteral("--exchanges"))
            exchanges = args[i + 1].toLongLong();
        else if (args[i] == QStringLiteral("--live-seconds"))
            liveSeconds = args[i + 1].toInt();
        else if (args[i] == QStringLiteral("--live-rate"))
            liveRate = args[i + 1].toInt();
    }
    QTemporaryDir temp;
    if (smoke)
        path = temp.filePath(QStringLiteral("smoke.spyglass"));

    qint64 existing = 0;
    if (QFile::exists(path)) {
        if (auto reader = SessionReader::open(path)) {
            auto n = reader.value()->count();
            existing = n ? n.value() : 0;
        }
    }
    // A previous run's live rows stay in the file: reuse it as it is.
    if (!smoke && existing > exchanges) {
        std::printf("reusing %s with %lld exchanges\n", qPrintable(path),
                    static_cast<long long>(existing));
        exchanges = existing;
    }
    if (existing != exchanges) {
        QFile::remove(path);
        QFile::remove(path + QStringLiteral("-wal"));
        std::printf("generating %lld exchanges into %s\n", static_cast<long long>(exchanges),
                    qPrintable(path));
        QElapsedTimer timer;
        timer.start();
        generate(path, exchanges);
        std::printf("generated in %.1f s\n", static_cast<double>(timer.elapsed()) / 1000.0);
    }
    const qint64 rssBefore = rssKiB("VmRSS:");

    ExchangeListModel model;
    ExchangeListView view;
    view.setExchangeModel(&model);
    view.resize(1400, 900);
    view.show();
    StallMeter stall;
    spinUntil([] { return false; }, 200); // let the window settle

    // 0. The baseline: the longest gap with nothing to do (a loaded machine
    // deschedules the GUI thread too; read the numbers below against it).
    stall.reset();
    spinUntil([] { return false; }, smoke ? 200 : 3000);
    std::printf("idle baseline: longest GUI stall %.1f ms\n", stall.maxMs());

    // 1. Open to first rows shown.
    stall.reset();
    QElapsedTimer timer;
    timer.start();
    model.openSession(path);
    if (!spinUntil([&] { return model.rowCount() > 0 && visibleRowsLoaded(view, model); }))
        return failed("no rows after open");
    const double openMs = static_cast<double>(timer.nsecsElapsed()) / 1e6;
    std::printf("open to first rows shown: %.1f ms (%lld rows); longest GUI stall %.1f ms\n",
                openMs, static_cast<long long>(model.rowCount()), stall.maxMs());
    if (model.rowCount() != exchanges)
        return failed("row count after open");

    // 2. Scroll to the end and back.
    stall.reset();
    timer.start();
    view.scrollToBottom();
    if (!spinUntil([&] { return visibleRowsLoaded(view, model); }))
        return failed("rows at the end");
    const double endMs = static_cast<double>(timer.nsecsElapsed()) / 1e6;
    if (model.idAt(model.rowCount() - 1) != exchanges)
        return failed("last row");
    view.scrollToTop();
    if (!spinUntil([&] { return visibleRowsLoaded(view, model); }))
        return failed("rows at the top");
    std::printf("scroll to end (rows shown after %.1f ms) and back: longest GUI stall %.1f ms\n",
                endMs, stall.maxMs());

    // 3. Sorts: non-indexed (duration), indexed (host), back to #.
    auto sortBy = [&](ExchangeColumn column, Qt::SortOrder order, const char* name) -> bool {
        stall.reset();
        timer.start();
        view.header()->setSortIndicator(static_cast<int>(column), order);
        if (!spinUntil([&] { return !model.isBusy() && visibleRowsLoaded(view, model); }))
            return false;
        std::printf("sort by %s: rows shown after %.1f ms; longest GUI stall %.1f ms\n", name,
                    static_cast<double>(timer.nsecsElapsed()) / 1e6, stall.maxMs());
        return model.rowCount() == exchanges;
    };
    if (!sortBy(ExchangeColumn::Duration, Qt::DescendingOrder, "duration (no index), descending"))
        return failed("sort by duration");
    {
        const auto* a = model.loadedRow(0);
        const auto* b = model.loadedRow(1);
        if (!a || !b || a->durationUs < b->durationUs)
            return failed("duration order");
    }
    if (!sortBy(ExchangeColumn::Host, Qt::AscendingOrder, "host (indexed)"))
        return failed("sort by host");
    if (!sortBy(ExchangeColumn::Number, Qt::AscendingOrder, "# (id)"))
        return failed("sort by id");
    if (model.idAt(0) != 1)
        return failed("id order");

    // 4. Host filter and back.
    stall.reset();
    timer.start();
    model.setHostFilter(hostOf(42));
    const qint64 expectedHost = exchanges / kHosts + (exchanges % kHosts >= 42 ? 1 : 0);
    if (!spinUntil([&] { return !model.isBusy() && visibleRowsLoaded(view, model); }))
        return failed("host filter");
    const double hostMs = static_cast<double>(timer.nsecsElapsed()) / 1e6;
    if (model.rowCount() != expectedHost)
        return failed("host filter count");
    model.setHostFilter({});
    if (!spinUntil([&] { return !model.isBusy() && visibleRowsLoaded(view, model); }))
        return failed("host filter cleared");
    std::printf(
        "host filter (%lld rows shown after %.1f ms) and clear: longest GUI stall %.1f ms\n",
        static_cast<long long>(expectedHost), hostMs, stall.maxMs());
    if (model.rowCount() != exchanges)
        return failed("rows after clearing the host filter");

    // 5. Live capture: a writer thread appends at liveRate, follow newest;
    // first in # order (rows go at the end), then sorted by host, where
    // each new row lands at its place among the million (one insert per
    // contiguous run: with 2,000 hosts nearly one per row).
    view.setFollowNewest(true);
    qint64 inserts = 0;
    qint64 relayouts = 0; // a batch scattered over many places is one layout change
    QObject::connect(&model, &QAbstractItemModel::rowsInserted, [&] { ++inserts; });
    QObject::connect(&model, &QAbstractItemModel::layoutChanged, [&] { ++relayouts; });
    auto liveStep = [&](const char* name) -> bool {
        const qint64 before = model.rowCount();
        auto writer = openWriter(path);
        std::atomic<bool> stop{false};
        const qint64 liveTotal = static_cast<qint64>(liveRate) * liveSeconds;
        std::thread producer([&] {
            const auto begin = std::chrono::steady_clock::now();
            for (qint64 i = 1; i <= liveTotal && !stop; ++i) {
                recordExchange(*writer, before + i);
                if (i % (liveRate / 100) == 0) // pace in 10 ms steps
                    std::this_thread::sleep_until(
                        begin + std::chrono::microseconds(i * 1'000'000 / liveRate));
            }
        });
        stall.reset();
        timer.start();
        inserts = 0;
        relayouts = 0;
        const bool liveOk = spinUntil([&] { return model.rowCount() == before + liveTotal; },
                                      (liveSeconds + 30) * 1000);
        const double liveStall = stall.maxMs();
        stop = true;
        producer.join();
        writer->stop();
        if (!liveOk)
            return false;
        const QModelIndex bottom = view.indexAt(QPoint(1, view.viewport()->height() - 2));
        std::printf(
            "live capture %s, %d exchanges/s for %d s: all %lld rows listed after %.1f s "
            "in %lld inserts and %lld layout changes; longest GUI stall %.1f ms; bottom row "
            "id %lld\n",
            name, liveRate, liveSeconds, static_cast<long long>(liveTotal),
            static_cast<double>(timer.elapsed()) / 1000.0, static_cast<long long>(inserts),
            static_cast<long long>(relayouts), liveStall,
            static_cast<long long>(bottom.isValid() ? model.idAt(bottom.row()) : -1));
        return true;
    };
    if (!liveStep("in # order"))
        return failed("live rows did not all arrive");
    exchanges = model.rowCount();
    if (!sortBy(ExchangeColumn::Host, Qt::AscendingOrder, "host (indexed), before live rows"))
        return failed("sort by host before the live step");
    if (!liveStep("sorted by host"))
        return failed("live rows (sorted by host) did not all arrive");
    // The GUI's peak, before the check below adds a second reader's sort
    // (the bench's own memory, not the list's).
    const qint64 peakBeforeCheck = rssKiB("VmHWM:");
    // The live rows are where a fresh sort puts them (checked on the
    // first and last few thousand rows: a full compare is a second sort).
    {
        auto reader = SessionReader::open(path);
        if (!reader)
            return failed("reader for the order check");
        IdQuery query;
        query.column = ListColumn::Host;
        auto fresh = reader.value()->orderedIds(query);
        if (!fresh || fresh->ids.size() != model.rowCount())
            return failed("fresh sort for the order check");
        for (int r = 0; r < model.rowCount();
             r += (r < 3000 || r > model.rowCount() - 3000) ? 1 : 997) {
            if (fresh->ids.at(r) != model.idAt(r)) {
                std::fprintf(stderr, "row %d: fresh sort has id %lld, the list %lld\n", r,
                             static_cast<long long>(fresh->ids.at(r)),
                             static_cast<long long>(model.idAt(r)));
                return failed("live rows sorted by host are not where a fresh sort puts them");
            }
        }
        std::printf("live rows sorted by host: same places as a fresh sort (checked)\n");
    }

    // File pages the reader's mmap touched count in RSS too (clean, shared,
    // reclaimable): RssAnon is the process's own memory.
    std::printf("RSS: before open %lld KiB, with the session open %lld KiB (anonymous %lld KiB, "
                "file-backed %lld KiB), peak %lld KiB before the order check (%lld KiB after)\n",
                static_cast<long long>(rssBefore), static_cast<long long>(rssKiB("VmRSS:")),
                static_cast<long long>(rssKiB("RssAnon:")),
                static_cast<long long>(rssKiB("RssFile:")), static_cast<long long>(peakBeforeCheck),
                static_cast<long long>(rssKiB("VmHWM:")));
    if (smoke)
        QFile::remove(path); // the temporary directory goes too
    return 0;
}
