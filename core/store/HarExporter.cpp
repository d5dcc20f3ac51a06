#include "HarExporter.h"

#include "HarEntry.h"
#include "SessionReader.h"

#include <QIODevice>
#include <QJsonDocument>

namespace spyglass::core::store {

namespace {

constexpr int kPageRows = 256;

Status put(QIODevice& out, const QByteArray& bytes) {
    if (out.write(bytes) != bytes.size())
        return Error{QStringLiteral("cannot write the HAR file: %1").arg(out.errorString())};
    return {};
}

} // namespace

Result<HarSummary> HarExporter::write(SessionReader& reader, QIODevice& out,
                                      const FilterSql* filter, const HarOptions& options) {
    HarSummary summary;
    const QByteArray header =
        QByteArrayLiteral("{\"log\":{\"version\":\"1.2\",\"creator\":{\"name\":\"Spyglass\","
                          "\"version\":\"" SPYGLASS_VERSION "\"},\"pages\":[],\"entries\":[\n");
    if (Status s = put(out, header); !s)
        return s.error();
    qint64 after = 0;
    for (;;) {
        auto rows = reader.rowsAfter(after, kPageRows, filter);
        if (!rows)
            return rows.error();
        if (rows->isEmpty())
            break;
        for (const ListRow& row : rows.value()) {
            after = row.id;
            if (row.mode == record::Mode::Tunnel) {
                ++summary.skippedTunnels;
                continue;
            }
            auto exchange = reader.exchange(row.id);
            if (!exchange)
                return exchange.error();
            if (!exchange.value())
                continue;
            const ExchangeDetail& detail = *exchange.value();
            std::optional<BodyContent> bodies[2];
            for (auto direction : {record::Direction::Request, record::Direction::Response}) {
                if (!detail.body(direction))
                    continue;
                auto content = reader.body(row.id, direction, true, options.limits);
                if (!content)
                    return content.error();
                bodies[direction == record::Direction::Request ? 0 : 1] =
                    std::move(content).value();
            }
            const QJsonObject entry =
                HarEntry::build(detail, bodies[0] ? &*bodies[0] : nullptr,
                                bodies[1] ? &*bodies[1] : nullptr, options.redact);
            QByteArray json = QJsonDocument(entry).toJson(QJsonDocument::Compact);
            if (summary.entries > 0)
                json.prepend(",\n");
            if (Status s = put(out, json); !s)
                return s.error();
            ++summary.entries;
        }
    }
    if (Status s = put(out, QByteArrayLiteral("\n]}}\n")); !s)
        return s.error();
    return summary;
}

} // namespace spyglass::core::store
