#pragma once

#include "core/http1/HeaderFields.h"

#include <QByteArray>

namespace spyglass::core::proxy {

// True when `fields` carries `Proxy-Authorization: Basic <base64(user:pass)>`
// matching `expectedUserPass` (RFC 7617; the scheme is case-insensitive).
[[nodiscard]] bool proxyCredentialsMatch(const http1::HeaderFields& fields,
                                         const QByteArray& expectedUserPass);

// The value of a Proxy-Authorization field for `userPass` ("Basic ...").
[[nodiscard]] QByteArray basicAuthorization(const QByteArray& userPass);

} // namespace spyglass::core::proxy
