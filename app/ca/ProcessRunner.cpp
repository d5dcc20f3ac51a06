#include "app/ca/ProcessRunner.h"

#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>

namespace spyglass::app {

using namespace Qt::StringLiterals;

QString ProcessResult::describeFailure(const QString& program, const QStringList& args) const {
    const QString cmd = (QStringList{program} + args).join(u' ');
    if (!started)
        return u"could not start `"_s + cmd + u'`';
    if (timedOut)
        return u"`"_s + cmd + u"` did not finish in time"_s;
    return u"`"_s + cmd + u"` failed (exit "_s + QString::number(exitCode) + u")"_s +
           (output.isEmpty() ? QString() : u": "_s + output);
}

ProcessResult ProcessRunner::run(const QString& program, const QStringList& args, int timeoutMs) {
    ProcessResult r;
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.setStandardInputFile(QProcess::nullDevice()); // never wait for a password prompt
    p.start(program, args);
    if (!p.waitForStarted(timeoutMs))
        return r;
    r.started = true;
    if (!p.waitForFinished(timeoutMs)) {
        r.timedOut = true;
        p.kill();
        p.waitForFinished(5000);
    }
    r.output = QString::fromLocal8Bit(p.readAll()).trimmed();
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    return r;
}

QString ProcessRunner::find(const QString& program) {
    if (program.contains(u'/'))
        return QFileInfo(program).isExecutable() ? program : QString();
    QString found = QStandardPaths::findExecutable(program);
    if (found.isEmpty()) // sbin is often not on a user's PATH
        found = QStandardPaths::findExecutable(program,
                                               {u"/usr/sbin"_s, u"/sbin"_s, u"/usr/local/sbin"_s});
    return found;
}

} // namespace spyglass::app
