#include "HostListModel.h"

#include <QPainter>
#include <QPixmap>
#include <QStringList>

namespace spyglass::ui {

using core::store::HostCount;

namespace {

QIcon statusIcon(const QColor& colour) {
    QPixmap pixmap(12, 12);
    pixmap.fill(Qt::transparent);
    if (colour.isValid()) {
        QPainter painter(&pixmap);
        painter.setRenderHint(QPainter::Antialiasing);
        painter.setPen(Qt::NoPen);
        painter.setBrush(colour);
        painter.drawRoundedRect(2, 2, 8, 8, 2, 2);
    }
    return QIcon(pixmap);
}

} // namespace

HostListModel::HostListModel(QObject* parent)
    : QAbstractTableModel(parent) {
    m_icons[static_cast<int>(HostStatus::Unknown)] = statusIcon({});
    m_icons[static_cast<int>(HostStatus::Intercepted)] = statusIcon(QColor(0x2e, 0x7d, 0x32));
    m_icons[static_cast<int>(HostStatus::Tunneled)] = statusIcon(QColor(0x9e, 0x9e, 0x9e));
    m_icons[static_cast<int>(HostStatus::PassedThrough)] = statusIcon(QColor(0xe6, 0x51, 0x00));
    m_icons[static_cast<int>(HostStatus::PartlyIntercepted)] = statusIcon(QColor(0x9c, 0xcc, 0x65));
    m_icons[static_cast<int>(HostStatus::PlainHttp)] = statusIcon(QColor(0x15, 0x65, 0xc0));
}

QString HostListModel::statusText(HostStatus status, const QList<quint16>& ports) {
    switch (status) {
    case HostStatus::Unknown:
        return {};
    case HostStatus::Intercepted:
        return tr("intercepted");
    case HostStatus::Tunneled:
        return tr("tunneled");
    case HostStatus::PassedThrough:
        return tr("passed through (client rejected our certificate)");
    case HostStatus::PartlyIntercepted: {
        QStringList list;
        for (quint16 port : ports)
            list << QString::number(port);
        return tr("intercepted (%1)").arg(list.join(QStringLiteral(", ")));
    }
    case HostStatus::PlainHttp:
        return tr("plain HTTP");
    }
    return {};
}

void HostListModel::setHosts(const QList<HostCount>& hosts) {
    qint64 total = 0;
    for (const HostCount& h : hosts)
        total += h.exchanges;
    if (m_hosts.isEmpty() && !hosts.isEmpty()) {
        beginInsertRows({}, 1, static_cast<int>(hosts.size()));
        m_hosts = hosts;
        endInsertRows();
    } else {
        // Merge two name-sorted lists; row = index + 1 (row 0 is All hosts).
        qsizetype i = 0;
        qsizetype j = 0;
        while (i < m_hosts.size() || j < hosts.size()) {
            const int row = static_cast<int>(i) + 1;
            if (j == hosts.size() ||
                (i < m_hosts.size() && m_hosts.at(i).host < hosts.at(j).host)) {
                beginRemoveRows({}, row, row);
                m_hosts.removeAt(i);
                endRemoveRows();
            } else if (i == m_hosts.size() || hosts.at(j).host < m_hosts.at(i).host) {
                beginInsertRows({}, row, row);
                m_hosts.insert(i, hosts.at(j));
                endInsertRows();
                ++i;
                ++j;
            } else {
                if (m_hosts.at(i).exchanges != hosts.at(j).exchanges) {
                    m_hosts[i].exchanges = hosts.at(j).exchanges;
                    Q_EMIT dataChanged(index(row, CountColumn), index(row, CountColumn));
                }
                ++i;
                ++j;
            }
        }
    }
    if (total != m_total) {
        m_total = total;
        Q_EMIT dataChanged(index(0, CountColumn), index(0, CountColumn));
    }
}

void HostListModel::setHostStatus(const QByteArray& host, HostStatus status,
                                  const QList<quint16>& ports) {
    const StatusInfo info{status,
                          status == HostStatus::PartlyIntercepted ? ports : QList<quint16>()};
    if (m_status.value(host) == info)
        return;
    m_status.insert(host, info);
    if (const int row = rowOfHost(host); row > 0)
        Q_EMIT dataChanged(index(row, HostColumn), index(row, StatusColumn));
}

HostStatus HostListModel::hostStatus(const QByteArray& host) const {
    return m_status.value(host).status;
}

QByteArray HostListModel::hostAt(int row) const {
    return row >= 1 && row <= m_hosts.size() ? m_hosts.at(row - 1).host : QByteArray();
}

int HostListModel::rowOfHost(const QByteArray& host) const {
    if (host.isEmpty())
        return 0;
    const auto it =
        std::lower_bound(m_hosts.cbegin(), m_hosts.cend(), host,
                         [](const HostCount& h, const QByteArray& name) { return h.host < name; });
    return it != m_hosts.cend() && it->host == host ? static_cast<int>(it - m_hosts.cbegin()) + 1
                                                    : -1;
}

int HostListModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_hosts.size()) + 1;
}

int HostListModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

Qt::ItemFlags HostListModel::flags(const QModelIndex& index) const {
    return index.isValid() ? Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemNeverHasChildren
                           : Qt::NoItemFlags;
}

QVariant HostListModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case HostColumn:
        return tr("Host");
    case CountColumn:
        return tr("Exchanges");
    case StatusColumn:
        return tr("Status");
    default:
        return {};
    }
}

QVariant HostListModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const int row = index.row();
    const QByteArray host = hostAt(row);
    const StatusInfo info = row == 0 ? StatusInfo{} : m_status.value(host);
    const HostStatus status = info.status;
    switch (role) {
    case Qt::DisplayRole:
        if (index.column() == HostColumn)
            return row == 0 ? tr("All hosts") : QString::fromUtf8(host);
        if (index.column() == CountColumn)
            return row == 0 ? m_total : m_hosts.at(row - 1).exchanges;
        return statusText(status, info.ports);
    case Qt::DecorationRole:
        return index.column() == HostColumn && row > 0 ? QVariant(m_icons[static_cast<int>(status)])
                                                       : QVariant();
    case Qt::ToolTipRole:
        if (status == HostStatus::PartlyIntercepted)
            return tr("Intercepted on the ports listed; tunneled on the other ports it was "
                      "reached on");
        return row > 0 && status != HostStatus::Unknown ? statusText(status, info.ports)
                                                        : QString();
    case Qt::TextAlignmentRole:
        return index.column() == CountColumn
                   ? QVariant::fromValue(Qt::Alignment(Qt::AlignRight | Qt::AlignVCenter))
                   : QVariant();
    case HostRole:
        return host;
    case StatusRole:
        return static_cast<int>(status);
    default:
        return {};
    }
}

} // namespace spyglass::ui
