#include "certs/OpenSslError.h"

#include <QStringList>
#include <openssl/err.h>

namespace spyglass::certs {

using namespace Qt::StringLiterals;

QString takeOpenSslError(const QString& what) {
    QStringList reasons;
    const char* file = nullptr;
    int line = 0;
    const char* data = nullptr;
    int flags = 0;
    // Bounded: the queue holds at most ERR_NUM_ERRORS (16) entries.
    while (const unsigned long code = ERR_get_error_all(&file, &line, nullptr, &data, &flags)) {
        char buf[256];
        ERR_error_string_n(code, buf, sizeof buf);
        QString reason = QString::fromLatin1(buf);
        if ((flags & ERR_TXT_STRING) != 0 && data != nullptr && *data != '\0')
            reason += u" ("_s + QString::fromUtf8(data) + u')';
        reasons << reason;
    }
    if (reasons.isEmpty())
        return what + u": OpenSSL reported no detail"_s;
    return what + u": "_s + reasons.join(u"; "_s);
}

Error openSslFailure(const QString& what) {
    return Error{takeOpenSslError(what)};
}

void clearOpenSslErrors() {
    ERR_clear_error();
}

} // namespace spyglass::certs
