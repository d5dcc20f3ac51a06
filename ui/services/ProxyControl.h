#pragma once

#include "core/proxy/ExchangeSummary.h"
#include "core/proxy/PassthroughList.h"
#include "core/proxy/ProxyConfig.h"

#include <QList>
#include <QObject>
#include <QString>

namespace spyglass::ui {

// What the window may ask of the running proxy. app/ implements it over the
// proxy I/O thread; the window gets it by reference and never sees sockets.
class ProxyControl : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProxyControl)

public:
    struct Counters {
        qint64 exchanges = 0; // finished HTTP exchanges (forwarded and intercepted)
        qint64 tunnels = 0;   // finished blind CONNECT tunnels
        qint64 intercepted = 0;
    };

    // What applying a configuration did, for the settings dialog to say.
    struct ApplyResult {
        bool ok = true;
        bool listenerRestarted = false;
        QString message; // the error, or what changed ("now listening on ...")
    };

    using QObject::QObject;
    ~ProxyControl() override = default;

    // "127.0.0.1:8080" ("[::1]:8080"), the address actually bound.
    [[nodiscard]] virtual QString listenAddress() const = 0;
    [[nodiscard]] virtual core::proxy::ProxyConfig config() const = 0;
    // Applies `config` to the running proxy: new connections use it at once;
    // a changed listen address restarts the listener (open connections stay).
    virtual ApplyResult applyConfig(const core::proxy::ProxyConfig& config) = 0;

    // Hosts tunnelled blindly after their client rejected our certificate.
    [[nodiscard]] virtual QList<core::proxy::PassthroughList::Entry> passthroughHosts() const = 0;
    virtual void clearPassthrough() = 0;

    [[nodiscard]] virtual Counters counters() const = 0;

Q_SIGNALS:
    void exchangeFinished(const spyglass::core::proxy::ExchangeSummary& summary);
    void listenAddressChanged(const QString& address);
    void configChanged();
};

} // namespace spyglass::ui
