#pragma once

#include "core/store/BodyContent.h"
#include "core/store/ExchangeDetail.h"

#include <QImage>
#include <QJsonDocument>
#include <QString>
#include <QtGlobal>
#include <memory>

namespace spyglass::ui::inspector {

// One message body as the worker prepared it: the stored (encoded) bytes,
// the bytes with content codings removed, and what could be derived from
// the decoded bytes off the GUI thread (a parsed JSON document, a decoded
// image). `decoded` shares `encoded`'s buffer when there was nothing to
// decode, so a 16 MiB identity body is held once.
struct LoadedBody {
    bool present = false;
    core::store::BodyContent encoded;
    core::store::BodyContent decoded;
    QByteArray contentType; // from the message's own head
    bool jsonValid = false;
    QJsonDocument json;
    QImage image;
    QByteArray imageFormat; // "png", "svg", ... when `image` is set
};

// Everything the inspector shows for one exchange, built on the worker.
struct LoadedExchange {
    quint64 generation = 0; // which showExchange() call this answers
    qint64 id = 0;
    bool found = false;
    QString error; // the session could not be read
    core::store::ExchangeDetail detail;
    LoadedBody request;
    LoadedBody response;
};

using LoadedExchangePtr = std::shared_ptr<const LoadedExchange>;

} // namespace spyglass::ui::inspector
