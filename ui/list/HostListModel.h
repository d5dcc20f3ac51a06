#pragma once

#include "core/store/SessionReader.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QIcon>
#include <QList>

namespace spyglass::ui {

// What the proxy does with a host; the app knows (intercept rules, client
// certificate rejections) and tells the host list through setHostStatus.
enum class HostStatus {
    Unknown,
    Intercepted,       // decrypted (MITM) on every port it was reached on
    Tunneled,          // relayed blind
    PassedThrough,     // tunneled after a client rejected our certificate
    PartlyIntercepted, // intercepted on some of its ports (listed), tunneled on others
    PlainHttp,         // only seen as plain HTTP: visible without interception
};

// The host list (Charles' "structure", flat): row 0 is "All hosts", then
// every host seen in the session, by name, with its exchange count and
// status. Fed by ExchangeListModel::hostsChanged (setHosts merges: rows are
// inserted, removed and updated, never reset while live).
class HostListModel final : public QAbstractTableModel {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HostListModel)

public:
    enum Column { HostColumn, CountColumn, StatusColumn, ColumnCount };
    enum Role { HostRole = Qt::UserRole + 1, StatusRole };

    explicit HostListModel(QObject* parent = nullptr);

    // Hosts with counts, sorted by name (as SessionReader::hosts gives them).
    void setHosts(const QList<core::store::HostCount>& hosts);
    // `ports`: the intercepted ones, shown for PartlyIntercepted.
    void setHostStatus(const QByteArray& host, HostStatus status, const QList<quint16>& ports = {});
    [[nodiscard]] HostStatus hostStatus(const QByteArray& host) const;
    // The host of a row; "" for "All hosts" and out of range.
    [[nodiscard]] QByteArray hostAt(int row) const;
    // The row of a host, 0 for "" (All hosts), -1 when not listed.
    [[nodiscard]] int rowOfHost(const QByteArray& host) const;
    [[nodiscard]] static QString statusText(HostStatus status, const QList<quint16>& ports = {});

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;

private:
    QList<core::store::HostCount> m_hosts;
    qint64 m_total = 0;
    struct StatusInfo {
        HostStatus status = HostStatus::Unknown;
        QList<quint16> ports;
        friend bool operator==(const StatusInfo&, const StatusInfo&) = default;
    };
    QHash<QByteArray, StatusInfo> m_status;
    QIcon m_icons[6];
};

} // namespace spyglass::ui
