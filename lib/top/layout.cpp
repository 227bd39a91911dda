// Row order, sections and column widths for render(). Widths come from
// every value a kind has had this run, not only the visible ones, so
// columns stay put while values change and while scrolling.
#include "layout.hpp"

#include <algorithm>
#include <cmath>

#include "text.hpp"

namespace rtwatch::top {
namespace {

int kind_rank(ResourceKind kind) {
    switch (kind) {
        case ResourceKind::queue:
            return 0;
        case ResourceKind::skill:
            return 1;
        case ResourceKind::agent:
            return 2;
    }
    return 0;
}

const CellValue* cell_of(const Row& row, int column) {
    if (column < 0 || static_cast<std::size_t>(column) >= row.cells.size()) return nullptr;
    const CellValue& cell = row.cells[column];
    return cell.present ? &cell : nullptr;
}

// What a row sorts by, copied out so the sort compares contiguous keys
// instead of chasing each row's cells.
struct SortKey {
    int rank = 0;  // kind: queues, skills, agents
    int has = 0;   // 0: a number, 1: text, 2: no value (last either way)
    double number = 0;
    std::string_view text;
    std::string_view id;
    const Row* row = nullptr;
};

SortKey sort_key(const Row& row, int column) {
    SortKey key{kind_rank(row.kind), 0, 0, {}, row.id, &row};
    if (column < 0) return key;
    const CellValue* cell = cell_of(row, column);
    if (!cell)
        key.has = 2;
    else if (std::isnan(cell->number))
        key.has = 1, key.text = cell->text;
    else
        key.number = cell->number;
    return key;
}

struct KeyOrder {
    bool by_value;
    bool descending;

    bool operator()(const SortKey& a, const SortKey& b) const {
        if (a.rank != b.rank) return a.rank < b.rank;
        if (!by_value) return descending ? a.id > b.id : a.id < b.id;
        if (a.has != b.has) return a.has < b.has;
        if (a.has == 0 && a.number != b.number) return descending ? a.number > b.number : a.number < b.number;
        if (a.has == 1 && a.text != b.text) return descending ? a.text > b.text : a.text < b.text;
        return a.id < b.id;
    }
};

struct ColumnNeed {
    ShownColumn natural;   // the whole title
    ShownColumn squeezed;  // the title shortened to k_squeezed_title
};

// Widths come from every value the kind has had this run, and titles keep a
// cell for the sort mark, so no column moves as values or the sort change.
ColumnNeed column_need(const TopState& state, const std::vector<const Row*>& rows, ResourceKind kind, int column) {
    const int title = static_cast<int>(to_cells(state.columns()[column]).size()) + 1;
    const int value = state.value_width(kind, column);
    bool numeric = true;
    for (const Row* row : rows)
        if (const CellValue* cell = cell_of(*row, column); cell && std::isnan(cell->number)) numeric = false;
    return {{column, std::max(value, title), numeric},
            {column, std::max(value, std::min(title, k_squeezed_title)), numeric}};
}

}  // namespace

std::vector<const Row*> ordered_rows(const TopState& state) {
    const int sort = state.view().sort_column;
    const int column = sort > 0 && sort <= static_cast<int>(state.columns().size()) ? sort - 1 : -1;
    std::vector<SortKey> keys;
    keys.reserve(state.rows().size());
    for (const Row& row : state.rows())
        if (matches_filter(row.id, state.view().filter)) keys.push_back(sort_key(row, column));
    std::sort(keys.begin(), keys.end(), KeyOrder{column >= 0, state.view().descending});
    std::vector<const Row*> rows;
    rows.reserve(keys.size());
    for (const SortKey& key : keys) rows.push_back(key.row);
    return rows;
}

std::u32string title_of(const TopState& state, int column) {
    std::u32string title = column == 0 ? U"ID" : to_cells(state.columns()[column - 1]);
    if (state.view().sort_column == column) title += state.view().descending ? U'\u25BC' : U'\u25B2';
    return title;
}

std::u32string hidden_marker(int hidden) { return ascii("+" + std::to_string(hidden)) + U'\u00BB'; }

std::u32string section_title(ResourceKind kind) {
    switch (kind) {
        case ResourceKind::queue:
            return U"Queues";
        case ResourceKind::skill:
            return U"Skills";
        case ResourceKind::agent:
            return U"Agents";
    }
    return U"";
}

// Metric columns from the left into `room`, whole titles if all fit, else
// shortened ones, keeping space for the "+N»" marker when some are dropped.
// Returns the room left over.
int fit_columns(const std::vector<ColumnNeed>& needs, int room, std::vector<ShownColumn>& shown) {
    const auto sum = [&](ShownColumn ColumnNeed::*which) {
        int width = 0;
        for (const ColumnNeed& need : needs) width += 1 + (need.*which).width;
        return width;
    };
    const bool squeeze = sum(&ColumnNeed::natural) > room;
    if (squeeze && sum(&ColumnNeed::squeezed) > room)
        room -= 1 + static_cast<int>(hidden_marker(static_cast<int>(needs.size())).size());
    for (const ColumnNeed& need : needs) {
        const ShownColumn& column = squeeze ? need.squeezed : need.natural;
        if (1 + column.width > room) break;
        room -= 1 + column.width;
        shown.push_back(column);
    }
    return room;
}

// The id (and the name, when the kind has one) get at least their minimum,
// metrics what is left, and the id and name grow back towards their whole
// width with the rest.
Section plan_section(const TopState& state, ResourceKind kind, std::vector<const Row*> rows, int cols) {
    Section section;
    section.kind = kind;
    section.rows = std::move(rows);
    const int natural_id = std::max(state.id_width(kind), 3);
    const int name = state.name_column();
    const int natural_name = state.name_width(kind) > 0 ? std::max(state.name_width(kind), 5) : 0;
    const int min_id = std::min(natural_id, k_min_id_width);
    const int min_name = natural_name > 0 ? std::min(natural_name, k_min_name_width) + 1 : 0;
    std::vector<ColumnNeed> needs;
    for (int c = 0; c < static_cast<int>(state.columns().size()); ++c)
        if (c != name && state.value_width(kind, c) > 0) needs.push_back(column_need(state, section.rows, kind, c));
    int room = fit_columns(needs, cols - k_id_start - min_id - min_name, section.columns);
    section.hidden = static_cast<int>(needs.size() - section.columns.size());
    room = std::max(room, 0);
    const int id_grow = std::min(room, natural_id - min_id);
    section.id_width = min_id + id_grow;
    room -= id_grow;
    if (natural_name > 0) section.name_width = min_name - 1 + std::min(room, natural_name + 1 - min_name);
    return section;
}

Layout plan_layout(const TopState& state, int cols) {
    Layout layout;
    const std::vector<const Row*> rows = ordered_rows(state);
    layout.total = rows.size();
    for (std::size_t i = 0; i < rows.size();) {
        std::size_t end = i;
        while (end < rows.size() && rows[end]->kind == rows[i]->kind) ++end;
        layout.sections.push_back(plan_section(
            state, rows[i]->kind,
            std::vector<const Row*>(rows.begin() + static_cast<long>(i), rows.begin() + static_cast<long>(end)), cols));
        i = end;
    }
    return layout;
}

}  // namespace rtwatch::top
