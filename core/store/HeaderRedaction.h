#pragma once

#include <QByteArray>
#include <QByteArrayView>

namespace spyglass::core::store {

// Masks credentials in exported heads (`--redact`): Authorization and
// Proxy-Authorization keep their scheme ("Bearer [redacted]"), Cookie and
// Set-Cookie keep cookie names and attributes ("sid=[redacted]; Path=/").
class HeaderRedaction {
public:
    static constexpr const char* kMask = "[redacted]";

    [[nodiscard]] static bool isSensitive(QByteArrayView name);
    // The value to export for field `name`; unchanged when not sensitive.
    [[nodiscard]] static QByteArray redact(QByteArrayView name, const QByteArray& value);
    // Masks every sensitive field of a raw head, keeping its layout.
    [[nodiscard]] static QByteArray redactHead(const QByteArray& raw);
};

} // namespace spyglass::core::store
