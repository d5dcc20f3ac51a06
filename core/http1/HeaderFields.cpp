#include "HeaderFields.h"

#include "HttpChars.h"

namespace spyglass::core::http1 {

void HeaderFields::append(QByteArray name, QByteArray value) {
    m_fields.append(HeaderField{std::move(name), std::move(value)});
}

void HeaderFields::set(QByteArray name, QByteArray value) {
    qsizetype first = -1;
    for (qsizetype i = 0; i < m_fields.size();) {
        if (chars::equalsIgnoreCase(m_fields[i].name, name)) {
            if (first < 0) {
                first = i;
                ++i;
            } else {
                m_fields.removeAt(i);
            }
        } else {
            ++i;
        }
    }
    if (first < 0)
        m_fields.append(HeaderField{std::move(name), std::move(value)});
    else
        m_fields[first] = HeaderField{std::move(name), std::move(value)};
}

qsizetype HeaderFields::removeAll(QByteArrayView name) {
    return m_fields.removeIf(
        [name](const HeaderField& f) { return chars::equalsIgnoreCase(f.name, name); });
}

bool HeaderFields::contains(QByteArrayView name) const {
    for (const HeaderField& f : m_fields)
        if (chars::equalsIgnoreCase(f.name, name))
            return true;
    return false;
}

qsizetype HeaderFields::count(QByteArrayView name) const {
    qsizetype n = 0;
    for (const HeaderField& f : m_fields)
        if (chars::equalsIgnoreCase(f.name, name))
            ++n;
    return n;
}

std::optional<QByteArray> HeaderFields::value(QByteArrayView name) const {
    for (const HeaderField& f : m_fields)
        if (chars::equalsIgnoreCase(f.name, name))
            return f.value;
    return std::nullopt;
}

QList<QByteArray> HeaderFields::values(QByteArrayView name) const {
    QList<QByteArray> out;
    for (const HeaderField& f : m_fields)
        if (chars::equalsIgnoreCase(f.name, name))
            out.append(f.value);
    return out;
}

namespace {

// Splits one field value at commas that are not inside a quoted-string
// (RFC 9110 §5.6.4: quoted-string may hold commas, `\` escapes one octet).
void appendElements(QByteArrayView value, QList<QByteArray>& out) {
    const auto emitElement = [&](qsizetype from, qsizetype to) {
        const QByteArrayView element = chars::trimOws(value.sliced(from, to - from));
        // RFC 9110 §5.6.1: "a recipient MUST parse and ignore a reasonable
        // number of empty list elements".
        if (!element.isEmpty())
            out.append(element.toByteArray());
    };
    const qsizetype n = value.size();
    qsizetype start = 0;
    qsizetype i = 0;
    bool quoted = false;
    while (i < n) {
        const char c = value[i];
        if (quoted) {
            if (c == '"')
                quoted = false;
            i += c == '\\' ? 2 : 1;
            continue;
        }
        if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            emitElement(start, i);
            start = i + 1;
        }
        ++i;
    }
    emitElement(start, n);
}

} // namespace

QList<QByteArray> HeaderFields::listElements(QByteArrayView name) const {
    QList<QByteArray> out;
    for (const HeaderField& f : m_fields)
        if (chars::equalsIgnoreCase(f.name, name))
            appendElements(f.value, out);
    return out;
}

bool HeaderFields::hasToken(QByteArrayView name, QByteArrayView token) const {
    for (const QByteArray& element : listElements(name))
        if (chars::equalsIgnoreCase(element, token))
            return true;
    return false;
}

} // namespace spyglass::core::http1
