#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QHash>
#include <QList>
#include <QMutex>
#include <QString>
#include <QtGlobal>
#include <map>

namespace spyglass::core::proxy {

// Hosts whose clients refused our certificate (certificate pinning, a client
// without our CA): their CONNECT tunnels are relayed blindly for a while
// instead of being intercepted again, so the app keeps working and the user
// sees why it is not decrypted. Time is passed in (no clock inside).
// Thread-safe: the proxy I/O thread adds, the GUI or CLI reads.
class PassthroughList {
public:
    static constexpr qint64 kDurationUs = qint64{10} * 60 * 1000 * 1000; // 10 minutes
    // A client could otherwise grow the list without bound (one failed
    // handshake per random SNI); past this the oldest entry is dropped.
    static constexpr qsizetype kDefaultCapacity = 10'000;

    struct Entry {
        QByteArray host; // lower-case, no trailing dot
        qint64 untilUs = 0;
        QString reason;
    };

    explicit PassthroughList(qsizetype capacity = kDefaultCapacity);
    Q_DISABLE_COPY_MOVE(PassthroughList)

    // Passes `host` through until nowUs + kDurationUs. Adding a host again
    // restarts its time and replaces its reason. An empty host is ignored.
    void add(const QByteArray& host, qint64 nowUs, QString reason);
    // True while the host's entry has not expired (nowUs < untilUs).
    [[nodiscard]] bool contains(QByteArrayView host, qint64 nowUs) const;
    // The entries that have not expired, oldest addition first.
    [[nodiscard]] QList<Entry> entries(qint64 nowUs) const;
    // False when the host was not listed.
    bool remove(QByteArrayView host);
    void clear();
    // Stored entries, expired ones not yet dropped included.
    [[nodiscard]] qsizetype size() const;
    [[nodiscard]] qsizetype capacity() const { return m_capacity; }

private:
    struct Slot {
        qint64 untilUs = 0;
        QString reason;
        quint64 sequence = 0; // order of (re)addition, for eviction
    };

    void dropOldestLocked();

    const qsizetype m_capacity;
    mutable QMutex m_mutex;
    QHash<QByteArray, Slot> m_slots;
    std::map<quint64, QByteArray> m_order; // sequence → host, oldest first
    quint64 m_nextSequence = 0;
};

} // namespace spyglass::core::proxy
