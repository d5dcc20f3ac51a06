#pragma once

#include "core/record/RecordEvents.h"

#include <QByteArray>
#include <optional>

namespace spyglass::core::store {

// The words the session file uses for the record enums (docs/session-format.md).
inline QByteArray modeName(record::Mode mode) {
    switch (mode) {
    case record::Mode::Forward:
        return QByteArrayLiteral("forward");
    case record::Mode::Intercepted:
        return QByteArrayLiteral("intercepted");
    case record::Mode::Tunnel:
        return QByteArrayLiteral("tunnel");
    }
    return QByteArrayLiteral("forward");
}

inline std::optional<record::Mode> modeFromName(QByteArrayView name) {
    if (name == "forward")
        return record::Mode::Forward;
    if (name == "intercepted")
        return record::Mode::Intercepted;
    if (name == "tunnel")
        return record::Mode::Tunnel;
    return std::nullopt;
}

inline QByteArray directionName(record::Direction direction) {
    return direction == record::Direction::Request ? QByteArrayLiteral("request")
                                                   : QByteArrayLiteral("response");
}

inline QByteArray legName(record::TlsLeg leg) {
    return leg == record::TlsLeg::Client ? QByteArrayLiteral("client")
                                         : QByteArrayLiteral("server");
}

// Why a stored body is shorter than the message (bodies.truncated).
inline constexpr const char* kTruncatedCap = "cap";
inline constexpr const char* kTruncatedSaturated = "recorder saturated";
inline constexpr const char* kTruncatedIncomplete = "incomplete";

} // namespace spyglass::core::store
