#pragma once

#include "core/store/SessionWriter.h"
#include "tests/core/store/SyntheticExchange.h"

#include <QByteArray>
#include <QString>
#include <QTest>
#include <functional>
#include <memory>

namespace spyglass::ui::testing {

// Real session files for the list tests, written by the real SessionWriter
// with synthetic exchanges (no network needed for list data).
class SessionFixture {
public:
    using Shape = std::function<void(core::store::testing::SyntheticExchange&)>;

    // Exchange n: host "h<n % 3>.test", path "/n/<n>", status 200/404/500 by n.
    static void defaultShape(core::store::testing::SyntheticExchange& e) {
        const auto n = static_cast<qint64>(e.id);
        e.host = "h" + QByteArray::number(n % 3) + ".test";
        e.path = "/n/" + QByteArray::number(n);
        static const int statuses[] = {200, 404, 500, 200, 301};
        e.status = statuses[n % 5];
        e.durationUs = 1000 + (n * 7919) % 5000; // not in id order
        e.responseBody = QByteArray(static_cast<int>(n % 17), 'x');
    }

    explicit SessionFixture(const QString& path) {
        core::store::WriterOptions options;
        options.path = path;
        options.commitInterval = std::chrono::milliseconds(20);
        auto writer = core::store::SessionWriter::open(options);
        if (!writer)
            qFatal("%s", qPrintable(writer.errorMessage()));
        m_writer = std::move(writer).value();
        m_writer->start();
    }

    // Records exchanges [from, to] and waits (bounded) until committed.
    [[nodiscard]] bool record(qint64 from, qint64 to, const Shape& shape = defaultShape) {
        for (qint64 n = from; n <= to; ++n) {
            core::store::testing::SyntheticExchange e;
            e.id = static_cast<core::record::ExchangeId>(n);
            e.startUs += n * 1000;
            shape(e);
            e.recordInto(*m_writer);
            ++m_expected;
        }
        return waitCommitted();
    }
    // Only the beginning of an exchange: it stays open (in flight). It is
    // not counted as recorded; tests poll the model until it shows.
    void begin(qint64 n, const QByteArray& host) {
        core::record::ExchangeBegin b;
        b.id = static_cast<core::record::ExchangeId>(n);
        b.startUs = 1'700'000'000'000'000 + n * 1000;
        b.client = QStringLiteral("127.0.0.1:1");
        b.scheme = "http";
        b.host = host;
        b.port = 80;
        b.method = "GET";
        b.path = "/open";
        m_writer->record(b);
    }
    [[nodiscard]] bool end(qint64 n, int status) {
        core::record::ExchangeEnd e;
        e.id = static_cast<core::record::ExchangeId>(n);
        e.status = status;
        e.timings.acceptUs = 1'700'000'000'000'000 + n * 1000;
        e.timings.doneUs = e.timings.acceptUs + 4242;
        m_writer->record(e);
        ++m_expected;
        return waitCommitted();
    }
    void stop() { m_writer->stop(); }
    core::store::SessionWriter& writer() { return *m_writer; }

    // Waits (bounded) until every recorded exchange has ended in the file,
    // plus one commit interval so a reader sees it.
    [[nodiscard]] bool waitCommitted() {
        const bool ok =
            waitFor([this] { return m_writer->status().recordedExchanges >= m_expected; });
        QTest::qWait(60);
        return ok;
    }

private:
    static bool waitFor(const std::function<bool()>& done) {
        for (int i = 0; i < 500; ++i) {
            if (done())
                return true;
            QTest::qWait(10);
        }
        return false;
    }

    std::unique_ptr<core::store::SessionWriter> m_writer;
    qint64 m_expected = 0;
};

} // namespace spyglass::ui::testing
