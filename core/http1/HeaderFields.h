#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <optional>

namespace spyglass::core::http1 {

struct HeaderField {
    QByteArray name;
    QByteArray value;
};

// An ordered list of header fields as they appeared on the wire. Lookups are
// case-insensitive (RFC 9110 §5.1: "Field names are case-insensitive").
class HeaderFields {
public:
    void append(QByteArray name, QByteArray value);
    // Replaces every field called `name` by one field with `value`, at the
    // position of the first one (or at the end when there was none).
    void set(QByteArray name, QByteArray value);
    // Returns how many fields were removed.
    qsizetype removeAll(QByteArrayView name);
    void reserve(qsizetype count) { m_fields.reserve(count); }

    [[nodiscard]] const QList<HeaderField>& fields() const { return m_fields; }
    [[nodiscard]] qsizetype size() const { return m_fields.size(); }
    [[nodiscard]] bool isEmpty() const { return m_fields.isEmpty(); }
    [[nodiscard]] bool contains(QByteArrayView name) const;
    [[nodiscard]] qsizetype count(QByteArrayView name) const;
    // First value of `name`, or nullopt when there is none.
    [[nodiscard]] std::optional<QByteArray> value(QByteArrayView name) const;
    [[nodiscard]] QList<QByteArray> values(QByteArrayView name) const;
    // The elements of every `name` field read as a comma-separated list
    // (RFC 9110 §5.6.1), trimmed of OWS, empty elements dropped, case kept.
    [[nodiscard]] QList<QByteArray> listElements(QByteArrayView name) const;
    // True when listElements(name) holds `token`, compared case-insensitively.
    [[nodiscard]] bool hasToken(QByteArrayView name, QByteArrayView token) const;

private:
    QList<HeaderField> m_fields;
};

} // namespace spyglass::core::http1
