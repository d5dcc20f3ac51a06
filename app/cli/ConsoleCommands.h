#pragma once

#include <QSocketNotifier>
#include <memory>

namespace spyglass::core::net {
class ProxyServer;
}

namespace spyglass::app {

// Commands typed on `spyglass-cli run`'s standard input while it runs:
//   passthrough        list the hosts tunnelled blindly after their client
//                      rejected the Spyglass certificate
//   passthrough clear  forget them (they are intercepted again)
//   help               list the commands
// Standard input at EOF (e.g. /dev/null) simply disables this.
class ConsoleCommands final {
public:
    explicit ConsoleCommands(core::net::ProxyServer& server);
    ~ConsoleCommands();
    ConsoleCommands(const ConsoleCommands&) = delete;
    ConsoleCommands& operator=(const ConsoleCommands&) = delete;

private:
    void onReadable();
    void execute(const QByteArray& line);

    core::net::ProxyServer& m_server;
    std::unique_ptr<QSocketNotifier> m_notifier;
    QByteArray m_pending;
};

} // namespace spyglass::app
