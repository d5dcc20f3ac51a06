// spyglass: the desktop app. Starts the same proxy as spyglass-cli on an I/O
// thread and shows it in the main window.
#include "app/common/ExchangeLogLine.h"
#include "app/common/InterceptSetup.h"
#include "app/common/ProxyOptions.h"
#include "app/common/ProxyThread.h"
#include "ui/MainWindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QMessageBox>
#include <cstdio>

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("Spyglass"));
    QApplication::setApplicationVersion(QStringLiteral(SPYGLASS_VERSION));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/spyglass.svg")));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Spyglass, the HTTPS debugging proxy."));
    parser.addHelpOption();
    parser.addVersionOption();
    spyglass::app::ProxyOptions::addTo(parser);
    parser.process(app);

    QString error;
    const auto config = spyglass::app::ProxyOptions::toConfig(parser, &error);
    if (!config) {
        std::fprintf(stderr, "spyglass: %s\n", qPrintable(error));
        return 2;
    }
    spyglass::app::ProxyThread proxy(*config);
    if (!config->intercept.rules.isEmpty()) {
        const auto setup =
            spyglass::app::InterceptSetup::prepare(parser.value(QStringLiteral("ca-dir")), &error);
        if (!setup) {
            QMessageBox::critical(
                nullptr, QStringLiteral("Spyglass"),
                QStringLiteral("The root CA could not be loaded:\n%1").arg(error));
            return 1;
        }
        proxy.setLeafCache(setup->leaves);
    }
    spyglass::ui::MainWindow window;
    QObject::connect(&proxy, &spyglass::app::ProxyThread::exchangeCompleted, &window,
                     [&window](const spyglass::core::proxy::ExchangeSummary& summary) {
                         window.addExchange(summary, spyglass::app::exchangeLogLine(summary));
                     });
    if (!proxy.start(&error)) {
        QMessageBox::critical(nullptr, QStringLiteral("Spyglass"),
                              QStringLiteral("The proxy could not start:\n%1").arg(error));
        return 1;
    }
    window.setListenAddress(proxy.listenAddress());
    window.show();
    const int code = QApplication::exec();
    proxy.stop();
    return code;
}
