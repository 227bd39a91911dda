// Keyboard input for `rtwatch top`, in three pure steps: bytes from stdin
// (in any chunking) to keys, a key to an action given the current mode,
// and an action applied to the view.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rtwatch/core/clock.hpp"
#include "rtwatch/top/frame.hpp"
#include "rtwatch/top/state.hpp"

namespace rtwatch::top {

enum class KeyCode {
    character,
    enter,
    escape,
    backspace,
    tab,
    up,
    down,
    left,
    right,
    page_up,
    page_down,
    home,
    end,
    del,
    ctrl_c,
    ctrl_l,
    ctrl_u,
};

struct Key {
    KeyCode code = KeyCode::character;
    char32_t ch = 0;  // for KeyCode::character
    friend bool operator==(const Key&, const Key&) = default;
};

// A lone ESC is the Escape key only once no sequence follows it within
// k_escape_wait, so the loop calls expire() when deadline() passes.
class KeyDecoder {
public:
    static constexpr std::chrono::milliseconds k_escape_wait{50};

    void feed(std::string_view bytes, TimePoint now, std::vector<Key>& out);
    void expire(TimePoint now, std::vector<Key>& out);
    // When expire() has something to decide; nullopt when nothing is pending.
    std::optional<TimePoint> deadline() const;

private:
    void decode(std::vector<Key>& out);

    std::string m_pending;
    TimePoint m_pending_since{};
};

enum class ActionType {
    none,
    quit,
    toggle_pause,
    sort_next,
    sort_reverse,
    repaint,
    scroll_up,
    scroll_down,
    page_up,
    page_down,
    scroll_top,
    scroll_bottom,
    filter_begin,
    filter_append,
    filter_backspace,
    filter_erase,
    filter_commit,
    filter_cancel,
    filter_clear,
};

struct Action {
    ActionType type = ActionType::none;
    char32_t ch = 0;  // for filter_append
    friend bool operator==(const Action&, const Action&) = default;
};

// While a filter is being typed, printable keys are text: only ^C quits.
Action map_key(const ViewOptions& view, Key key);

enum class Effect {
    none,     // nothing to redraw
    redraw,   // render and encode against the previous frame
    repaint,  // render and encode with full = true
    quit,     // leave_sequence(), restore the terminal, exit 0
};

// Sorting, filtering, scrolling and pausing; `screen` sizes a page scroll.
Effect apply_action(TopState& state, const Action& action, Size screen);

}  // namespace rtwatch::top
