#pragma once

#include "core/store/SqliteConnection.h"

#include <QByteArray>
#include <QString>
#include <QTest>
#include <memory>

namespace spyglass::core::store::testing {

// Plain SQL against a session file, for assertions on what landed in it.
class SessionInspector {
public:
    explicit SessionInspector(const QString& path) {
        auto opened = SqliteConnection::open(path, SqliteConnection::Access::ReadOnly);
        if (!opened)
            qFatal("cannot open %s: %s", qPrintable(path), qPrintable(opened.errorMessage()));
        m_db = std::move(opened).value();
    }

    qint64 integer(const QByteArray& sql) {
        auto value = m_db->queryInt(sql);
        if (!value)
            qFatal("%s: %s", sql.constData(), qPrintable(value.errorMessage()));
        return value.value();
    }

    QByteArray bytes(const QByteArray& sql) {
        auto statement = m_db->prepare(sql);
        if (!statement)
            qFatal("%s: %s", sql.constData(), qPrintable(statement.errorMessage()));
        if (statement->step() != SqliteStatement::Step::Row)
            return QByteArray();
        return statement->bytes(0);
    }

    // Every row's first column, concatenated (body parts in order).
    QByteArray concat(const QByteArray& sql) {
        auto statement = m_db->prepare(sql);
        if (!statement)
            qFatal("%s: %s", sql.constData(), qPrintable(statement.errorMessage()));
        QByteArray all;
        while (statement->step() == SqliteStatement::Step::Row)
            all += statement->bytes(0);
        return all;
    }

    SqliteConnection& db() { return *m_db; }

private:
    std::unique_ptr<SqliteConnection> m_db;
};

} // namespace spyglass::core::store::testing
