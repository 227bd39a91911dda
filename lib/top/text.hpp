// Text as terminal cells: UTF-8 in and out, one column per code point, and
// the two ways `rtwatch top` shortens text that does not fit.
#pragma once

#include <string>
#include <string_view>

namespace rtwatch::top {

inline constexpr char32_t k_ellipsis = U'\u2026';

void append_utf8(std::string& out, char32_t ch);
// Control, zero-width and double-width code points, and bytes that are not
// UTF-8, become '?' or U+FFFD, so that each cell is one terminal column.
std::u32string to_cells(std::string_view utf8);
// to_cells(utf8).size(), without building it.
int cell_width(std::string_view utf8);
// Keeps the first 2/5 and the last 3/5 around an ellipsis: ids share
// prefixes ("queue-", a UUID's first group) and differ at the end.
std::u32string truncate_middle(std::u32string_view text, int width);
std::u32string truncate_end(std::u32string_view text, int width);
std::u32string ascii(std::string_view text);

}  // namespace rtwatch::top
