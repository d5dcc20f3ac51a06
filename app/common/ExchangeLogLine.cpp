#include "ExchangeLogLine.h"

#include <QDateTime>

namespace spyglass::app {

QString exchangeLogLine(const core::proxy::ExchangeSummary& s) {
    const QString time =
        QDateTime::fromMSecsSinceEpoch(s.startUs / 1000).toString(QStringLiteral("HH:mm:ss.zzz"));
    const QString status = s.status > 0 ? QString::number(s.status) : QStringLiteral("-");
    const QString mode = s.mode == core::proxy::ExchangeMode::Tunnel ? QStringLiteral("tunnel")
                         : s.mode == core::proxy::ExchangeMode::Intercepted
                             ? QStringLiteral("intercepted")
                             : QStringLiteral("forward");
    QString line = QStringLiteral("%1 %2 %3 %4 %5 up=%6 down=%7 time=%8ms %9")
                       .arg(time, s.client, QString::fromLatin1(s.method),
                            QString::fromLatin1(s.target), status)
                       .arg(s.bytesUp)
                       .arg(s.bytesDown)
                       .arg(s.durationUs / 1000)
                       .arg(mode);
    if (!s.note.isEmpty())
        line += QStringLiteral(" note=\"%1\"").arg(QString(s.note).replace(u'"', u'\''));
    if (!s.error.isEmpty()) {
        QString error = s.error;
        error.replace(u'"', u'\'');
        line += QStringLiteral(" error=\"%1\"").arg(error);
    }
    return line;
}

} // namespace spyglass::app
