#pragma once

// Playbook tests for sans-io layers (mitmproxy's tutils.Playbook in C++):
// feed events, get the exact commands back as readable strings.
#include "core/proxy/Layer.h"
#include "core/proxy/Overloaded.h"

#include <QStringList>

namespace spyglass::core::proxy::testing {

inline QString quoted(const QByteArray& data) {
    QString s = QString::fromLatin1(data);
    s.replace(QStringLiteral("\r\n"), QStringLiteral("\\r\\n"));
    return s;
}

inline QString describe(const Command& command) {
    return std::visit(
        Overloaded{
            [](const command::SendData& c) {
                return QStringLiteral("send %1 %2").arg(c.conn).arg(quoted(c.data));
            },
            [](const command::OpenConnection& c) {
                return QStringLiteral("open %1 %2:%3")
                    .arg(c.conn)
                    .arg(QString::fromLatin1(c.host))
                    .arg(c.port);
            },
            [](const command::ShutdownWrite& c) {
                return QStringLiteral("shutdown %1").arg(c.conn);
            },
            [](const command::CloseConnection& c) {
                return QStringLiteral("close %1").arg(c.conn);
            },
            [](const command::SetReading& c) {
                return QStringLiteral("reading %1 %2")
                    .arg(c.conn)
                    .arg(c.enabled ? QLatin1StringView("on") : QLatin1StringView("off"));
            },
            [](const command::StartTimer& c) {
                return QStringLiteral("timer %1 %2").arg(c.timer).arg(c.msec);
            },
            [](const command::CancelTimer& c) { return QStringLiteral("cancel %1").arg(c.timer); },
            [](const command::ReportExchange& c) {
                const auto& s = c.summary;
                QString line =
                    QStringLiteral("report %1 %2 %3 up=%4 down=%5")
                        .arg(QString::fromLatin1(s.method), QString::fromLatin1(s.target))
                        .arg(s.status)
                        .arg(s.bytesUp)
                        .arg(s.bytesDown);
                if (!s.error.isEmpty())
                    line += QStringLiteral(" error");
                return line;
            },
            [](const command::RelayInKernel& c) {
                return QStringLiteral("kernel-relay %1 %2").arg(c.a).arg(c.b);
            },
            [](const command::Record& c) {
                static const char* const kKinds[] = {"begin", "head", "body", "tls", "end"};
                return QStringLiteral("record %1").arg(QLatin1StringView(kKinds[c.event.index()]));
            },
        },
        command);
}

class Playbook {
public:
    explicit Playbook(Layer& layer)
        : m_layer(layer) {}

    // Feeds one event; returns the commands it produced, described.
    QStringList operator<<(EventKind kind) {
        Commands out;
        m_now += 1000;
        m_layer.handle(Event{m_now, std::move(kind)}, out);
        QStringList described;
        for (const Command& c : out) {
            // Record events are checked on their own (records()), so the
            // playbooks of the protocol stay readable.
            if (const auto* r = std::get_if<command::Record>(&c)) {
                m_records.push_back(r->event);
                continue;
            }
            described << describe(c);
        }
        m_all << described;
        return described;
    }

    // Only the commands that match a prefix ("send 0", "report"), to keep a
    // playbook focused on what it tests.
    static QStringList only(const QStringList& commands, const QString& prefix) {
        QStringList filtered;
        for (const QString& c : commands) {
            if (c.startsWith(prefix))
                filtered << c;
        }
        return filtered;
    }

    [[nodiscard]] const QStringList& all() const { return m_all; }
    [[nodiscard]] const std::vector<record::RecordEvent>& records() const { return m_records; }

private:
    Layer& m_layer;
    qint64 m_now = 1'000'000;
    QStringList m_all;
    std::vector<record::RecordEvent> m_records;
};

} // namespace spyglass::core::proxy::testing
