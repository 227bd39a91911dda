// UTF-8 decoding into single-width cells, shortening, and the Frame's
// clipped writes.
#include "text.hpp"

#include <algorithm>

#include "rtwatch/top/frame.hpp"

namespace rtwatch::top {
namespace {

// Enough of East Asian Width "W"/"F" and emoji for ids and metric strings.
bool is_wide(char32_t c) {
    return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF) || (c >= 0xAC00 && c <= 0xD7A3) ||
           (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
           (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x1F300 && c <= 0x1FAFF) || (c >= 0x20000 && c <= 0x3FFFD);
}

bool is_zero_width(char32_t c) {
    return (c >= 0x0300 && c <= 0x036F) || (c >= 0x200B && c <= 0x200F) || (c >= 0xFE00 && c <= 0xFE0F) || c == 0xFEFF;
}

char32_t printable(char32_t c) {
    if (c < 0x20 || (c >= 0x7F && c < 0xA0)) return U'?';
    if (is_wide(c) || is_zero_width(c)) return U'?';
    return c;
}

// Decodes one code point at s[i]; advances i. Invalid input yields U+FFFD.
char32_t decode_one(std::string_view s, std::size_t& i) {
    const auto b = static_cast<unsigned char>(s[i++]);
    if (b < 0x80) return b;
    const int extra = b >= 0xF0 && b < 0xF5 ? 3 : b >= 0xE0 ? 2 : b >= 0xC2 && b < 0xE0 ? 1 : -1;
    if (extra < 0 || i + extra > s.size()) return 0xFFFD;
    char32_t c = b & (0x3F >> extra);
    for (int k = 0; k < extra; ++k) {
        const auto cont = static_cast<unsigned char>(s[i]);
        if ((cont & 0xC0) != 0x80) return 0xFFFD;
        c = c << 6 | (cont & 0x3F);
        ++i;
    }
    const bool overlong = (extra == 2 && c < 0x800) || (extra == 3 && c < 0x10000);
    if (overlong || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return 0xFFFD;
    return c;
}

}  // namespace

void append_utf8(std::string& out, char32_t c) {
    if (c < 0x80) {
        out += static_cast<char>(c);
    } else if (c < 0x800) {
        out += static_cast<char>(0xC0 | c >> 6);
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        out += static_cast<char>(0xE0 | c >> 12);
        out += static_cast<char>(0x80 | (c >> 6 & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | c >> 18);
        out += static_cast<char>(0x80 | (c >> 12 & 0x3F));
        out += static_cast<char>(0x80 | (c >> 6 & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    }
}

std::u32string to_cells(std::string_view utf8) {
    std::u32string out;
    out.reserve(utf8.size());
    for (std::size_t i = 0; i < utf8.size();) out += printable(decode_one(utf8, i));
    return out;
}

int cell_width(std::string_view utf8) {
    const bool plain =
        std::all_of(utf8.begin(), utf8.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
    if (plain) return static_cast<int>(utf8.size());
    int width = 0;
    for (std::size_t i = 0; i < utf8.size(); ++width) decode_one(utf8, i);
    return width;
}

std::u32string ascii(std::string_view text) { return std::u32string(text.begin(), text.end()); }

std::u32string truncate_middle(std::u32string_view text, int width) {
    if (width <= 0) return {};
    if (static_cast<int>(text.size()) <= width) return std::u32string(text);
    if (width == 1) return std::u32string(1, k_ellipsis);
    const int head = (width - 1) * 2 / 5;
    const int tail = width - 1 - head;
    std::u32string out(text.substr(0, head));
    out += k_ellipsis;
    out += text.substr(text.size() - tail);
    return out;
}

std::u32string truncate_end(std::u32string_view text, int width) {
    if (width <= 0) return {};
    if (static_cast<int>(text.size()) <= width) return std::u32string(text);
    std::u32string out(text.substr(0, width - 1));
    out += k_ellipsis;
    return out;
}

int Frame::put(int row, int col, std::u32string_view text, Attr attr, int width) {
    if (row < 0 || row >= m_size.rows || col < 0 || col >= m_size.cols) return 0;
    const int room = width < 0 ? m_size.cols - col : std::min(width, m_size.cols - col);
    const int n = std::min(room, static_cast<int>(text.size()));
    for (int i = 0; i < n; ++i) at(row, col + i) = Cell{text[i], attr};
    return n;
}

void Frame::fill(int row, int col, int width, Attr attr, char32_t ch) {
    if (row < 0 || row >= m_size.rows) return;
    for (int c = std::max(col, 0); c < std::min(col + width, m_size.cols); ++c) at(row, c) = Cell{ch, attr};
}

std::string Frame::line_text(int row) const {
    std::string out;
    for (int c = 0; c < m_size.cols; ++c) append_utf8(out, at(row, c).ch);
    return out;
}

}  // namespace rtwatch::top
