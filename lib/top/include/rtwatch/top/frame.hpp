// One screenful of `rtwatch top` as a grid of cells, each a code point with
// attributes: what render() produces and encode_update() compares.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace rtwatch::top {

struct Size {
    int cols = 80;
    int rows = 24;
    friend bool operator==(const Size&, const Size&) = default;
};

enum class Color : std::uint8_t { none, green, yellow, red, grey };

struct Attr {
    Color fg = Color::none;
    bool dim = false;
    bool bold = false;
    bool reverse = false;
    friend bool operator==(const Attr&, const Attr&) = default;
};

// Every code point takes one column: render() replaces wide and
// zero-width ones, so the grid and the terminal never disagree.
struct Cell {
    char32_t ch = U' ';
    Attr attr;
    friend bool operator==(const Cell&, const Cell&) = default;
};

class Frame {
public:
    Frame() = default;
    explicit Frame(Size size) : m_size(size), m_cells(static_cast<std::size_t>(size.cols) * size.rows) {}

    Size size() const { return m_size; }
    Cell& at(int row, int col) { return m_cells[static_cast<std::size_t>(row) * m_size.cols + col]; }
    const Cell& at(int row, int col) const { return m_cells[static_cast<std::size_t>(row) * m_size.cols + col]; }
    // Writes `text` from (row, col), clipped to the frame and to `width`
    // columns (-1: to the right edge). Returns the columns written.
    int put(int row, int col, std::u32string_view text, Attr attr, int width = -1);
    void fill(int row, int col, int width, Attr attr, char32_t ch = U' ');
    // The row as UTF-8 text, for tests and golden files.
    std::string line_text(int row) const;

private:
    Size m_size{0, 0};
    std::vector<Cell> m_cells;
};

}  // namespace rtwatch::top
