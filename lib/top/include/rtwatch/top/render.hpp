// The layout of `rtwatch top`: TopState in, one Frame out, nothing read from
// the terminal or the clock.
//
//   row 0        header: host, connection status, data age, records/s, shown/total
//   rows 1..n-2  a section per kind, queues, then skills, then agents: a
//                heading ("Queues (30)"), the titles of the metrics that kind
//                has (the sort column carries ▲ or ▼), one line per resource
//   row n-1      keys, or the filter being typed, and "rows N–M of T"
//
// A resource line: its level as a letter (G/Y/R, readable without colour),
// id, its name when records carry one or --names gives one, then the metrics
// in their units (m:ss, h:mm:ss, %). Ids too long for their column keep their
// first 2/5 and last 3/5 around "…". Metric titles are whole when they fit, else shortened
// the same way before metrics are dropped from the right; the title line then
// ends in "+N»". Column widths come from every value the kind has had this
// run, so they only grow: nothing moves as values change or while scrolling.
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
// Rows a page scroll moves: the lines below the header, less one section's
// heading and titles.
int table_height(Size size);
// The scroll position that shows the last row at the bottom of the screen.
int last_scroll(const TopState& state, Size size);

}  // namespace rtwatch::top
