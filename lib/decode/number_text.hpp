// JSON number text to double, shared by the fast scanner and the RapidJSON
// path so both give bit-identical values. Private to the decode layer.
#pragma once

#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace rtwatch::decode::detail {

// Short integers, the usual metric, are exact in a double and converted by
// hand (several times faster than from_chars); the caller has already checked
// the syntax, and numbers beyond double's range were rejected by RapidJSON;
// underflow becomes (signed) zero.
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
    } else if (std::from_chars(digits.data(), digits.data() + digits.size(), value).ec ==
               std::errc::result_out_of_range) {
        bool tiny = digits.find("e-") != std::string_view::npos || digits.find("E-") != std::string_view::npos;
        value = tiny ? 0.0 : HUGE_VAL;
    }
    return negative ? -value : value;
}

}  // namespace rtwatch::decode::detail
