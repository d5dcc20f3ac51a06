#pragma once

#include <QSocketNotifier>
#include <memory>

namespace spyglass::core::net {
class ProxyServer;
}
namespace spyglass::core::store {
class SessionWriter;
}

namespace spyglass::app {

// Commands typed on `spyglass-cli run`'s standard input while it runs:
//   passthrough        list the hosts tunnelled blindly after their client
//                      rejected the Spyglass certificate
//   passthrough clear  forget them (they are intercepted again)
//   record             the recorder's state and counters
//   record resume      resume recording paused by a storage error (after
//                      freeing space); the writer also retries on its own
//   help               list the commands
// Standard input at EOF (e.g. /dev/null) simply disables this.
class ConsoleCommands final {
public:
    // `recorder` is null with --no-record.
    ConsoleCommands(core::net::ProxyServer& server, core::store::SessionWriter* recorder);
    ~ConsoleCommands();
    ConsoleCommands(const ConsoleCommands&) = delete;
    ConsoleCommands& operator=(const ConsoleCommands&) = delete;

private:
    void onReadable();
    void execute(const QByteArray& line);

    core::net::ProxyServer& m_server;
    core::store::SessionWriter* m_recorder;
    std::unique_ptr<QSocketNotifier> m_notifier;
    QByteArray m_pending;
};

} // namespace spyglass::app
