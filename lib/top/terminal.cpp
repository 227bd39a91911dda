// encode_update(): walk both frames row by row, join nearby changed cells
// into runs (rewriting a few equal cells is cheaper than a cursor move),
// and write each run after one cursor move and only the SGR changes it needs.
#include "rtwatch/top/terminal.hpp"

#include "text.hpp"

namespace rtwatch::top {
namespace {

// Equal cells this close together are rewritten rather than jumped over.
constexpr int k_max_gap = 3;

Attr effective(Attr attr, bool color) {
    if (!color) attr.fg = Color::none;
    return attr;
}

bool same(const Cell& a, const Cell& b, bool color) {
    return a.ch == b.ch && effective(a.attr, color) == effective(b.attr, color);
}

const char* fg_code(Color color) {
    switch (color) {
        case Color::none:
            return "";
        case Color::green:
            return ";32";
        case Color::yellow:
            return ";33";
        case Color::red:
            return ";31";
        case Color::grey:
            return ";90";
    }
    return "";
}

// Always from a reset: one sequence, whatever was set before.
void append_sgr(std::string& out, Attr attr) {
    out += "\x1b[0";
    if (attr.bold) out += ";1";
    if (attr.dim) out += ";2";
    if (attr.reverse) out += ";7";
    out += fg_code(attr.fg);
    out += 'm';
}

struct Cursor {
    int row = -1;  // -1: unknown
    int col = -1;
    Attr attr;
};

void move_to(std::string& out, Cursor& cursor, int row, int col) {
    if (cursor.row == row && cursor.col == col) return;
    if (cursor.row == row && cursor.col >= 0 && cursor.col < col) {
        const int n = col - cursor.col;
        out += n == 1 ? "\x1b[C" : "\x1b[" + std::to_string(n) + "C";
    } else {
        out += "\x1b[" + std::to_string(row + 1) + ";" + std::to_string(col + 1) + "H";
    }
    cursor.row = row;
    cursor.col = col;
}

void write_run(std::string& out, Cursor& cursor, const Frame& next, int row, int from, int to, bool color) {
    move_to(out, cursor, row, from);
    for (int c = from; c < to; ++c) {
        const Cell& cell = next.at(row, c);
        const Attr attr = effective(cell.attr, color);
        if (!(attr == cursor.attr)) {
            append_sgr(out, attr);
            cursor.attr = attr;
        }
        append_utf8(out, cell.ch);
    }
    // Past the last column the terminal's cursor position is its own affair.
    cursor.col = to < next.size().cols ? to : -1;
}

void encode_row(std::string& out, Cursor& cursor, const Frame& base, const Frame& next, int row, bool color) {
    const int cols = next.size().cols;
    int c = 0;
    while (c < cols) {
        if (same(base.at(row, c), next.at(row, c), color)) {
            ++c;
            continue;
        }
        const int from = c;
        int end = c + 1;  // one past the last differing cell of the run
        for (int k = end; k < cols && k - end <= k_max_gap; ++k)
            if (!same(base.at(row, k), next.at(row, k), color)) end = k + 1;
        write_run(out, cursor, next, row, from, end, color);
        c = end;
    }
}

}  // namespace

std::string encode_update(const Frame& previous, const Frame& next, bool color, bool full) {
    std::string out;
    const bool clear = full || !(previous.size() == next.size());
    const Frame blank(next.size());
    const Frame& base = clear ? blank : previous;
    Cursor cursor;
    if (clear) {
        out += "\x1b[0m\x1b[H\x1b[2J";
        cursor.row = cursor.col = 0;
    }
    for (int row = 0; row < next.size().rows; ++row) encode_row(out, cursor, base, next, row, color);
    if (!(cursor.attr == Attr{})) out += "\x1b[0m";
    return out;
}

std::string_view enter_sequence() { return "\x1b[?1049h\x1b[?25l\x1b[?7l"; }

std::string_view leave_sequence() { return "\x1b[0m\x1b[?7h\x1b[?25h\x1b[?1049l"; }

}  // namespace rtwatch::top
