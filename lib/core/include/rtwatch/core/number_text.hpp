// JSON number text to double, shared by the fast scanner and the RapidJSON
// path so both give bit-identical values, and by the diff when it reads a
// packed number back.
#pragma once

#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace rtwatch {

// Short integers, the usual metric, are exact in a double and converted by
// hand (several times faster than from_chars); the caller has already checked
// the syntax, and numbers beyond double's range were rejected by RapidJSON;
// underflow becomes (signed) zero.
// A decimal with at most 15 significant digits and at most 22 after the
// point: mantissa and power of ten are both exact doubles, so one IEEE
// division gives the correctly rounded value, as from_chars would (Clinger's
// fast path). False for anything else.
inline bool short_decimal(std::string_view digits, double& value) {
    static constexpr double k_pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                         1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    std::size_t point = digits.find('.');
    if (point == std::string_view::npos || point == 0) return false;
    std::int64_t n = 0;
    int significant = 0;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i == point) continue;
        char c = digits[i];
        if (c < '0' || c > '9') return false;
        n = n * 10 + (c - '0');
        if (n != 0 && ++significant > 15) return false;
    }
    std::size_t fraction = digits.size() - point - 1;
    if (fraction > 22) return false;
    value = static_cast<double>(n) / k_pow10[fraction];
    return true;
}

inline double number_from_text(std::string_view text) {
    std::string_view digits = text;
    bool negative = !digits.empty() && digits.front() == '-';
    if (negative) digits.remove_prefix(1);
    double value = 0;
    std::int64_t n = 0;
    std::size_t i = 0;
    for (; i < digits.size() && i < 16 && digits[i] >= '0' && digits[i] <= '9'; ++i) n = n * 10 + (digits[i] - '0');
    if (i == digits.size() && i <= 15) {
        value = static_cast<double>(n);
    } else if (short_decimal(digits, value)) {
    } else if (std::from_chars(digits.data(), digits.data() + digits.size(), value).ec ==
               std::errc::result_out_of_range) {
        bool tiny = digits.find("e-") != std::string_view::npos || digits.find("E-") != std::string_view::npos;
        value = tiny ? 0.0 : HUGE_VAL;
    }
    return negative ? -value : value;
}

}  // namespace rtwatch
