#pragma once

#include <QHostAddress>

namespace spyglass::core::net {

// Which client addresses may use the proxy when it listens beyond loopback:
// loopback, private (RFC 1918), shared (RFC 6598), link-local and unique
// local IPv6 (RFC 4193). A global address is refused even with --allow-lan:
// an open proxy on the internet is abused within hours.
[[nodiscard]] bool isLocalNetworkAddress(const QHostAddress& address);

} // namespace spyglass::core::net
