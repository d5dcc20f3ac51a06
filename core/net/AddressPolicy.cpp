#include "AddressPolicy.h"

#include <QPair>

namespace spyglass::core::net {

bool isLocalNetworkAddress(const QHostAddress& input) {
    bool isMappedV4 = false;
    const quint32 mapped = input.toIPv4Address(&isMappedV4);
    const QHostAddress address = isMappedV4 ? QHostAddress(mapped) : input;
    if (address.isLoopback() || address.isLinkLocal() || address.isUniqueLocalUnicast())
        return true;
    if (address.protocol() != QAbstractSocket::IPv4Protocol)
        return false;
    static const QPair<QHostAddress, int> kPrivateV4[] = {
        QHostAddress::parseSubnet(QStringLiteral("10.0.0.0/8")),
        QHostAddress::parseSubnet(QStringLiteral("172.16.0.0/12")),
        QHostAddress::parseSubnet(QStringLiteral("192.168.0.0/16")),
        QHostAddress::parseSubnet(QStringLiteral("100.64.0.0/10")),
    };
    for (const auto& subnet : kPrivateV4) {
        if (address.isInSubnet(subnet))
            return true;
    }
    return false;
}

} // namespace spyglass::core::net
