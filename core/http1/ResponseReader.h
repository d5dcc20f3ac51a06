#pragma once

#include "Http1Limits.h"
#include "ParseEvents.h"

#include <QByteArrayView>
#include <memory>
#include <vector>

namespace spyglass::core::http1 {

// Incremental HTTP/1 response reader with the same gate and engine as
// RequestReader. Whether a response has a body depends on the request it
// answers (RFC 9112 §6.3): call expectResponseTo() with the request method
// before feeding each response.
//
// feed() stops right after each MessageComplete, including interim 1xx
// responses (100 Continue is a complete message; the final response follows
// and still answers the same method). After a 101 Switching Protocols or a 2xx
// answer to CONNECT the unconsumed bytes belong to the new protocol.
class ResponseReader {
public:
    explicit ResponseReader(Http1Limits limits = {});
    ~ResponseReader();
    ResponseReader(const ResponseReader&) = delete;
    ResponseReader& operator=(const ResponseReader&) = delete;

    void expectResponseTo(QByteArrayView requestMethod);
    qsizetype feed(QByteArrayView data, std::vector<ResponseEvent>& out);
    // The server closed the connection: completes a close-delimited body, or
    // fails a message that was cut short.
    void finish(std::vector<ResponseEvent>& out);
    [[nodiscard]] bool isIdle() const;

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace spyglass::core::http1
