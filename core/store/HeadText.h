#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <optional>

namespace spyglass::core::store {

struct HeadField {
    QByteArray name;
    QByteArray value;
};

// A recorded head split into its start line and fields, leniently: the proxy
// validated it on the way in, and a damaged or foreign file must still
// display. Lookups are case-insensitive (RFC 9110 §5.1).
class HeadText {
public:
    static HeadText parse(QByteArrayView raw);

    [[nodiscard]] const QByteArray& startLine() const { return m_startLine; }
    [[nodiscard]] const QList<HeadField>& fields() const { return m_fields; }
    [[nodiscard]] std::optional<QByteArray> value(QByteArrayView name) const;
    // Every value of `name`, joined with ", " (RFC 9110 §5.3), or "".
    [[nodiscard]] QByteArray joined(QByteArrayView name) const;
    // "HTTP/1.1" from either a request or a status line; "" when unknown.
    [[nodiscard]] QByteArray httpVersion() const;
    // The reason phrase of a status line.
    [[nodiscard]] QByteArray reason() const;

private:
    QByteArray m_startLine;
    QList<HeadField> m_fields;
};

} // namespace spyglass::core::store
