#pragma once

#include <QString>

#include <optional>
#include <utility>
#include <variant>

namespace vestnik {

/// What kind of failure an Error is; callers branch on this, people read the message.
enum class ErrorCode {
    InvalidArgument, ///< the caller passed something malformed
    InvalidConfig,   ///< a configuration key is missing or has a bad value
    NotFound,        ///< the thing asked for does not exist
    Conflict,        ///< the write clashes with existing state
    Io,              ///< a file or socket failed
    Database,        ///< the database refused or failed a statement
    SchemaTooNew,    ///< the database schema is newer than this build understands
    Crypto,          ///< sealing, opening or hashing failed (wrong key, tampered data)
    Broker,          ///< the message broker failed
    Internal,        ///< a bug: an invariant did not hold
};

/// Stable machine name of a code (for JSON errors and logs).
QString errorCodeName(ErrorCode code);

/// A typed error with a human message that names what went wrong and, where known, what to do.
struct Error {
    ErrorCode code = ErrorCode::Internal;
    QString message;

    QString toString() const { return errorCodeName(code) + QStringLiteral(": ") + message; }
};

/// Either a value or an error, by default an Error (std::expected is C++23; GCC 12 has none). Modules whose
/// errors carry more than a code and a message (e.g. template positions) name their own error type.
template<typename T, typename E = Error>
class [[nodiscard]] Result final
{
public:
    Result(T value) : m_state(std::in_place_index<0>, std::move(value)) {}
    Result(E error) : m_state(std::in_place_index<1>, std::move(error)) {}

    bool hasValue() const { return m_state.index() == 0; }
    explicit operator bool() const { return hasValue(); }

    T &value() & { return std::get<0>(m_state); }
    const T &value() const & { return std::get<0>(m_state); }
    T &&value() && { return std::get<0>(std::move(m_state)); }
    T valueOr(T fallback) const { return hasValue() ? value() : std::move(fallback); }

    const E &error() const { return std::get<1>(m_state); }

    T *operator->() { return &value(); }
    const T *operator->() const { return &value(); }
    T &operator*() & { return value(); }
    const T &operator*() const & { return value(); }

private:
    std::variant<T, E> m_state;
};

/// Result of an operation that yields nothing but may fail.
template<typename E>
class [[nodiscard]] Result<void, E> final
{
public:
    Result() = default;
    Result(E error) : m_error(std::move(error)) {}

    bool hasValue() const { return !m_error.has_value(); }
    explicit operator bool() const { return hasValue(); }
    const E &error() const { return *m_error; }

private:
    std::optional<E> m_error;
};

inline Error makeError(ErrorCode code, QString message)
{
    return Error{code, std::move(message)};
}

} // namespace vestnik
