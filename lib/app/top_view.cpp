// The loop's side of `rtwatch top`: records in, keys in, frames out. The
// pure layer (rtwatch/top) decides what a frame shows and what a key does;
// this only schedules and carries out.
#include "top_view.hpp"

#include <algorithm>
#include <filesystem>

#include "rtwatch/core/log.hpp"
#include "rtwatch/top/render.hpp"
#include "rtwatch/top/terminal.hpp"

namespace rtwatch::app {

namespace {

// A burst of keys (a held arrow) redraws at most this often.
constexpr std::chrono::milliseconds k_min_redraw{50};

std::string host_of(const Config& config) {
    if (config.mode == Mode::live) return top::url_host(config.api_url);
    if (config.replay_input == "-") return "replay of stdin";
    return "replay of " + std::filesystem::path(config.replay_input).filename().string();
}

}  // namespace

TopView::TopView(const Config& config, net::Loop& loop, TerminalIo& terminal, std::function<void()> quit,
                 ResourceNames names)
    : m_config(config), m_loop(loop), m_terminal(terminal), m_quit(std::move(quit)), m_size(terminal.size()) {
    m_state.set_host(host_of(config));
    m_state.set_names(std::move(names));
    // Durations as m:ss, percentages with %; --unit where given.
    m_state.set_units(MetricUnits(config.units));
    // --fields keeps its order on screen, whatever order records use.
    for (const auto& field : config.fields) m_state.add_column(field);
    m_loop.watch_fd(m_terminal.input_fd(), [this] { on_input(); });
    if (m_terminal.log_fd() >= 0) m_loop.watch_fd(m_terminal.log_fd(), [this] { m_terminal.take_log(); });
    draw();
    m_frame_timer = m_loop.add_timer(m_loop.now() + m_config.refresh, [this] { on_frame_timer(); });
}

void TopView::metrics(const Record& record, std::span<const std::string_view>, WallTime) {
    m_state.apply(record, m_loop.now());
    // The first data is not left waiting for the frame timer.
    if (!m_seen_data) draw_soon(false);
    m_seen_data = true;
}

void TopView::level(const output::LevelLine& change, WallTime) {
    top::Level shown = top::Level::none;
    if (change.level == "green") shown = top::Level::green;
    if (change.level == "yellow") shown = top::Level::yellow;
    if (change.level == "red") shown = top::Level::red;
    show_level(change.kind, change.id, change.metric, shown);
    draw_soon(false);
}

// The reconnect delay is not part of the status today: the header then
// says "reconnecting" without a countdown.
void TopView::status(const StatusChange& change, WallTime) {
    if (auto shown = top::status_from_name(status_name(change.status))) {
        m_state.set_status(*shown);
        draw_soon(false);
    }
}

void TopView::close() {
    if (m_closed) return;
    m_closed = true;
    cancel(m_frame_timer);
    cancel(m_soon_timer);
    cancel(m_escape_timer);
    m_loop.unwatch_fd(m_terminal.input_fd());
    if (m_terminal.log_fd() >= 0) m_loop.unwatch_fd(m_terminal.log_fd());
    m_terminal.restore();
}

void TopView::reload() {
    if (m_closed || m_config.names_file.empty()) return;
    auto loaded = ResourceNames::load(m_config.names_file);
    if (!loaded) return log::warn("{} (the names in use stay)", loaded.error().message);
    m_state.set_names(std::move(*loaded));
    log::info("top: reread --names {}", m_config.names_file);
    draw_soon(false);
}

void TopView::resize() {
    if (m_closed) return;
    m_size = m_terminal.size();
    draw_soon(true);
}

void TopView::on_input() {
    if (!m_terminal.read_input(m_input)) {
        // The terminal went away (closed window, hung-up ssh): nothing to show on.
        m_loop.unwatch_fd(m_terminal.input_fd());
        return m_quit();
    }
    m_keys.feed(m_input, m_loop.now(), m_decoded);
    m_input.clear();
    on_keys();
    arm_escape_timer();
}

void TopView::on_keys() {
    bool full = false, redraw = false;
    for (const top::Key& key : m_decoded) {
        switch (top::apply_action(m_state, top::map_key(m_state.view(), key), m_size)) {
            case top::Effect::none:
                break;
            case top::Effect::redraw:
                redraw = true;
                break;
            case top::Effect::repaint:
                full = true;
                break;
            case top::Effect::quit:
                m_decoded.clear();
                return m_quit();
        }
    }
    m_decoded.clear();
    if (redraw || full) draw_soon(full);
}

// A lone ESC waits to see whether a sequence follows.
void TopView::arm_escape_timer() {
    cancel(m_escape_timer);
    auto deadline = m_keys.deadline();
    if (!deadline) return;
    m_escape_timer = m_loop.add_timer(*deadline, [this] {
        m_escape_timer.reset();
        m_keys.expire(m_loop.now(), m_decoded);
        on_keys();
    });
}

void TopView::on_frame_timer() {
    m_frame_timer = m_loop.add_timer(m_loop.now() + m_config.refresh, [this] { on_frame_timer(); });
    draw();
}

// On the loop's next pass, so a batch of records is drawn whole.
void TopView::draw_soon(bool full) {
    m_full = m_full || full;
    if (m_soon_timer || m_closed) return;
    m_soon_timer = m_loop.add_timer(std::max(m_loop.now(), m_drawn_at + k_min_redraw), [this] {
        m_soon_timer.reset();
        draw();
    });
}

void TopView::draw() {
    if (m_closed) return;
    const TimePoint now = m_loop.now();
    top::Frame next = top::render(m_state, m_size, {m_config.top_color, now});
    const std::string bytes = top::encode_update(m_shown, next, m_config.top_color, m_full);
    if (!bytes.empty() && !m_terminal.write(bytes)) return m_quit();
    m_state.mark_drawn(now);
    m_shown = std::move(next);
    m_full = false;
    m_drawn_at = now;
}

Result<TopMode> attach_top(const Config& config, net::Loop& loop, Pipeline& pipeline, Session& session) {
    // Before the terminal is taken, so an error reads as any other.
    ResourceNames names;
    if (!config.names_file.empty()) {
        auto loaded = ResourceNames::load(config.names_file);
        if (!loaded) return loaded.error();
        names = std::move(*loaded);
    }
    auto terminal = TerminalIo::open();
    if (!terminal) return terminal.error();
    TopMode mode;
    mode.terminal = std::move(*terminal);
    mode.view = std::make_unique<TopView>(
        config, loop, *mode.terminal, [&session] { session.end(ExitCode::ok); }, std::move(names));
    pipeline.add_sink(*mode.view);
    session.on_resize([view = mode.view.get()] { view->resize(); });
    session.hold_at_end();
    return mode;
}

void TopView::cancel(std::optional<net::Loop::Id>& timer) {
    if (timer) m_loop.cancel_timer(*timer);
    timer.reset();
}

}  // namespace rtwatch::app
