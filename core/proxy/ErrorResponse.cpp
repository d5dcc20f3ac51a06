#include "ErrorResponse.h"

#include "core/http1/Serializer.h"

namespace spyglass::core::proxy {

QByteArray errorResponse(int status, const QString& message, bool closeAfter,
                         const http1::HeaderFields& extraFields) {
    const QByteArray body = QByteArrayLiteral("Spyglass: ") + message.toUtf8() + '\n';
    http1::ResponseHead head;
    head.status = status;
    head.reason = http1::reasonPhrase(status);
    head.fields.append("Content-Type", "text/plain; charset=utf-8");
    head.fields.append("Content-Length", QByteArray::number(body.size()));
    head.fields.append("Cache-Control", "no-store");
    for (const auto& field : extraFields.fields())
        head.fields.append(field.name, field.value);
    if (closeAfter)
        head.fields.append("Connection", "close");
    return http1::serializeResponseHead(head) + body;
}

} // namespace spyglass::core::proxy
