// ANSI output for `rtwatch top`: repaint only the cells that differ between
// two frames, and the sequences that enter and leave the full-screen view.
#pragma once

#include <string>
#include <string_view>

#include "rtwatch/top/frame.hpp"

namespace rtwatch::top {

// Bytes that turn a terminal showing `previous` into one showing `next`:
// cursor moves, SGR and text for the changed cells only. Assumes default
// attributes on entry and leaves them so. `full` (the first frame, after a
// resize or a ^L) clears the screen and draws `next` whole; a size change
// implies it. Without `color` no colour SGR is written and colour-only
// differences are not repainted.
std::string encode_update(const Frame& previous, const Frame& next, bool color, bool full = false);

// Alternate screen, cursor hidden, autowrap off (a write to the last column
// must not scroll).
std::string_view enter_sequence();
// Restores all of it; safe to write more than once, and from a signal
// handler (a constant string).
std::string_view leave_sequence();

}  // namespace rtwatch::top
