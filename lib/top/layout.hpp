// Which rows `rtwatch top` shows in which order, in which section, and how
// wide each column is: the decisions render() draws from.
#pragma once

#include <string>
#include <vector>

#include "rtwatch/top/state.hpp"

namespace rtwatch::top {

// Level letter and a gap: the columns before the id.
inline constexpr int k_id_start = 2;
inline constexpr int k_min_id_width = 12;
inline constexpr int k_min_name_width = 12;
// Titles are shortened to this (or their values' width) before metrics are dropped.
inline constexpr int k_squeezed_title = 10;

struct ShownColumn {
    int column = 0;  // index into TopState::columns()
    int width = 0;
    bool numeric = true;  // right-aligned
};

// One kind's rows under its own heading and titles, with only the metrics
// that kind has had this run.
struct Section {
    ResourceKind kind = ResourceKind::queue;
    std::vector<const Row*> rows;  // matching the filter, sorted
    int id_width = 2;
    int name_width = 0;  // 0: no NAME column
    std::vector<ShownColumn> columns;
    int hidden = 0;  // metric columns that did not fit, dropped from the right
};

struct Layout {
    std::vector<Section> sections;  // queues, skills, agents; only those with rows
    std::size_t total = 0;          // rows in all sections
};

// Sorted by kind (queues, skills, agents), then the sort column; rows without
// a value sort last either way, ties by id.
std::vector<const Row*> ordered_rows(const TopState& state);
Layout plan_layout(const TopState& state, int cols);
// The column's title; a room for the sort mark is part of its width.
std::u32string title_of(const TopState& state, int column);
std::u32string hidden_marker(int hidden);
std::u32string section_title(ResourceKind kind);

}  // namespace rtwatch::top
