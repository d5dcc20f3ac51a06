#include "HopByHop.h"

#include <array>

namespace spyglass::core::proxy {

namespace {

constexpr std::array kAlwaysHopByHop{
    QByteArrayView("Connection"),
    QByteArrayView("Proxy-Connection"),
    QByteArrayView("Keep-Alive"),
    QByteArrayView("TE"),
    QByteArrayView("Trailer"),
    QByteArrayView("Upgrade"),
    QByteArrayView("Proxy-Authorization"),
};

constexpr std::array kNeverStrippedByConnection{
    QByteArrayView("Content-Length"),
    QByteArrayView("Transfer-Encoding"),
    QByteArrayView("Host"),
};

bool isProtected(QByteArrayView name) {
    for (QByteArrayView p : kNeverStrippedByConnection) {
        if (name.compare(p, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

} // namespace

void stripHopByHopFields(http1::HeaderFields& fields) {
    const QList<QByteArray> named = fields.listElements("Connection");
    for (const QByteArray& option : named) {
        if (!isProtected(option))
            fields.removeAll(option);
    }
    for (QByteArrayView name : kAlwaysHopByHop)
        fields.removeAll(name);
}

} // namespace spyglass::core::proxy
