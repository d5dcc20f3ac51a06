#include "app/ca/InstallRecord.h"

#include "certs/SecureFile.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#ifdef Q_OS_UNIX
#include <sys/stat.h>
#include <unistd.h>
#endif

#include <algorithm>

namespace spyglass::app {

using namespace Qt::StringLiterals;
using certs::Error;
using certs::Result;
using certs::SecureFile;
using certs::Status;

InstallRecord::InstallRecord(QString caDir)
    : m_caDir(std::move(caDir)) {}

QString InstallRecord::path() const {
    return m_caDir + u'/' + fileName();
}

Result<InstallRecord> InstallRecord::load(const QString& caDir) {
    InstallRecord record(caDir);
    if (!QFileInfo::exists(record.path()))
        return record;
    auto data = SecureFile::read(record.path());
    if (!data)
        return data.error();
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(data.value(), &err);
    if (err.error != QJsonParseError::NoError || !doc.isObject())
        return Error{u"The install record "_s + record.path() + u" is not valid JSON ("_s +
                     err.errorString() +
                     u"). Fix: delete it; `spyglass-cli ca show` then checks the stores "
                     u"directly."_s};
    for (const QJsonValue& v : doc.object().value(u"installs"_s).toArray()) {
        const QJsonObject o = v.toObject();
        Entry e{o.value(u"kind"_s).toString(), o.value(u"location"_s).toString(),
                CaIdentity{QByteArray::fromHex(o.value(u"sha256"_s).toString().toLatin1()),
                           QByteArray::fromHex(o.value(u"sha1"_s).toString().toLatin1())},
                QDateTime::fromString(o.value(u"installed"_s).toString(), Qt::ISODate)};
        if (!e.kind.isEmpty() && !e.location.isEmpty() && e.id.sha256.size() == 32)
            record.m_entries.push_back(std::move(e));
    }
    return record;
}

Status InstallRecord::save() const {
    QJsonArray installs;
    for (const Entry& e : m_entries)
        installs.append(QJsonObject{{u"kind"_s, e.kind},
                                    {u"location"_s, e.location},
                                    {u"sha256"_s, QString::fromLatin1(e.id.sha256.toHex())},
                                    {u"sha1"_s, QString::fromLatin1(e.id.sha1.toHex())},
                                    {u"installed"_s, e.installed.toString(Qt::ISODate)}});
    const QByteArray json =
        QJsonDocument(QJsonObject{{u"version"_s, 1}, {u"installs"_s, installs}}).toJson();
    if (Status s = SecureFile::writeAtomically(path(), json, SecureFile::kPublicFileMode); !s)
        return s;
#ifdef Q_OS_UNIX
    // Run as root (sudo/pkexec) for a user's CA directory: hand the record
    // back to the directory's owner so their next, unprivileged run can
    // rewrite it.
    struct stat st = {};
    if (::geteuid() == 0 && ::stat(QFile::encodeName(m_caDir).constData(), &st) == 0 &&
        st.st_uid != 0 && ::chown(QFile::encodeName(path()).constData(), st.st_uid, st.st_gid) != 0)
        return Error{u"Cannot give "_s + path() + u" back to uid "_s + QString::number(st.st_uid)};
#endif
    return {};
}

void InstallRecord::add(const QString& kind, const QString& location, const CaIdentity& id) {
    remove(kind, location, id.sha256);
    m_entries.push_back({kind, location, id, QDateTime::currentDateTimeUtc()});
}

std::vector<CaIdentity> InstallRecord::identities() const {
    std::vector<CaIdentity> out;
    for (const Entry& e : m_entries)
        if (std::none_of(out.begin(), out.end(),
                         [&](const CaIdentity& c) { return c.sha256 == e.id.sha256; }))
            out.push_back(e.id);
    return out;
}

void InstallRecord::remove(const QString& kind, const QString& location, const QByteArray& sha256) {
    m_entries.erase(std::remove_if(m_entries.begin(), m_entries.end(),
                                   [&](const Entry& e) {
                                       return e.kind == kind && e.location == location &&
                                              e.id.sha256 == sha256;
                                   }),
                    m_entries.end());
}

} // namespace spyglass::app
