#pragma once

#include <QString>
#include <optional>
#include <utility>
#include <variant>

namespace spyglass::certs {

// Why an operation failed, phrased for a person: what failed, which file or
// name, and where known how to fix it (architecture guide §6: errors are
// values in certs/, never exceptions).
struct Error {
    QString message;
};

// A small expected-like type: either a value or an Error. Check ok() before
// value(); value() on an error is a programming error (asserted).
template <typename T> class [[nodiscard]] Result {
public:
    Result(T value) // NOLINT(google-explicit-constructor): implicit like std::expected
        : m_state(std::in_place_index<0>, std::move(value)) {}
    Result(Error error) // NOLINT(google-explicit-constructor)
        : m_state(std::in_place_index<1>, std::move(error)) {}

    bool ok() const noexcept { return m_state.index() == 0; }
    explicit operator bool() const noexcept { return ok(); }

    T& value() & { return std::get<0>(m_state); }
    const T& value() const& { return std::get<0>(m_state); }
    T&& value() && { return std::get<0>(std::move(m_state)); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    const Error& error() const { return std::get<1>(m_state); }
    const QString& errorMessage() const { return error().message; }

private:
    std::variant<T, Error> m_state;
};

template <> class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Error error) // NOLINT(google-explicit-constructor)
        : m_error(std::move(error)) {}

    bool ok() const noexcept { return !m_error.has_value(); }
    explicit operator bool() const noexcept { return ok(); }
    const Error& error() const { return *m_error; }
    const QString& errorMessage() const { return m_error->message; }

private:
    std::optional<Error> m_error;
};

using Status = Result<void>;

} // namespace spyglass::certs
