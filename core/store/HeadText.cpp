#include "HeadText.h"

namespace spyglass::core::store {

HeadText HeadText::parse(QByteArrayView raw) {
    HeadText head;
    bool first = true;
    qsizetype pos = 0;
    while (pos < raw.size()) {
        qsizetype end = raw.indexOf('\n', pos);
        if (end < 0)
            end = raw.size();
        QByteArrayView line = raw.sliced(pos, end - pos);
        pos = end + 1;
        if (line.endsWith('\r'))
            line.chop(1);
        if (line.isEmpty()) {
            if (first)
                continue;
            break; // end of head
        }
        if (first) {
            head.m_startLine = line.toByteArray();
            first = false;
            continue;
        }
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            continue;
        head.m_fields.append(HeadField{line.first(colon).trimmed().toByteArray(),
                                       line.sliced(colon + 1).trimmed().toByteArray()});
    }
    return head;
}

std::optional<QByteArray> HeadText::value(QByteArrayView name) const {
    for (const HeadField& field : m_fields) {
        if (field.name.compare(name, Qt::CaseInsensitive) == 0)
            return field.value;
    }
    return std::nullopt;
}

QByteArray HeadText::joined(QByteArrayView name) const {
    QByteArray result;
    for (const HeadField& field : m_fields) {
        if (field.name.compare(name, Qt::CaseInsensitive) != 0 || field.value.isEmpty())
            continue;
        if (!result.isEmpty())
            result += ", ";
        result += field.value;
    }
    return result;
}

QByteArray HeadText::httpVersion() const {
    if (m_startLine.startsWith("HTTP/"))
        return m_startLine.left(m_startLine.indexOf(' '));
    const qsizetype space = m_startLine.lastIndexOf(' ');
    const QByteArray last = space < 0 ? QByteArray() : m_startLine.mid(space + 1);
    return last.startsWith("HTTP/") ? last : QByteArray();
}

QByteArray HeadText::reason() const {
    if (!m_startLine.startsWith("HTTP/"))
        return {};
    const qsizetype first = m_startLine.indexOf(' ');
    const qsizetype second = first < 0 ? -1 : m_startLine.indexOf(' ', first + 1);
    return second < 0 ? QByteArray() : m_startLine.mid(second + 1);
}

} // namespace spyglass::core::store
