// The layout of `rtwatch top`: TopState in, one Frame out, nothing read from
// the terminal or the clock.
//
//   row 0        header: host, connection status, data age, records/s, shown/total
//   row 1        column titles; the sort column carries ▲ or ▼
//   rows 2..n-2  one line per resource, queues, then skills, then agents
//   row n-1      keys, or the filter being typed, and "rows N–M of T"
#pragma once

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

Frame render(const TopState& state, Size size, const RenderOptions& options);
// Lines available to resources at this size: what a page scroll moves.
int table_height(Size size);

}  // namespace rtwatch::top
