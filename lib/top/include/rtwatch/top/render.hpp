// The layout of `rtwatch top`: TopState in, one Frame out, nothing read from
// the terminal or the clock.
//
//   row 0        header: host, connection status, data age, records/s, shown/total
//   row 1        column titles; the sort column carries ▲ or ▼
//   rows 2..n-2  one line per resource, queues, then skills, then agents
//   row n-1      keys, or the filter being typed, and "rows N–M of T"
//
// A resource line: its level as a letter (G/Y/R, readable without colour),
// kind, id, then the metrics. Ids too long for their column keep their first
// 2/5 and last 3/5 around "…" (14 columns: agent…7e8f9a01). Metric titles are
// shortened the same way before metrics are dropped from the right; the
// title line then ends in "+N»". Column widths come from every matching
// row, so they do not move while scrolling.
#pragma once

#include <optional>
#include <string_view>

#include "rtwatch/core/clock.hpp"
#include "rtwatch/top/frame.hpp"
#include "rtwatch/top/state.hpp"

namespace rtwatch::top {

struct RenderOptions {
    // false: no colour at all (NO_COLOR, --color never); bold, dim and
    // reverse stay, as no-color.org asks.
    bool color = true;
    TimePoint now{};
};

enum class ColorMode { automatic, never, always };

// --color always wins; otherwise a non-empty NO_COLOR (no-color.org) or an
// output that is not a terminal turns colour off. `no_color` is the
// variable's value as read at startup, nullopt when unset.
bool use_color(ColorMode mode, std::optional<std::string_view> no_color, bool is_terminal);

Frame render(const TopState& state, Size size, const RenderOptions& options);
// Lines available to resources at this size: what a page scroll moves.
int table_height(Size size);

}  // namespace rtwatch::top
