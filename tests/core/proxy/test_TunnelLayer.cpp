// Readable string literals in playbooks: QString from literals only.
#undef QT_NO_CAST_FROM_ASCII
#define QT_RESTRICTED_CAST_FROM_ASCII
#include "Playbook.h"
#include "core/proxy/TunnelLayer.h"

#include <QTest>

using namespace spyglass::core::proxy;
using spyglass::core::proxy::testing::Playbook;

namespace {

class StartedTunnel final : public Layer {
public:
    StartedTunnel()
        : tunnel(1, limits(), summary()) {}
    void handle(const Event& e, Commands& out) override { tunnel.handle(e, out); }
    static ProxyLimits limits() {
        ProxyLimits l;
        l.tunnelIdleMs = 5000;
        l.finWaitMs = 700;
        return l;
    }
    static ExchangeSummary summary() {
        ExchangeSummary s;
        s.method = "CONNECT";
        s.target = "example.com:443";
        s.status = 200;
        return s;
    }
    TunnelLayer tunnel;
};

} // namespace

class TestTunnelLayer : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void startRelaysEarlyBytesBothWays() {
        StartedTunnel layer;
        Commands out;
        layer.tunnel.start(0, "client-hello", "after-2xx", out);
        QStringList described;
        for (const auto& c : out)
            described << testing::describe(c);
        QCOMPARE(described,
                 (QStringList{"timer 100 5000", "send 1 client-hello", "send 0 after-2xx"}));
    }

    void relaysBytesUntouchedAndRestartsIdleTimer() {
        StartedTunnel layer;
        Playbook pb(layer);
        {
            const QStringList got = pb << event::DataReceived{0, "\x16\x03\x01 raw"};
            QCOMPARE(got, (QStringList{"send 1 \x16\x03\x01 raw", "timer 100 5000"}));
        }
        {
            const QStringList got = pb << event::DataReceived{1, "answer"};
            QCOMPARE(got, (QStringList{"send 0 answer", "timer 100 5000"}));
        }
    }

    // RFC 9110 §9.3.6: flush what came from the closed side, then close; we
    // half-close first and close both when both are done.
    void halfCloseThenBothDone() {
        StartedTunnel layer;
        Playbook pb(layer);
        pb << event::DataReceived{0, "request"};
        {
            const QStringList got = pb << event::PeerClosed{0};
            QCOMPARE(got, (QStringList{"shutdown 1", "timer 101 700"}));
        }
        {
            const QStringList got = pb << event::DataReceived{1, "reply"};
            QCOMPARE(got, (QStringList{"send 0 reply", "timer 100 5000", "timer 101 700"}));
        }
        {
            const QStringList got = pb << event::PeerClosed{1};
            QCOMPARE(got, (QStringList{"cancel 100", "cancel 101",
                                       "report CONNECT example.com:443 200 up=7 down=5", "close 1",
                                       "close 0"}));
        }
        {
            const QStringList got = pb << event::DataReceived{0, "late"};
            QVERIFY(got.isEmpty());
        }
    }

    // A blind tunnel relays by copying until kKernelRelayAfterBytes have
    // passed (short tunnels never pay for the pipes), then asks for the
    // kernel relay once, after the SendData that crossed the mark; the
    // relay's byte counts are recorded and keep the timers as data does.
    void kernelRelayAfterEnoughBytesAndCountsRelayedBytes() {
        StartedTunnel layer;
        layer.tunnel.enableKernelRelay();
        Commands out;
        layer.tunnel.start(0, "client-hello", {}, out);
        QStringList described;
        for (const auto& c : out)
            described << testing::describe(c);
        QCOMPARE(described, (QStringList{"timer 100 5000", "send 1 client-hello"}));
        Playbook pb(layer);
        const qint64 mark = TunnelLayer::kKernelRelayAfterBytes;
        const QByteArray almost(mark - 12 - 1, 'a'); // 12: "client-hello"
        {
            const QStringList got = pb << event::DataReceived{1, almost};
            QCOMPARE(got.size(), 2);
            QVERIFY(got.at(0).startsWith("send 0 aaa"));
            QCOMPARE(got.at(1), QString("timer 100 5000"));
        }
        {
            const QStringList got = pb << event::DataReceived{0, "xy"};
            QCOMPARE(got, (QStringList{"send 1 xy", "kernel-relay 0 1", "timer 100 5000"}));
        }
        {
            // Asked once: bytes still in flight when the switch was made
            // arrive as data and are relayed in order, without asking again.
            const QStringList got = pb << event::DataReceived{1, "late"};
            QCOMPARE(got, (QStringList{"send 0 late", "timer 100 5000"}));
        }
        QCOMPARE((pb << event::BytesRelayed{0, 1000}), (QStringList{"timer 100 5000"}));
        QCOMPARE((pb << event::BytesRelayed{1, 70000}), (QStringList{"timer 100 5000"}));
        QCOMPARE((pb << event::PeerClosed{0}), (QStringList{"shutdown 1", "timer 101 700"}));
        QCOMPARE((pb << event::BytesRelayed{1, 30000}),
                 (QStringList{"timer 100 5000", "timer 101 700"}));
        const QStringList got = pb << event::PeerClosed{1};
        const qint64 up = 12 + 2 + 1000;
        const qint64 down = almost.size() + 4 + 100000;
        QVERIFY2(got.contains(
                     QString("report CONNECT example.com:443 200 up=%1 down=%2").arg(up).arg(down)),
                 qPrintable(got.join(" | ")));
    }

    // Without enableKernelRelay (a tunnel inside TLS) it never asks.
    void noKernelRelayUnlessEnabled() {
        StartedTunnel layer;
        Playbook pb(layer);
        const QStringList got =
            pb << event::DataReceived{0, QByteArray(TunnelLayer::kKernelRelayAfterBytes * 2, 'b')};
        QCOMPARE(got.size(), 2);
        QVERIFY(!got.join(" ").contains("kernel-relay"));
    }

    void finTimerClosesBoth() {
        StartedTunnel layer;
        Playbook pb(layer);
        pb << event::PeerClosed{1};
        QCOMPARE(Playbook::only(pb << event::TimerFired{TunnelLayer::kFinTimer}, "close"),
                 (QStringList{"close 1", "close 0"}));
    }

    void idleTimeoutClosesWithError() {
        StartedTunnel layer;
        Playbook pb(layer);
        const auto out = pb << event::TimerFired{TunnelLayer::kIdleTimer};
        QVERIFY(out.contains("report CONNECT example.com:443 200 up=0 down=0 error"));
        QCOMPARE(Playbook::only(out, "close"), (QStringList{"close 1", "close 0"}));
    }

    void errorOnEitherSideClosesBoth() {
        StartedTunnel layer;
        Playbook pb(layer);
        const auto out = pb << event::ConnectionFailed{1, "reset"};
        QVERIFY(out.contains("report CONNECT example.com:443 200 up=0 down=0 error"));
        QCOMPARE(Playbook::only(out, "close"), (QStringList{"close 1", "close 0"}));
    }
};

QTEST_GUILESS_MAIN(TestTunnelLayer)
#include "test_TunnelLayer.moc"
