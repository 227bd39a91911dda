// Eight bytes at a time: the word tests the decoder and the writer share.
#pragma once

#include <cstdint>
#include <cstring>

namespace rtwatch::swar {

constexpr std::uint64_t k_ones = 0x0101010101010101ull;
constexpr std::uint64_t k_highs = 0x8080808080808080ull;

inline std::uint64_t load(const char* p) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    return w;
}

// The bytes of `w` that end or complicate a JSON string: '"', '\\', a
// control byte (< 0x20) or a non-ASCII byte, as their high bits. The
// has-zero-byte trick can also flag bytes above a true hit (borrows), never
// below one, so "any flag" and "the lowest flag" are exact.
inline std::uint64_t json_special_bytes(std::uint64_t w) {
    auto zero_bytes = [](std::uint64_t v) { return (v - k_ones) & ~v & k_highs; };
    std::uint64_t control = (w - k_ones * 0x20) & ~w & k_highs;
    return zero_bytes(w ^ (k_ones * '"')) | zero_bytes(w ^ (k_ones * '\\')) | control | (w & k_highs);
}

}  // namespace rtwatch::swar
