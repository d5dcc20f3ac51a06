#include "ConsoleCommands.h"

#include "core/net/ProxyServer.h"
#include "core/store/SessionWriter.h"

#include <QDateTime>
#include <chrono>
#include <cstdio>
#include <unistd.h>

namespace spyglass::app {

namespace {

qint64 nowUs() {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

void printLine(const QString& text) {
    const QByteArray line = text.toUtf8() + '\n';
    std::fwrite(line.constData(), 1, static_cast<size_t>(line.size()), stdout);
    std::fflush(stdout);
}

} // namespace

ConsoleCommands::ConsoleCommands(core::net::ProxyServer& server,
                                 core::store::SessionWriter* recorder)
    : m_server(server)
    , m_recorder(recorder)
    , m_notifier(std::make_unique<QSocketNotifier>(STDIN_FILENO, QSocketNotifier::Read)) {
    QObject::connect(m_notifier.get(), &QSocketNotifier::activated, m_notifier.get(),
                     [this] { onReadable(); });
}

ConsoleCommands::~ConsoleCommands() = default;

void ConsoleCommands::onReadable() {
    char buffer[1024];
    const ssize_t n = ::read(STDIN_FILENO, buffer, sizeof buffer);
    if (n <= 0) {
        m_notifier->setEnabled(false); // EOF or error: no console
        return;
    }
    m_pending.append(buffer, n);
    qsizetype newline = 0;
    while ((newline = m_pending.indexOf('\n')) >= 0) {
        execute(m_pending.left(newline).trimmed());
        m_pending.remove(0, newline + 1);
    }
    if (m_pending.size() > 4096)
        m_pending.clear(); // not a command anybody typed
}

void ConsoleCommands::execute(const QByteArray& line) {
    if (line.isEmpty())
        return;
    auto& passthrough = m_server.passthrough();
    if (line == "passthrough") {
        const auto entries = passthrough.entries(nowUs());
        printLine(QStringLiteral("passthrough: %1 host(s)").arg(entries.size()));
        for (const auto& entry : entries) {
            const QString until = QDateTime::fromMSecsSinceEpoch(entry.untilUs / 1000)
                                      .toString(QStringLiteral("HH:mm:ss"));
            printLine(QStringLiteral("passthrough: %1 until %2: %3")
                          .arg(QString::fromLatin1(entry.host), until, entry.reason));
        }
    } else if (line == "passthrough clear") {
        passthrough.clear();
        printLine(QStringLiteral("passthrough: cleared"));
    } else if (line == "record" || line == "record resume") {
        if (!m_recorder) {
            printLine(QStringLiteral("record: not recording (--no-record)"));
            return;
        }
        if (line == "record resume") {
            // The writer thread probes for space and resumes; its status
            // listener prints the outcome.
            m_recorder->resume();
            printLine(QStringLiteral("record: resume requested"));
            return;
        }
        printLine(QStringLiteral("record: ") + m_recorder->status().summary());
    } else {
        printLine(QStringLiteral(
            "commands: passthrough | passthrough clear | record | record resume | help"));
    }
}

} // namespace spyglass::app
