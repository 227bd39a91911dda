// render(): header, column titles, the visible slice of the sorted rows and
// the footer, as cells with attributes. Colour only where options.color.
#include "rtwatch/top/render.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "layout.hpp"
#include "text.hpp"

namespace rtwatch::top {
namespace {

Color level_color(Level level) {
    switch (level) {
        case Level::none:
            return Color::none;
        case Level::green:
            return Color::green;
        case Level::yellow:
            return Color::yellow;
        case Level::red:
            return Color::red;
    }
    return Color::none;
}

// Readable without colour too: a letter per level in the first column.
char32_t level_letter(Level level) {
    switch (level) {
        case Level::none:
            return U' ';
        case Level::green:
            return U'G';
        case Level::yellow:
            return U'Y';
        case Level::red:
            return U'R';
    }
    return U' ';
}

bool is_stale(Status status) {
    return status == Status::stale || status == Status::gave_up || status == Status::stopped;
}

long whole_seconds_until(TimePoint from, TimePoint to) {
    if (to <= from) return 0;
    return static_cast<long>(std::chrono::ceil<std::chrono::seconds>(to - from).count());
}

std::string format_age(TimePoint newest, TimePoint now) {
    const long s = now > newest ? static_cast<long>(std::chrono::floor<std::chrono::seconds>(now - newest).count()) : 0;
    if (s < 100) return std::to_string(s) + " s";
    if (s < 6000) return std::to_string(s / 60) + " min";
    return std::to_string(s / 3600) + " h";
}

std::string format_rate(double rate) {
    char buffer[32];
    if (rate < 10000)
        std::snprintf(buffer, sizeof buffer, "%.0f", rate);
    else if (rate < 1e7)
        std::snprintf(buffer, sizeof buffer, "%.1fk", rate / 1e3);
    else
        std::snprintf(buffer, sizeof buffer, "%.1fM", rate / 1e6);
    return buffer;
}

std::string status_text(const Header& header, TimePoint now) {
    switch (header.status) {
        case Status::connecting:
            return "connecting";
        case Status::connected:
            return "connected";
        case Status::reconnecting:
            // No retry time (the source did not say): no countdown to show.
            if (header.retry_at == TimePoint{}) return "reconnecting";
            return "reconnecting in " + std::to_string(whole_seconds_until(now, header.retry_at)) + " s";
        case Status::stale:
            return "stale";
        case Status::gave_up:
            return "gave up";
        case Status::stopped:
            return "stopped";
    }
    return "";
}

Color status_color(Status status) {
    switch (status) {
        case Status::connected:
            return Color::green;
        case Status::connecting:
        case Status::reconnecting:
            return Color::yellow;
        case Status::stale:
        case Status::gave_up:
        case Status::stopped:
            return Color::red;
    }
    return Color::none;
}

void draw_header(Frame& frame, const TopState& state, std::size_t shown, const RenderOptions& options) {
    const Header& header = state.header();
    const int cols = frame.size().cols;
    const std::u32string paused = state.view().paused ? U" PAUSED " : U"";
    const int room = cols - static_cast<int>(paused.size());
    int col = frame.put(0, 0, truncate_end(to_cells(header.host.empty() ? "rtwatch top" : header.host), room), {});
    col += frame.put(0, col, U"  ", {}, std::max(room - col, 0));
    const Attr status_attr{options.color ? status_color(header.status) : Color::none, false, true, false};
    col += frame.put(0, col, ascii(status_text(header, options.now)), status_attr, std::max(room - col, 0));
    std::string rest = header.newest ? "  data " + format_age(*header.newest, options.now) + " ago" : "  no data yet";
    rest += "  " + format_rate(header.records_per_second) + " rec/s";
    rest += "  " + std::to_string(shown) + "/" + std::to_string(state.total_rows()) + " resources";
    frame.put(0, col, truncate_end(ascii(rest), std::max(room - col, 0)), {});
    if (!paused.empty()) frame.put(0, room, paused, Attr{Color::none, false, true, true});
}

void draw_heading(Frame& frame, int line, const Section& section) {
    std::u32string text = section_title(section.kind) + ascii(" (" + std::to_string(section.rows.size()) + ")");
    frame.put(line, 0, truncate_end(text, frame.size().cols), Attr{Color::none, false, true, false});
}

void draw_titles(Frame& frame, int line, const TopState& state, const Section& section) {
    const Attr attr{Color::none, false, true, true};
    frame.fill(line, 0, frame.size().cols, attr);
    frame.put(line, k_id_start, truncate_middle(title_of(state, 0), section.id_width), attr);
    int col = k_id_start + section.id_width;
    if (section.name_width > 0) {
        frame.put(line, col + 1, truncate_end(U"NAME", section.name_width), attr);
        col += 1 + section.name_width;
    }
    for (const ShownColumn& column : section.columns) {
        // Right-aligned titles end in the sort mark's cell, marked or not.
        const bool marked = state.view().sort_column == column.column + 1;
        const std::u32string title = truncate_middle(title_of(state, column.column + 1), column.width);
        const int slot = marked || static_cast<int>(title.size()) >= column.width ? 0 : 1;
        const int pad = column.numeric ? column.width - slot - static_cast<int>(title.size()) : 0;
        frame.put(line, col + 1 + pad, title, attr);
        col += 1 + column.width;
    }
    if (section.hidden > 0) frame.put(line, col + 1, hidden_marker(section.hidden), attr);
}

Attr row_attr(const Row& row, Status status, bool color) {
    if (is_stale(status)) return Attr{color ? Color::grey : Color::none, true, false, false};
    return Attr{color ? level_color(row.worst()) : Color::none, false, false, false};
}

void draw_cell(Frame& frame, int line, int col, const CellValue& cell, const ShownColumn& column, Attr attr) {
    const std::u32string text = truncate_end(to_cells(cell.text), column.width);
    const int pad = column.numeric ? column.width - static_cast<int>(text.size()) : 0;
    frame.fill(line, col, column.width, attr);
    frame.put(line, col + pad, text, attr);
}

void draw_row(Frame& frame, int line, const Row& row, const Section& section, const TopState& state, bool color) {
    // Gaps keep the default attributes: a level change then repaints text,
    // not the blanks around it.
    const Attr base = row_attr(row, state.header().status, color);
    frame.put(line, 0, std::u32string(1, level_letter(row.worst())), base);
    frame.put(line, k_id_start, truncate_middle(to_cells(row.id), section.id_width), base);
    int col = k_id_start + section.id_width + 1;
    const auto cell_at = [&](int column) -> const CellValue* {
        const auto index = static_cast<std::size_t>(column);
        return column >= 0 && index < row.cells.size() && row.cells[index].present ? &row.cells[index] : nullptr;
    };
    if (section.name_width > 0) {
        frame.put(line, col, truncate_end(to_cells(state.name_of(row)), section.name_width), base);
        col += 1 + section.name_width;
    }
    for (const ShownColumn& column : section.columns) {
        if (const CellValue* cell = cell_at(column.column)) {
            Attr attr = base;
            attr.reverse = state.changed(*cell);
            draw_cell(frame, line, col, *cell, column, attr);
        }
        col += 1 + column.width;
    }
}

// Where each shown row sits: its section and index within it.
struct Place {
    const Section* section;
    const Row* row;
};

std::vector<Place> places(const Layout& layout) {
    std::vector<Place> out;
    out.reserve(layout.total);
    for (const Section& section : layout.sections)
        for (const Row* row : section.rows) out.push_back({&section, row});
    return out;
}

// The first row of the last page: the screen full to its end, each section
// drawn taking a heading and titles.
int last_first(const std::vector<const Row*>& rows, int height) {
    int first = static_cast<int>(rows.size()), lines = 0;
    while (first > 0) {
        const bool new_section = first == static_cast<int>(rows.size()) || rows[first]->kind != rows[first - 1]->kind;
        const int need = lines + 1 + (new_section ? 2 : 0);
        if (need > height) break;
        lines = need;
        --first;
    }
    return first;
}

int body_height(Size size) { return std::max(0, size.rows - 2); }

void draw_empty(Frame& frame, const TopState& state) {
    if (frame.size().rows < 3) return;
    const std::string text =
        state.total_rows() == 0 ? "waiting for data..." : "no resource id contains \"" + state.view().filter + "\"";
    frame.put(1, k_id_start, truncate_end(to_cells(text), frame.size().cols - k_id_start), Attr{Color::none, true});
}

struct FooterPart {
    std::u32string text;
    int keep;  // the lowest goes first when the line is too short
};

std::u32string join_fitting(std::vector<FooterPart> parts, int room) {
    const auto width = [&] {
        std::size_t w = 0;
        for (const FooterPart& part : parts) w += part.text.size() + (w ? 2 : 0);
        return static_cast<int>(w);
    };
    while (parts.size() > 1 && width() > room)
        parts.erase(std::min_element(parts.begin(), parts.end(),
                                     [](const FooterPart& a, const FooterPart& b) { return a.keep < b.keep; }));
    std::u32string line;
    for (const FooterPart& part : parts) line += (line.empty() ? U"" : U"  ") + part.text;
    return truncate_end(line, room);
}

std::u32string footer_keys(const ViewOptions& view, int room) {
    std::vector<FooterPart> parts = {{U"q quit", 9},
                                     {view.paused ? U"p resume" : U"p pause", 5},
                                     {U"s/S sort", 4},
                                     {U"/ filter", 3},
                                     {U"\u2191\u2193 PgUp/PgDn scroll", 1}};
    if (!view.filter.empty()) parts.insert(parts.end() - 1, {to_cells("filter: " + view.filter), 8});
    return join_fitting(std::move(parts), room);
}

// Typing a filter: its text, a reversed cell for the cursor, the two ways out.
void draw_filter_input(Frame& frame, int line, const ViewOptions& view, int room) {
    int col = frame.put(line, 0, truncate_middle(to_cells("filter: " + view.filter), std::max(room - 1, 0)), {});
    col += frame.put(line, col, U" ", Attr{Color::none, false, false, true}, std::max(room - col, 0));
    const std::u32string hint = U"  Enter keep  Esc cancel";
    if (col + static_cast<int>(hint.size()) <= room) frame.put(line, col, hint, {});
}

void draw_footer(Frame& frame, const TopState& state, std::size_t total, int first, int shown) {
    const int line = frame.size().rows - 1;
    std::u32string where = ascii("rows " + std::to_string(shown ? first + 1 : 0));
    if (shown) where += U'\u2013' + ascii(std::to_string(first + shown));
    where += ascii(" of " + std::to_string(total));
    const int right = std::max(0, frame.size().cols - static_cast<int>(where.size()));
    const int room = std::max(right - 1, 0);
    if (state.view().editing_filter)
        draw_filter_input(frame, line, state.view(), room);
    else
        frame.put(line, 0, footer_keys(state.view(), room), {});
    frame.put(line, right, where, {});
}

}  // namespace

bool use_color(ColorMode mode, std::optional<std::string_view> no_color, bool is_terminal) {
    if (mode != ColorMode::automatic) return mode == ColorMode::always;
    return is_terminal && (!no_color || no_color->empty());
}

int table_height(Size size) { return std::max(0, size.rows - 4); }

int last_scroll(const TopState& state, Size size) { return last_first(ordered_rows(state), body_height(size)); }

// Sections one under the other, each a heading, its titles and its rows;
// the section of the first row shown keeps its heading and titles on top.
int draw_body(Frame& frame, const TopState& state, const std::vector<Place>& rows, int first, bool color) {
    const int end = frame.size().rows - 1;
    int line = 1, shown = 0;
    const Section* current = nullptr;
    for (std::size_t i = static_cast<std::size_t>(first); i < rows.size() && line < end; ++i) {
        if (rows[i].section != current) {
            if (line + 2 >= end) break;
            current = rows[i].section;
            draw_heading(frame, line++, *current);
            draw_titles(frame, line++, state, *current);
        }
        draw_row(frame, line++, *rows[i].row, *current, state, color);
        ++shown;
    }
    return shown;
}

Frame render(const TopState& state, Size size, const RenderOptions& options) {
    Frame frame(size);
    if (size.cols <= 0 || size.rows <= 0) return frame;
    const Layout layout = plan_layout(state, size.cols);
    const std::size_t total = layout.total;
    draw_header(frame, state, total, options);
    if (size.rows < 3) return frame;
    const std::vector<Place> rows = places(layout);
    std::vector<const Row*> ordered;
    for (const Place& place : rows) ordered.push_back(place.row);
    const int first = std::clamp(state.view().scroll, 0, last_first(ordered, body_height(size)));
    const int shown = draw_body(frame, state, rows, first, options.color);
    if (total == 0) draw_empty(frame, state);
    draw_footer(frame, state, total, first, shown);
    return frame;
}

}  // namespace rtwatch::top
