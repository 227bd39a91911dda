// What a key means in `rtwatch top`, and what an action does to the view.
// The filter applies while it is typed; Escape puts back the one before.
#include <algorithm>

#include "rtwatch/top/keys.hpp"
#include "rtwatch/top/render.hpp"
#include "text.hpp"

namespace rtwatch::top {
namespace {

// Long enough for any id; a stuck key cannot grow it without bound.
constexpr std::size_t k_max_filter = 256;

std::optional<ActionType> navigation(KeyCode code) {
    switch (code) {
        case KeyCode::up:
            return ActionType::scroll_up;
        case KeyCode::down:
            return ActionType::scroll_down;
        case KeyCode::page_up:
            return ActionType::page_up;
        case KeyCode::page_down:
            return ActionType::page_down;
        case KeyCode::home:
            return ActionType::scroll_top;
        case KeyCode::end:
            return ActionType::scroll_bottom;
        case KeyCode::ctrl_c:
            return ActionType::quit;
        case KeyCode::ctrl_l:
            return ActionType::repaint;
        default:
            return std::nullopt;
    }
}

ActionType command_key(char32_t ch) {
    switch (ch) {
        case U'q':
        case U'Q':
            return ActionType::quit;
        case U'p':
        case U' ':
            return ActionType::toggle_pause;
        case U's':
            return ActionType::sort_next;
        case U'S':
            return ActionType::sort_reverse;
        case U'/':
            return ActionType::filter_begin;
        case U'k':
            return ActionType::scroll_up;
        case U'j':
            return ActionType::scroll_down;
        case U'g':
            return ActionType::scroll_top;
        case U'G':
            return ActionType::scroll_bottom;
        default:
            return ActionType::none;
    }
}

Action filter_key(Key key) {
    switch (key.code) {
        case KeyCode::character:
            return Action{ActionType::filter_append, key.ch};
        case KeyCode::backspace:
            return Action{ActionType::filter_backspace};
        case KeyCode::ctrl_u:
            return Action{ActionType::filter_erase};
        case KeyCode::enter:
            return Action{ActionType::filter_commit};
        case KeyCode::escape:
            return Action{ActionType::filter_cancel};
        default:
            return Action{navigation(key.code).value_or(ActionType::none)};
    }
}

void pop_utf8(std::string& s) {
    while (!s.empty() && (static_cast<unsigned char>(s.back()) & 0xC0) == 0x80) s.pop_back();
    if (!s.empty()) s.pop_back();
}

Effect scroll_to(TopState& state, long target, Size screen) {
    const long last_start = last_scroll(state, screen);
    const int scroll = static_cast<int>(std::clamp(target, 0L, last_start));
    if (scroll == state.view().scroll) return Effect::none;
    state.view().scroll = scroll;
    return Effect::redraw;
}

Effect scroll(TopState& state, ActionType type, Size screen) {
    const long at = state.view().scroll;
    const long page = std::max(1, table_height(screen));
    switch (type) {
        case ActionType::scroll_up:
            return scroll_to(state, at - 1, screen);
        case ActionType::scroll_down:
            return scroll_to(state, at + 1, screen);
        case ActionType::page_up:
            return scroll_to(state, at - page, screen);
        case ActionType::page_down:
            return scroll_to(state, at + page, screen);
        case ActionType::scroll_top:
            return scroll_to(state, 0, screen);
        default:
            return scroll_to(state, static_cast<long>(state.matching_rows()), screen);
    }
}

Effect edit_filter(ViewOptions& view, const Action& action) {
    switch (action.type) {
        case ActionType::filter_begin:
            view.editing_filter = true;
            view.filter_before_edit = view.filter;
            return Effect::redraw;
        case ActionType::filter_append:
            if (view.filter.size() < k_max_filter) append_utf8(view.filter, action.ch);
            break;
        case ActionType::filter_backspace:
            pop_utf8(view.filter);
            break;
        case ActionType::filter_erase:
        case ActionType::filter_clear:
            view.filter.clear();
            break;
        case ActionType::filter_commit:
            view.editing_filter = false;
            return Effect::redraw;
        default:  // filter_cancel
            view.filter = view.filter_before_edit;
            view.editing_filter = false;
            break;
    }
    view.scroll = 0;
    return Effect::redraw;
}

}  // namespace

Action map_key(const ViewOptions& view, Key key) {
    if (view.editing_filter) return filter_key(key);
    if (key.code == KeyCode::character) return Action{command_key(key.ch)};
    if (key.code == KeyCode::escape) return Action{view.filter.empty() ? ActionType::none : ActionType::filter_clear};
    return Action{navigation(key.code).value_or(ActionType::none)};
}

Effect apply_action(TopState& state, const Action& action, Size screen) {
    ViewOptions& view = state.view();
    switch (action.type) {
        case ActionType::none:
            return Effect::none;
        case ActionType::quit:
            return Effect::quit;
        case ActionType::repaint:
            return Effect::repaint;
        case ActionType::toggle_pause:
            state.set_paused(!view.paused);
            return Effect::redraw;
        case ActionType::sort_next:
            view.sort_column = (view.sort_column + 1) % (static_cast<int>(state.columns().size()) + 1);
            return Effect::redraw;
        case ActionType::sort_reverse:
            view.descending = !view.descending;
            return Effect::redraw;
        case ActionType::scroll_up:
        case ActionType::scroll_down:
        case ActionType::page_up:
        case ActionType::page_down:
        case ActionType::scroll_top:
        case ActionType::scroll_bottom:
            return scroll(state, action.type, screen);
        default:
            return edit_filter(view, action);
    }
}

}  // namespace rtwatch::top
