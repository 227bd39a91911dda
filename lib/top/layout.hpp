// Which rows `rtwatch top` shows in which order, and how wide each column
// is: the decisions render() draws from.
#pragma once

#include <string>
#include <vector>

#include "rtwatch/top/state.hpp"

namespace rtwatch::top {

// Level letter, gap, kind ("queue"), gap: the columns before the id.
inline constexpr int k_id_start = 8;
inline constexpr int k_max_metric_width = 16;
inline constexpr int k_min_id_width = 12;
// Titles are shortened to this (or their values' width) before metrics are dropped.
inline constexpr int k_squeezed_title = 10;

struct ShownColumn {
    int column = 0;  // index into TopState::columns()
    int width = 0;
    bool numeric = true;  // right-aligned
};

struct Layout {
    std::vector<const Row*> rows;  // matching the filter, sorted
    int id_width = 2;
    std::vector<ShownColumn> columns;
    int hidden = 0;  // metric columns that did not fit, dropped from the right
};

// Sorted by kind (queues, skills, agents), then the sort column; rows without
// a value sort last either way, ties by id.
std::vector<const Row*> ordered_rows(const TopState& state);
Layout plan_layout(const TopState& state, int cols);
std::u32string title_of(const TopState& state, int column);
std::u32string hidden_marker(int hidden);

}  // namespace rtwatch::top
