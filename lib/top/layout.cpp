// Row order and column widths for render(). Widths come from every row
// that matches the filter, not only the visible ones, so columns stay put
// while scrolling.
#include "layout.hpp"

#include <algorithm>
#include <cmath>

#include "text.hpp"

namespace rtwatch::top {
namespace {

int kind_rank(ResourceKind kind) {
    switch (kind) {
        case ResourceKind::queue: return 0;
        case ResourceKind::skill: return 1;
        case ResourceKind::agent: return 2;
    }
    return 0;
}

const CellValue* cell_of(const Row& row, int column) {
    if (column < 0 || static_cast<std::size_t>(column) >= row.cells.size()) return nullptr;
    const CellValue& cell = row.cells[column];
    return cell.present ? &cell : nullptr;
}

// <0, 0, >0 like strcmp; numbers before text.
int compare_values(const CellValue& a, const CellValue& b) {
    const bool an = !std::isnan(a.number), bn = !std::isnan(b.number);
    if (an && bn) return a.number < b.number ? -1 : a.number > b.number ? 1 : 0;
    if (an != bn) return an ? -1 : 1;
    return a.text.compare(b.text);
}

struct RowOrder {
    int column;  // metric column, or -1 for the id
    bool descending;

    bool operator()(const Row* a, const Row* b) const {
        if (a->kind != b->kind) return kind_rank(a->kind) < kind_rank(b->kind);
        if (column >= 0) {
            const CellValue* va = cell_of(*a, column);
            const CellValue* vb = cell_of(*b, column);
            if (!va != !vb) return va != nullptr;
            const int c = va ? compare_values(*va, *vb) : 0;
            if (c != 0) return descending ? c > 0 : c < 0;
            return a->id < b->id;
        }
        return descending ? a->id > b->id : a->id < b->id;
    }
};

struct ColumnNeed {
    ShownColumn natural;   // the whole title
    ShownColumn squeezed;  // the title shortened to k_squeezed_title
};

ColumnNeed column_need(const TopState& state, const std::vector<const Row*>& rows, int column) {
    const int title = static_cast<int>(title_of(state, column + 1).size());
    int value = 0;
    bool numeric = true;
    for (const Row* row : rows) {
        const CellValue* cell = cell_of(*row, column);
        if (!cell) continue;
        value = std::max(value, static_cast<int>(to_cells(cell->text).size()));
        if (std::isnan(cell->number)) numeric = false;
    }
    return {{column, std::min(std::max(value, title), k_max_metric_width), numeric},
            {column, std::min(std::max(value, std::min(title, k_squeezed_title)), k_max_metric_width), numeric}};
}

int natural_id_width(const std::vector<const Row*>& rows) {
    int width = 2;
    for (const Row* row : rows) width = std::max(width, static_cast<int>(to_cells(row->id).size()));
    return width;
}

}  // namespace

std::vector<const Row*> ordered_rows(const TopState& state) {
    std::vector<const Row*> rows;
    rows.reserve(state.rows().size());
    for (const Row& row : state.rows())
        if (matches_filter(row.id, state.view().filter)) rows.push_back(&row);
    const int sort = state.view().sort_column;
    const int column = sort > 0 && sort <= static_cast<int>(state.columns().size()) ? sort - 1 : -1;
    std::sort(rows.begin(), rows.end(), RowOrder{column, state.view().descending});
    return rows;
}

std::u32string title_of(const TopState& state, int column) {
    std::u32string title = column == 0 ? U"ID" : to_cells(state.columns()[column - 1]);
    if (state.view().sort_column == column) title += state.view().descending ? U'\u25BC' : U'\u25B2';
    return title;
}

std::u32string hidden_marker(int hidden) { return ascii("+" + std::to_string(hidden)) + U'\u00BB'; }

// The id gets at least k_min_id_width; metrics take what is left from the
// left, with shortened titles when not all of them fit whole; then the id
// grows back towards its natural width with the rest.
Layout plan_layout(const TopState& state, int cols) {
    Layout layout;
    layout.rows = ordered_rows(state);
    const int natural_id = std::max(natural_id_width(layout.rows), static_cast<int>(title_of(state, 0).size()));
    const int min_id = std::min(natural_id, k_min_id_width);
    const int total = static_cast<int>(state.columns().size());
    std::vector<ColumnNeed> needs;
    int all = 0;
    for (int c = 0; c < total; ++c) {
        needs.push_back(column_need(state, layout.rows, c));
        all += 1 + needs.back().natural.width;
    }
    int room = cols - k_id_start - min_id;
    const bool squeeze = all > room;
    if (squeeze) {
        int squeezed = 0;
        for (const ColumnNeed& need : needs) squeezed += 1 + need.squeezed.width;
        if (squeezed > room) room -= 1 + static_cast<int>(hidden_marker(total).size());
    }
    for (const ColumnNeed& need : needs) {
        const ShownColumn& column = squeeze ? need.squeezed : need.natural;
        if (1 + column.width > room) break;
        room -= 1 + column.width;
        layout.columns.push_back(column);
    }
    layout.hidden = total - static_cast<int>(layout.columns.size());
    layout.id_width = std::max(0, min_id + std::min(std::max(room, 0), natural_id - min_id));
    return layout;
}

}  // namespace rtwatch::top
