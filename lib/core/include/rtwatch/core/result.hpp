// Result<T>: the value of an operation that can fail in an expected way,
// shaped like std::expected (which C++20 lacks). Its Error carries the exit
// code the failure maps to, and a message that names the cause and the fix.
#pragma once

#include <string>
#include <utility>
#include <variant>

#include "rtwatch/core/exit_code.hpp"

namespace rtwatch {

struct Error {
    ExitCode code = ExitCode::failure;
    std::string message;
};

template <class T>
class [[nodiscard]] Result {
public:
    Result(T value) : m_v(std::in_place_index<0>, std::move(value)) {}
    Result(Error error) : m_v(std::in_place_index<1>, std::move(error)) {}

    bool ok() const { return m_v.index() == 0; }
    explicit operator bool() const { return ok(); }
    T& value() & { return std::get<0>(m_v); }
    const T& value() const& { return std::get<0>(m_v); }
    T&& value() && { return std::get<0>(std::move(m_v)); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() { return value(); }
    const Error& error() const { return std::get<1>(m_v); }

private:
    std::variant<T, Error> m_v;
};

template <>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Error error) : m_error(std::move(error)), m_ok(false) {}

    bool ok() const { return m_ok; }
    explicit operator bool() const { return m_ok; }
    const Error& error() const { return m_error; }

private:
    Error m_error;
    bool m_ok = true;
};

inline Error make_error(ExitCode code, std::string message) { return Error{code, std::move(message)}; }

}  // namespace rtwatch
